"""Staff pages for triage, cases, referrals and follow-ups."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.cases import referrals, selectors, services, support, triage
from lintas.cases.forms import (
    ConsentForm,
    EventForm,
    FollowUpForm,
    PersonForm,
    ReferralForm,
    RejectForm,
    ScheduleForm,
    ServiceForm,
    StatusForm,
)
from lintas.cases.models import Case, Consent, PersonRole, Referral, ServiceStatus, TipStatus
from lintas.common.errors import NotFound, ValidationFailed
from lintas.common.pages import flashed, shown_on

# --- triage -----------------------------------------------------------------------------


@requires(Capability.TRIAGE_TIPS)
def tip_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = request.GET.get("status", TipStatus.NEW)
    status = status if status in TipStatus.values else TipStatus.NEW
    tips = selectors.tips_queue(user=user, status=status)[:200]
    return render(
        request, "cases/tips.html", {"tips": tips, "status": status, "statuses": TipStatus.choices}
    )


@requires(Capability.TRIAGE_TIPS)
def tip_detail(request: HttpRequest, tip_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    tip = selectors.tip_for_triage(user=user, tip_id=tip_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("text", "").replace("\x00", "")
        with flashed(request) as refused:
            if action == "verify":
                triage.tip_verify(actor=user, tip_id=tip.pk)
            elif action == "merge":
                triage.tip_merge(actor=user, tip_id=tip.pk, into_id=_uuid_typed(text))
            elif action == "open_case":
                case = triage.tip_open_case(actor=user, tip_id=tip.pk)
                messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
                return redirect("cases:case_detail", case_id=case.pk)
            elif action == "link":
                found = selectors.cases_visible(user=user).filter(reference=text.strip()).first()
                if found is None:
                    raise NotFound(_("No such case."))
                triage.tip_link_case(actor=user, tip_id=tip.pk, case=found)
            elif action == "close":
                triage.tip_close(actor=user, tip_id=tip.pk, reason=text)
            elif action == "reply":
                triage.tip_reply(actor=user, tip_id=tip.pk, text=text)
            else:
                raise NotFound(_("Unknown action."))
        if not refused:
            messages.success(request, _("Changes saved."))
        return redirect("cases:tip_detail", tip_id=tip.pk)
    return render(
        request, "cases/tip_detail.html", {"tip": tip, "messages_list": tip.messages.all()}
    )


# --- cases ------------------------------------------------------------------------------


@requires(Capability.MANAGE_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    cases = selectors.cases_visible(user=user).select_related("owner_agency", "regency")
    return render(request, "cases/cases.html", {"cases": cases.order_by("-created_at")[:200]})


def _person_choices(
    persons: list[selectors.PersonView], victims_only: bool
) -> list[tuple[str, str]]:
    return [
        (str(v.person.pk), f"{v.person.get_role_display()}: {v.name}")
        for v in persons
        if not victims_only or v.person.role == PersonRole.VICTIM
    ]


def _case_page(
    request: HttpRequest,
    access: selectors.CaseAccess,
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    user = signed_in_user(request)
    case = access.case
    persons = selectors.persons_of(user=user, access=access)
    victims = _person_choices(persons, victims_only=True)
    everyone = _person_choices(persons, victims_only=False)
    context: dict[str, Any] = {
        "access": access,
        "case": case,
        "persons": persons,
        "events": case.events.all(),
        "consents": Consent.objects.filter(person__case=case).select_related("agency", "person"),
        "referrals": case.referrals.select_related("to_agency", "from_agency").order_by(
            "-created_at"
        ),
        "services": case.services.select_related("provider", "person"),
        "follow_ups": case.follow_ups.select_related("assigned_to"),
        "today": timezone.localdate(),
        "status_form": bound.get("status_form")
        or StatusForm(initial={"status": case.status, "version": case.version}),
        "person_form": bound.get("person_form") or PersonForm(),
        "event_form": bound.get("event_form") or EventForm(),
        "consent_form": bound.get("consent_form") or ConsentForm(persons=everyone),
        "referral_form": bound.get("referral_form") or ReferralForm(exclude_agency=user.agency_id),
        "service_form": bound.get("service_form") or ServiceForm(persons=victims),
        "schedule_form": bound.get("schedule_form")
        or ScheduleForm(persons=victims, initial={"start": timezone.localdate()}),
        "can_override": user.can(Capability.OVERRIDE_CONSENT),
        "service_statuses": ServiceStatus.choices,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@requires(Capability.MANAGE_CASES)
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    access = selectors.case_for(user=signed_in_user(request), case_id=case_id)
    return _case_page(request, access)


@requires(Capability.MANAGE_CASES)
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("cases:case_list")
    with flashed(request) as refused:
        case = services.case_open(
            actor=signed_in_user(request), summary=request.POST.get("summary", "")
        )
    if refused:
        return redirect("cases:case_list")
    return redirect("cases:case_detail", case_id=case.pk)


@requires(Capability.MANAGE_CASES)
@require_POST
def case_action(request: HttpRequest, case_id: uuid.UUID, action: str) -> HttpResponse:
    """One small form of the case page: status, person, event, consent, referral, service."""
    user = signed_in_user(request)
    access = selectors.case_for(user=user, case_id=case_id)
    case: Case = access.case
    persons = selectors.persons_of(user=user, access=access)
    victims = _person_choices(persons, victims_only=True)
    everyone = _person_choices(persons, victims_only=False)
    builders: dict[str, tuple[str, Any]] = {
        "status": ("status_form", lambda: StatusForm(request.POST)),
        "person": ("person_form", lambda: PersonForm(request.POST)),
        "event": ("event_form", lambda: EventForm(request.POST)),
        "consent": ("consent_form", lambda: ConsentForm(request.POST, persons=everyone)),
        "referral": (
            "referral_form",
            lambda: ReferralForm(request.POST, exclude_agency=user.agency_id),
        ),
        "service": ("service_form", lambda: ServiceForm(request.POST, persons=victims)),
        "schedule": ("schedule_form", lambda: ScheduleForm(request.POST, persons=victims)),
    }
    if action in ("revoke", "service_status"):
        return _row_action(request, user, case, action)
    if action not in builders:
        raise NotFound(_("Unknown action."))
    name, build = builders[action]
    form = build()
    if form.is_valid():
        with shown_on(form) as refused:
            _apply(action, user, case, form.cleaned_data)
        if not refused:
            messages.success(request, _("Changes saved."))
            return redirect("cases:case_detail", case_id=case.pk)
    return _case_page(request, access, status=400, **{name: form})


def _row_action(request: HttpRequest, user: Any, case: Case, action: str) -> HttpResponse:
    """Small actions on one row of the case page: revoke a referral, move a service on."""
    row_id = _uuid_or_none(request.POST.get("id", ""))
    if action == "revoke":
        referral = case.referrals.filter(pk=row_id).first() if row_id else None
        if referral is None:
            raise NotFound(_("No such referral."))
        with flashed(request, fields=True) as refused:
            referrals.referral_revoke(
                actor=user, referral=referral, reason=request.POST.get("reason", "")
            )
    else:
        service = case.services.filter(pk=row_id).first() if row_id else None
        if service is None:
            raise NotFound(_("No such service."))
        with flashed(request, fields=True) as refused:
            support.support_service_set_status(
                actor=user, service=service, status=request.POST.get("status", "")
            )
    if not refused:
        messages.success(request, _("Changes saved."))
    return redirect("cases:case_detail", case_id=case.pk)


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def _uuid_typed(text: str) -> uuid.UUID:
    """A record's id typed into a form; anything else is refused as invalid input."""
    found = _uuid_or_none(text)
    if found is None:
        raise ValidationFailed(_("Invalid input."))
    return found


