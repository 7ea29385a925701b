"""The registration desk, today's crossings, overstays, and the market-day desk."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lintas.accounts.decorators import forbidden, requires, signed_in_user
from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.ids import uuid7
from lintas.common.pages import flashed, shown_on
from lintas.crossings import selectors, services, stays
from lintas.crossings.desk import mrz_error_field, read_scan
from lintas.crossings.forms import CheckoutForm, CrossingForm, GroupForm, MarketVisitForm
from lintas.crossings.models import (
    Crossing,
    Direction,
    DocumentKind,
    MarketVisit,
    Outcome,
    Purpose,
    TravelDocument,
)
from lintas.crossings.services import MRZ_CHECK_FAILED
from lintas.linkage.linked import crossings_elsewhere

SCAN_MAX = 1000
LAST_SAVED = "lintas_desk_last"
DESK_MEMORY = "lintas_desk"  # direction, entry point and purpose stay between travellers

SCAN_MESSAGES = {
    "empty": gettext_lazy("Scan a document or type its number."),
    "too_large": gettext_lazy("That is far longer than an MRZ: scan again."),
    "line_count": gettext_lazy("An MRZ has two or three lines: scan again."),
    "line_length": gettext_lazy("The MRZ lines have the wrong length: scan again or type by hand."),
    "characters": gettext_lazy("The MRZ has characters that do not belong in it: scan again."),
    "lowercase": gettext_lazy("An MRZ is in capitals only: scan again or type by hand."),
    "unknown_number": gettext_lazy("No document with this number yet: fill in the form."),
}


def _desk_defaults(request: HttpRequest) -> dict[str, Any]:
    remembered = request.session.get(DESK_MEMORY) or {}
    return {
        "direction": remembered.get("direction", Direction.OUTBOUND),
        "entry_point": remembered.get("entry_point", ""),
        "purpose": remembered.get("purpose", Purpose.FAMILY),
        "kind": DocumentKind.PASSPORT,
        "issuing_state": "IDN",
        "nationality": "IDN",
        "crossing_id": uuid7(),
    }


def mrz_problems(errors: tuple[str, ...]) -> dict[str, str]:
    """Field name -> message for the MRZ checks that failed, shown before saving."""
    return {mrz_error_field(error): str(MRZ_CHECK_FAILED) for error in errors}


def _desk_page(
    request: HttpRequest, user: User, form: CrossingForm, status: int = 200, scan_message: str = ""
) -> HttpResponse:
    has_mrz_problems = bool(form.data.get("mrz_errors") or form.initial.get("mrz_errors"))
    last = _last_screening(request, user)
    return render(
        request,
        "crossings/desk.html",
        {
            "form": form,
            "crossings": selectors.crossings_of_day(user=user)[:30],
            "scan_message": scan_message,
            "show_accept": has_mrz_problems,
            "scan_max": SCAN_MAX,
            "group": _open_group(request, user),
            "last": last,
            "last_earlier": crossings_elsewhere(user=user, traveller=last.traveller)
            if last
            else [],
            "group_form": GroupForm(),
        },
        status=status,
    )


@requires(Capability.REGISTER_CROSSING)
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.post is None:
        return forbidden(request)
    if request.method == "GET":
        form = CrossingForm(initial=_desk_defaults(request), post=user.post)
        return _desk_page(request, user, form)
    form = CrossingForm(request.POST, post=user.post)
    if form.is_valid() and not _same_direction_again(user, form):
        group_id = (request.session.get(DESK_MEMORY) or {}).get("group_id")
        with shown_on(form) as refused:
            crossing = services.crossing_register(
                actor=user, **form.service_arguments(group_id=group_id)
            )
        if not refused:
            d = form.cleaned_data
            request.session[LAST_SAVED] = str(crossing.pk)
            request.session[DESK_MEMORY] = {
                **(request.session.get(DESK_MEMORY) or {}),
                "direction": d["direction"],
                "entry_point": d["entry_point"],
                "purpose": d["purpose"],
            }
            saved = (
                _("Refusal saved: %(name)s, %(direction)s.")
                if crossing.outcome == Outcome.REFUSED
                else _("Saved: %(name)s, %(direction)s.")
            )
            messages.success(
                request,
                saved
                % {
                    "name": crossing.traveller.full_name,
                    "direction": crossing.get_direction_display(),
                },
            )
            return redirect("crossings:desk")
    return _desk_page(request, user, form, status=400)


def _same_direction_again(user: User, form: CrossingForm) -> bool:
    """Warn before a second entry (or exit) with no crossing the other way in between."""
    d = form.cleaned_data
    if d["outcome"] != Outcome.CROSSED or d["confirm_direction"]:
        return False
    last = selectors.last_crossing_of_document(
        user=user, kind=d["kind"], issuing_state=d["issuing_state"], number=d["number"]
    )
    if last is None or last.direction != d["direction"] or last.pk == d["crossing_id"]:
        return False  # no history, the other way, or this very form sent again
    form.add_error(
        "direction",
        _(
            "Already recorded: %(direction)s on %(date)s at %(post)s, with no crossing back "
            "since. Check the direction, or confirm below."
        )
        % {
            "direction": last.get_direction_display(),
            "date": timezone.localtime(last.crossed_at).strftime("%Y-%m-%d %H:%M"),
            "post": last.post.name,
        },
    )
    form.same_direction_warning = True
    return True


def _last_screening(request: HttpRequest, user: User) -> Any:
    """The screening of the crossing this desk saved last, shown until the next save."""
    last_id = request.session.get(LAST_SAVED)
    if not last_id:
        return None
    return (
        Crossing.objects.filter(pk=last_id, post_id=user.post_id)
        .select_related("screening", "traveller")
        .first()
    )


def _open_group(request: HttpRequest, user: User) -> dict[str, Any] | None:
    remembered = request.session.get(DESK_MEMORY) or {}
    group_id = remembered.get("group_id")
    if not group_id:
        return None
    return {
        "label": remembered.get("group_label", ""),
        "count": Crossing.objects.filter(group_id=group_id).count(),
    }


@requires(Capability.REGISTER_CROSSING)
@require_POST
def desk_group(request: HttpRequest) -> HttpResponse:
    """Start a group that the next registrations join, or end it."""
    user = signed_in_user(request)
    memory = dict(request.session.get(DESK_MEMORY) or {})
    if request.POST.get("action") == "end":
        memory.pop("group_id", None)
        memory.pop("group_label", None)
        request.session[DESK_MEMORY] = memory
        return redirect("crossings:desk")
    form = GroupForm(request.POST)
    if form.is_valid():
        with flashed(request) as refused:
            group = services.crossing_group_create(actor=user, label=form.cleaned_data["label"])
        if not refused:
            memory.update(group_id=str(group.pk), group_label=group.label)
            request.session[DESK_MEMORY] = memory
    return redirect("crossings:desk")


@requires(Capability.REGISTER_CROSSING)
@require_POST
def desk_scan(request: HttpRequest) -> HttpResponse:
    """htmx: fill the desk form from a scanned MRZ or a known document number."""
    user = signed_in_user(request)
    if user.post is None:
        return forbidden(request)
    text = request.POST.get("scan", "")
    if len(text) > SCAN_MAX:
        outcome_initial: dict[str, Any] = {}
        message = str(SCAN_MESSAGES["too_large"])
        mrz_errors: tuple[str, ...] = ()
        earlier = []
    history = None
    if len(text) <= SCAN_MAX:
        found: list[TravelDocument] = []

        def lookup(number: str) -> TravelDocument | None:
            document = selectors.document_lookup(user=user, number=number)
            if document is not None:
                found.append(document)
            return document

        outcome = read_scan(text.replace("\x00", ""), lookup=lookup)
        if outcome.found and not found and outcome.initial.get("number"):
            # A scanned MRZ of a document seen before: the same look-up, same scope.
            known = selectors.document_lookup(user=user, number=outcome.initial["number"])
            if known is not None and (known.kind, known.issuing_state) == (
                outcome.initial["kind"],
                outcome.initial["issuing_state"],
            ):
                found.append(known)
        # A traveller known here and confirmed to be travellers seen at other posts.
        earlier = crossings_elsewhere(user=user, traveller=found[0].traveller) if found else []
        outcome_initial = outcome.initial
        message = str(SCAN_MESSAGES.get(outcome.format_error, ""))
        mrz_errors = outcome.mrz_errors
        if found:
            history = selectors.traveller_history(user=user, traveller_id=found[0].traveller_id)
            if history.last is not None:
                outcome_initial = {
                    **outcome_initial,
                    "direction": history.proposed_direction,
                    "purpose": history.last.purpose,
                }
    initial = {**_desk_defaults(request), **outcome_initial}
    form = CrossingForm(initial=initial, post=user.post)
    return render(
        request,
        "crossings/_desk_form.html",
        {
            "form": form,
            "scan_message": message,
            "show_accept": bool(mrz_errors),
            "problems": mrz_problems(mrz_errors),
            "scan_ok": not message and not mrz_errors,
            "earlier": earlier,
            "history": history,
        },
    )


@requires(Capability.VIEW_POST_CROSSINGS)
def crossings_today(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.post_id is None:
        return forbidden(request)
    direction = request.GET.get("direction", "")
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "").replace("\x00", "")
    rows = selectors.crossings_of_day(user=user, direction=direction, kind=kind, search=search)
    template = (
        "crossings/_crossing_rows.html"
        if request.headers.get("HX-Request")
        else "crossings/today.html"
    )
    return render(
        request,
        template,
        {
            "crossings": rows[:300],
            "direction": direction,
            "kind": kind,
            "q": search,
            "directions": Direction.choices,
            "kinds": DocumentKind.choices,
        },
    )


@requires(Capability.VIEW_POST_CROSSINGS)
def overstays(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.post_id is None:
        return forbidden(request)
    abroad = selectors.plb_abroad(user=user)
    return render(
        request,
        "crossings/overstays.html",
        {
            "rows": [r for r in abroad if r.days_over > 0],
            "within": [r for r in abroad if r.days_over == 0],
            "can_extend": user.can(Capability.EXTEND_PLB_STAY),
        },
    )


def _whole_number(text: str) -> int:
    """A whole number typed in a form; -1 (refused by the service) for anything else."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else -1


