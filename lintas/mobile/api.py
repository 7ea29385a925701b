"""What the phone app asks the hub for, besides the outreach records it sends.

A phone signs in once (``POST /keys``), then fetches what it needs to work offline: who
its user is and what they may record, the choices of each form in the user's language,
their agency's support groups, the visits due on their own cases (case reference and date,
never a survivor's identity) and the villages of the province. Records go to
``/api/outreach/...`` and ``/api/mobile/follow-ups/{id}``, each idempotent.
"""

from __future__ import annotations

import gzip
from datetime import date
from functools import lru_cache
from uuid import UUID

from django.conf import settings
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from lintas.accounts.api_auth import phone_or_session
from lintas.accounts.decorators import signed_in_user
from lintas.accounts.models import User
from lintas.accounts.phone_keys import PhoneKeyRefused, phone_key_issue, phone_key_revoke
from lintas.accounts.roles import Capability, Role
from lintas.accounts.services import LoginRefused
from lintas.cases import selectors as case_selectors
from lintas.cases import support
from lintas.cases.models import AtRisk, FollowUpOutcome
from lintas.common.api_errors import errors
from lintas.common.errors import LintasError, ValidationFailed
from lintas.outreach import selectors as outreach_selectors
from lintas.outreach.models import ActivityKind, Audience
from lintas.places.models import District, Regency, Village

router = Router(auth=phone_or_session())


class ProfileOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    agency: str
    records_outreach: bool = Field(description="May record activities, meetings and reports")
    records_follow_ups: bool = Field(description="May record follow-up visits of own cases")


def _profile(user: User) -> ProfileOut:
    return ProfileOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        role_label=str(Role(user.role).label),
        agency=user.agency.name,
        records_outreach=user.can(Capability.MANAGE_OUTREACH),
        records_follow_ups=user.can(Capability.MANAGE_CASES),
    )


class KeyIn(Schema):
    username: str = Field(max_length=60)
    password: str = Field(max_length=200)
    label: str = Field("", max_length=60, description="What the user calls this phone")


class KeyOut(Schema):
    token: str = Field(description="Send as 'Authorization: Bearer ...'; shown only once")
    key_id: UUID
    idle_days: int
    profile: ProfileOut


@router.post(
    "/keys",
    auth=None,
    response={201: KeyOut, **errors(400, 401, 422)},
    summary="Sign a phone in with the user's password; answers the phone key",
)
def key_issue(request: HttpRequest, payload: KeyIn) -> Status[KeyOut]:
    try:
        issued = phone_key_issue(
            username=payload.username,
            password=payload.password,
            source=request.META.get("REMOTE_ADDR", ""),
            label=payload.label,
        )
    except LoginRefused as refusal:
        if refusal.reason == "disabled":
            raise PhoneKeyRefused(
                _("This account is disabled. Ask your administrator."), code="account_disabled"
            ) from None
        raise PhoneKeyRefused(
            _("Wrong username or password, or too many failed attempts: wait a few minutes."),
            code="sign_in_refused",
        ) from None
    return Status(
        201,
        KeyOut(
            token=issued.token,
            key_id=issued.key.pk,
            idle_days=settings.LINTAS_PHONE_KEY_IDLE_DAYS,
            profile=_profile(issued.key.user),
        ),
    )


@router.delete(
    "/keys/current",
    response={204: None, **errors(400, 401)},
    summary="Sign this phone out: its key is refused from now on",
)
def key_revoke_current(request: HttpRequest) -> Status[None]:
    key = getattr(request, "phone_key", None)
    if key is None:
        raise LintasError(_("Only a phone can sign itself out."), code="not_a_phone")
    phone_key_revoke(actor=signed_in_user(request), key_id=key.pk, reason="signed_out")
    return Status(204, None)


class ChoiceOut(Schema):
    value: str
    label: str


def _choices(choices: type[TextChoices]) -> list[ChoiceOut]:
    return [ChoiceOut(value=str(v), label=str(label)) for v, label in choices.choices]


class GroupOut(Schema):
    id: UUID
    name: str
    village_code: str