def _apply(action: str, user: Any, case: Case, d: dict[str, Any]) -> None:
    if action == "status":
        services.case_set_status(
            actor=user,
            case=case,
            status=d["status"],
            reason=d["reason"],
            expected_version=d["version"],
        )
    elif action == "person":
        services.case_person_add(actor=user, case=case, data=services.PersonData(**d))
    elif action == "event":
        services.case_event_add(
            actor=user,
            case=case,
            type=d["type"],
            date_=d["date"],
            description=d["description"],
            country=d["country"],
            city=d["city"],
        )
    elif action == "consent":
        person = services.person_of_case(case, d["person"])
        services.consent_record(
            actor=user,
            person=person,
            kind=d["kind"],
            method=d["method"],
            note=d["note"],
            agency=d["agency"],
        )
    elif action == "referral":
        referrals.referral_create(
            actor=user,
            case=case,
            to_agency=d["to_agency"],
            reason=d["reason"],
            details=d["details"],
            covers_identity=d["covers_identity"],
            override_reason=d["override_reason"],
        )
    elif action == "service":
        person = services.person_of_case(case, d["person"])
        support.support_service_add(
            actor=user, person=person, type=d["type"], provider=d["provider"], note=d["note"]
        )
    elif action == "schedule":
        person = services.person_of_case(case, d["person"])
        support.follow_ups_schedule(actor=user, person=person, start=d["start"])


# --- referrals and follow-ups -------------------------------------------------------------


@requires(Capability.MANAGE_CASES)
def referral_inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = selectors.referrals_incoming(user=user)[:200]
    return render(
        request,
        "cases/referrals.html",
        {
            "referrals": rows,
            "reject_form": RejectForm(),
        },
    )


@requires(Capability.MANAGE_CASES)
@require_POST
def referral_decide(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action")
    if action not in ("accept", "reject", "complete"):
        raise NotFound(_("Unknown action."))
    # Another agency's referral reads as not found (404), not as a refused decision.
    selectors.referral_for_receiver(user=user, referral_id=referral_id)
    with flashed(request) as refused:
        if action == "accept":
            done: Referral = referrals.referral_accept(actor=user, referral_id=referral_id)
            messages.success(
                request,
                _("Referral accepted: case %(ref)s is now yours to support.")
                % {"ref": done.case.reference},
            )
            return redirect("cases:case_detail", case_id=done.case_id)
        if action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason to reject."))
                return redirect("cases:referral_inbox")
            referrals.referral_reject(
                actor=user, referral_id=referral_id, reason=form.cleaned_data["reason"]
            )
        else:
            referrals.referral_complete(actor=user, referral_id=referral_id)
    if not refused:
        messages.success(request, _("Changes saved."))
    return redirect("cases:referral_inbox")


@requires(Capability.MANAGE_CASES)
def follow_ups(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    rows = selectors.follow_ups_due(user=user, today=today)[:300]
    return render(
        request,
        "cases/follow_ups.html",
        {"rows": rows, "today": today, "form": FollowUpForm(initial={"done_on": today})},
    )


@requires(Capability.MANAGE_CASES)
@require_POST
def follow_up_record(request: HttpRequest, follow_up_id: uuid.UUID) -> HttpResponse:
    # Another agency's follow-up reads as not found (404), not as a refused visit.
    selectors.follow_up_of_agency(user=signed_in_user(request), follow_up_id=follow_up_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        with flashed(request, fields=True) as refused:
            support.follow_up_record(
                actor=signed_in_user(request), follow_up_id=follow_up_id, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("Follow-up recorded."))
    else:
        messages.error(request, _("Please correct the marked fields."))
    return redirect("cases:follow_ups")