@requires(Capability.EXTEND_PLB_STAY)
@require_POST
def overstay_extend(request: HttpRequest) -> HttpResponse:
    """Extend a border-pass holder's stay to up to 30 days; the reason is kept with it."""
    user = signed_in_user(request)
    with flashed(request, fields=True) as refused:
        crossing = stays.plb_stay_extend(
            actor=user,
            crossing_id=request.POST.get("crossing_id", ""),
            reason=request.POST.get("reason", ""),
            days=_whole_number(request.POST.get("days", "30")),
        )
    if not refused:
        messages.success(
            request,
            _("Stay extended to %(days)s days: %(name)s.")
            % {"days": crossing.stay_extended_to, "name": crossing.traveller.full_name},
        )
    return redirect("crossings:overstays")


# --- market day -------------------------------------------------------------------------


def _market_page(request: HttpRequest, user: User, **forms: Any) -> HttpResponse:
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(
        request,
        "crossings/market.html",
        {
            "visit_form": forms.get("visit_form") or MarketVisitForm(),
            "checkout_form": forms.get("checkout_form") or CheckoutForm(),
            "open_visits": selectors.market_visits_open(user=user),
            "recent": selectors.market_visits_recent(user=user),
            "weekly": selectors.market_weekly_counts(user=user),
        },
        status=status,
    )