class VisitOut(Schema):
    id: UUID
    case_reference: str
    due_on: date
    overdue: bool


class BootstrapOut(Schema):
    profile: ProfileOut
    activity_kinds: list[ChoiceOut]
    audiences: list[ChoiceOut]
    at_risk: list[ChoiceOut]
    outcomes: list[ChoiceOut]
    groups: list[GroupOut]
    visits: list[VisitOut]


@router.get(
    "/bootstrap",
    response={200: BootstrapOut, **errors(400, 401)},
    summary="What the phone keeps to work offline: profile, form choices, groups, visits due",
)
def bootstrap(request: HttpRequest) -> BootstrapOut:
    user = signed_in_user(request)
    today = timezone.localdate()
    groups: list[GroupOut] = []
    if user.can(Capability.MANAGE_OUTREACH):
        groups = [
            GroupOut(id=g.pk, name=g.name, village_code=g.village_id)
            for g in outreach_selectors.groups_of_agency(user=user)
        ]
    visits: list[VisitOut] = []
    if user.can(Capability.MANAGE_CASES):
        visits = [
            VisitOut(
                id=f.pk, case_reference=f.case.reference, due_on=f.due_on, overdue=f.due_on < today
            )
            for f in case_selectors.follow_ups_mine(user=user)[:200]
        ]
    return BootstrapOut(
        profile=_profile(user),
        activity_kinds=_choices(ActivityKind),
        audiences=_choices(Audience),
        at_risk=_choices(AtRisk),
        outcomes=_choices(FollowUpOutcome),
        groups=groups,
        visits=visits,
    )


class PlacesOut(Schema):
    regencies: list[list[str]] = Field(description="[code, name]")
    districts: list[list[str]] = Field(description="[code, name]; regency is the prefix")
    villages: list[list[str]] = Field(description="[code, name]; district is the prefix")


@lru_cache(maxsize=2)
def _places_json(villages: int) -> tuple[bytes, bytes]:
    """The province's areas as JSON, and gzipped: public reference data, the same for all.

    Kept per count of villages, so that reloaded reference data is seen without a restart.
    """

    def pairs(model: type[Regency | District | Village]) -> list[list[str]]:
        return [list(row) for row in model.objects.order_by("name").values_list("code", "name")]

    places = PlacesOut(regencies=pairs(Regency), districts=pairs(District), villages=pairs(Village))
    body = places.model_dump_json().encode()
    return body, gzip.compress(body, 9)


@router.get(
    "/places",
    response={200: PlacesOut, **errors(400, 401)},
    summary="Regencies, districts and villages of the province, compact, for the forms",
)
def places(request: HttpRequest) -> HttpResponse:
    signed_in_user(request)
    body, packed = _places_json(Village.objects.count())
    # A quarter of the bytes over 2G. Reference data holds no secret for a
    # compression side channel to reveal.
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(packed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json")
    response["Vary"] = "Accept-Encoding"
    return response


class VisitIn(Schema):
    outcome: str = Field(max_length=14)
    note: str = Field("", max_length=2000)
    done_on: str = Field(max_length=10, description="YYYY-MM-DD, not in the future")


class VisitDoneOut(Schema):
    id: UUID
    case_reference: str
    done_on: date
    outcome: str


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: VisitDoneOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Record a follow-up visit (the same visit sent again changes nothing)",
)
def visit_record(request: HttpRequest, follow_up_id: UUID, payload: VisitIn) -> VisitDoneOut:
    user = signed_in_user(request)
    # Another agency's follow-up reads as not found, as on the web page.
    case_selectors.follow_up_of_agency(user=user, follow_up_id=follow_up_id)
    done = support.follow_up_record(
        actor=user,
        follow_up_id=follow_up_id,
        outcome=payload.outcome,
        note=payload.note,
        done_on=_day(payload.done_on),
    )
    assert done.done_on is not None
    return VisitDoneOut(
        id=done.pk, case_reference=done.case.reference, done_on=done.done_on, outcome=done.outcome
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            _("Invalid input."), field_errors={"done_on": _("Enter a date such as 2026-03-14.")}
        ) from None
