"""Outreach over HTTP: what the phone app sends from where there is no post and no signal.

Each record carries the UUIDv7 the phone made when it was recorded. Sending it again
answers 201 with the stored record and changes nothing; the same id with other content
answers 409 with code ``id_conflict``. Counts and dates are checked by the services, so
that a bad value gets the service's message in the user's language (422, per field).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from lintas.accounts.api_auth import phone_or_session
from lintas.accounts.decorators import signed_in_user
from lintas.common.api_errors import errors
from lintas.outreach import selectors, services
from lintas.outreach.models import Activity, Meeting, SupportGroup

router = Router(auth=phone_or_session())

Count = int | str


class ActivityIn(Schema):
    id: str = Field(description="UUIDv7 made by the client; a re-send is idempotent")
    kind: str = Field(max_length=20)
    held_on: str = Field(max_length=10, description="YYYY-MM-DD, not in the future")
    village_code: str = Field(max_length=13)
    girls: Count = Field(0, description="Female, under 18")
    boys: Count = Field(0, description="Male, under 18")
    women: Count = Field(0, description="Female, 18 and over")
    men: Count = Field(0, description="Male, 18 and over")
    audiences: list[str] = Field(default_factory=list, max_length=7)
    partners: list[str] = Field(default_factory=list, max_length=20)
    language: str = Field("", max_length=40)
    materials: str = Field("", max_length=500)
    concerns: str = Field("", max_length=5000)
    follow_up_requested: bool = False


class ActivityOut(Schema):
    id: UUID
    kind: str
    held_on: date
    village_code: str
    district_code: str
    people_reached: int
    created_at: datetime


def _activity_out(a: Activity) -> ActivityOut:
    return ActivityOut(
        id=a.pk,
        kind=a.kind,
        held_on=a.held_on,
        village_code=a.village_id,
        district_code=a.district_id,
        people_reached=a.people_reached,
        created_at=a.created_at,
    )


@router.post(
    "/activities",
    response={201: ActivityOut, **errors(400, 401, 403, 409, 422)},
    summary="Record an activity (idempotent by id)",
)
def activity_record(request: HttpRequest, payload: ActivityIn) -> Status[ActivityOut]:
    activity = services.activity_record(
        actor=signed_in_user(request),
        id=payload.id,
        kind=payload.kind,
        held_on=payload.held_on,
        village_code=payload.village_code,
        reached={
            "girls": payload.girls,
            "boys": payload.boys,
            "women": payload.women,
            "men": payload.men,
        },
        audiences=payload.audiences,
        partner_codes=payload.partners,
        language=payload.language,
        materials=payload.materials,
        concerns=payload.concerns,
        follow_up_requested=payload.follow_up_requested,
    )
    return Status(201, _activity_out(activity))


@router.get(
    "/activities",
    response={200: list[ActivityOut], **errors(400, 401, 403)},
    summary="My agency's latest activities",
)
def activities_list(request: HttpRequest) -> list[ActivityOut]:
    rows = selectors.activities_of_agency(user=signed_in_user(request))[:200]
    return [_activity_out(a) for a in rows]


class GroupOut(Schema):
    id: UUID
    name: str
    kind: str
    village_code: str
    member_count: int
    last_met_on: date | None
    active: bool


def _group_out(g: SupportGroup) -> GroupOut:
    return GroupOut(
        id=g.pk,
        name=g.name,
        kind=g.kind,
        village_code=g.village_id,
        member_count=g.member_count,
        last_met_on=g.last_met_on,
        active=selectors.group_is_active(g),
    )


class GroupIn(Schema):
    id: str
    kind: str = Field(max_length=20)
    name: str = Field(max_length=150)
    village_code: str = Field(max_length=13)
    member_count: Count = 0
    contact_name: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=30)


@router.get(
    "/groups",
    response={200: list[GroupOut], **errors(400, 401, 403)},
    summary="My agency's support groups (for logging meetings)",
)
def groups_list(request: HttpRequest) -> list[GroupOut]:
    return [_group_out(g) for g in selectors.groups_of_agency(user=signed_in_user(request))]


@router.post(
    "/groups",
    response={201: GroupOut, **errors(400, 401, 403, 409, 422)},
    summary="Register a support group (idempotent by id)",
)
def group_register(request: HttpRequest, payload: GroupIn) -> Status[GroupOut]:
    group = services.group_register(actor=signed_in_user(request), **payload.dict())
    return Status(201, _group_out(group))


class MeetingIn(Schema):
    id: str
    group_id: str = Field(max_length=36)
    held_on: str = Field(max_length=10)
    women: Count = 0
    men: Count = 0
    note: str = Field("", max_length=2000)


class MeetingOut(Schema):
    id: UUID
    group_id: UUID
    held_on: date
    women: int
    men: int


def _meeting_out(m: Meeting) -> MeetingOut:
    return MeetingOut(id=m.pk, group_id=m.group_id, held_on=m.held_on, women=m.women, men=m.men)


@router.post(
    "/meetings",
    response={201: MeetingOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Log a group meeting (idempotent by id)",
)
def meeting_record(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    meeting = services.meeting_record(actor=signed_in_user(request), **payload.dict())
    return Status(201, _meeting_out(meeting))


class ReportIn(Schema):
    id: str
    body: str = Field(max_length=5000)
    village_code: str = Field(max_length=13)
    happened_on: str | None = Field(None, max_length=10)
    at_risk: str = Field("unknown", max_length=8)
    group_id: str | None = Field(None, max_length=36)
    activity_id: str | None = Field(None, max_length=36)
    named_with_consent: bool = False


class ReportOut(Schema):
    id: UUID
    filed_at: datetime
    village: str
    district: str
    group: str
    outcome: str = Field(description="received, checking, passed or closed")
    outcome_label: str


def _report_out(view: selectors.ReportView) -> ReportOut:
    return ReportOut(
        id=view.id,
        filed_at=view.filed_at,
        village=view.village,
        district=view.district,
        group=view.group,
        outcome=view.outcome,
        outcome_label=str(view.outcome_label),
    )


@router.post(
    "/reports",
    response={201: ReportOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="File a community report into triage (idempotent by id)",
)
def report_file(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    user = signed_in_user(request)
    report = services.community_report_file(actor=user, **payload.dict())
    return Status(201, _report_out(selectors.report_for(user=user, report_id=report.pk)))


@router.get(
    "/reports",
    response={200: list[ReportOut], **errors(400, 401, 403)},
    summary="My agency's community reports and their triage outcome",
)
def reports_list(request: HttpRequest) -> list[ReportOut]:
    return [_report_out(v) for v in selectors.reports_of_agency(user=signed_in_user(request))]


class CoverageOut(Schema):
    district_code: str
    district: str
    regency_code: str
    island: str
    island_has_post: bool
    activities_12m: int
    people_reached_12m: int
    groups_active: int
    tips_12m: int
    vulnerability: float
    reach: float
    priority_rank: int
    left_out: bool


@router.get(
    "/coverage",
    response={200: list[CoverageOut], **errors(400, 401, 403)},
    summary="Every district's reach, vulnerability and priority (counts only)",
)
def coverage(request: HttpRequest) -> list[CoverageOut]:
    rows = selectors.coverage_for(user=signed_in_user(request))
    return [
        CoverageOut(**{k: getattr(r, k) for k in CoverageOut.model_fields})
        for r in sorted(rows, key=lambda x: x.priority_rank)
    ]