@requires(Capability.REGISTER_MARKET_VISIT)
@require_http_methods(["GET", "POST"])
def market(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.post is None or not user.post.has_border_market:
        return forbidden(request)
    if request.method == "GET":
        return _market_page(request, user)
    form = MarketVisitForm(request.POST)
    if form.is_valid():
        with shown_on(form) as refused:
            visit = services.market_visit_register(actor=user, **form.cleaned_data)
        if not refused:
            return redirect("crossings:market_slip", number=visit.visit_number)
    return _market_page(request, user, visit_form=form)


@requires(Capability.REGISTER_MARKET_VISIT)
@require_POST
def market_checkout(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.post is None or not user.post.has_border_market:
        return forbidden(request)
    form = CheckoutForm(request.POST)
    if form.is_valid():
        with shown_on(form) as refused:
            visit = services.market_visit_checkout(
                actor=user, visit_number=form.cleaned_data["visit_number"]
            )
        if not refused:
            messages.success(
                request,
                _("Checked out: %(number)s, %(name)s.")
                % {"number": visit.visit_number, "name": visit.full_name},
            )
            return redirect("crossings:market")
    return _market_page(request, user, checkout_form=form)


@requires(Capability.REGISTER_MARKET_VISIT)
def market_slip(request: HttpRequest, number: str) -> HttpResponse:
    user = signed_in_user(request)
    visit = MarketVisit.objects.filter(post_id=user.post_id, visit_number=number).first()
    if visit is None:
        return render(request, "404.html", status=404)
    qr = segno.make(visit.visit_number, error="m").svg_inline(scale=6, border=2)
    return render(request, "crossings/market_slip.html", {"visit": visit, "qr": qr})
