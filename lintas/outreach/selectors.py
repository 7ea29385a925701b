"""Reads of outreach work, each limited to what the user may see.

An outreach coordinator sees the activities, groups, reports and plans of their own agency
(a group's contact too), and the province's coverage as counts. Analysts see coverage and
counts, never an agency's records. Nobody here sees case data: a community report's
triage outcome is shown in the reporter's plain words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.cases.models import TipStatus
from lintas.cases.tips import REPORTER_STATUS
from lintas.common.errors import NotFound, PermissionDenied
from lintas.outreach.coverage import DistrictCoverage, coverage_compute
from lintas.outreach.models import (
    DORMANT_AFTER_DAYS,
    Activity,
    CommunityReport,
    Meeting,
    SupportGroup,
)

NOT_ALLOWED = _("You may not see this.")


def _require(user: User, capability: Capability) -> None:
    if not user.can(capability):
        raise PermissionDenied(NOT_ALLOWED)


def activities_of_agency(*, user: User) -> QuerySet[Activity]:
    """The activities of the user's agency, newest first, with their places."""
    _require(user, Capability.MANAGE_OUTREACH)
    return (
        Activity.objects.live()
        .filter(agency_id=user.agency_id)
        .select_related("village", "district", "regency")
        .order_by("-held_on", "-created_at")
    )


def activity_for(*, user: User, activity_id: uuid.UUID | str) -> Activity:
    """One activity of the user's agency; another agency's reads as not found."""
    found = activities_of_agency(user=user).filter(pk=activity_id).first()
    if found is None:
        raise NotFound(_("No such activity."))
    return found


def group_is_active(group: SupportGroup, *, today: date | None = None) -> bool:
    """A group is active while it met in the last 90 days."""
    today = today or timezone.localdate()
    return group.last_met_on is not None and group.last_met_on > today - timedelta(
        days=DORMANT_AFTER_DAYS
    )


def groups_of_agency(*, user: User) -> QuerySet[SupportGroup]:
    """The support groups of the user's agency (the parent agency sees the contact)."""
    _require(user, Capability.MANAGE_OUTREACH)
    return (
        SupportGroup.objects.live()
        .filter(agency_id=user.agency_id)
        .select_related("village", "district")
        .order_by("name")
    )


def group_for(*, user: User, group_id: uuid.UUID | str) -> SupportGroup:
    found = groups_of_agency(user=user).filter(pk=group_id).first()
    if found is None:
        raise NotFound(_("No such group."))
    return found


def meetings_of(*, user: User, group: SupportGroup) -> QuerySet[Meeting]:
    """A group's meetings, newest first (the group is one the user may see)."""
    group_for(user=user, group_id=group.pk)
    return Meeting.objects.live().filter(group=group).order_by("-held_on", "-created_at")


_OUTCOME = {
    TipStatus.NEW: "received",
    TipStatus.VERIFIED: "checking",
    TipStatus.MERGED: "checking",
    TipStatus.LINKED: "passed",
    TipStatus.CLOSED: "closed",
}


@dataclass(frozen=True)
class ReportView:
    """A community report as its reporter sees it: where, when, and the triage outcome."""

    id: uuid.UUID
    filed_at: datetime
    village: str
    district: str
    group: str
    outcome: str

    @property
    def outcome_label(self) -> str | Promise:
        return REPORTER_STATUS[self.outcome]


def _reports(user: User) -> QuerySet[CommunityReport]:
    _require(user, Capability.MANAGE_OUTREACH)
    return (
        CommunityReport.objects.live()
        .filter(agency_id=user.agency_id)
        .select_related("tip__village", "tip__district", "group")
        .only(
            "id",
            "created_at",
            "group__name",
            "tip__status",
            "tip__village__name",
            "tip__district__name",
        )
        .order_by("-created_at")
    )


def _report_view(rep: CommunityReport) -> ReportView:
    return ReportView(
        id=rep.pk,
        filed_at=rep.created_at,
        village=rep.tip.village.name if rep.tip.village else "",
        district=rep.tip.district.name if rep.tip.district else "",
        group=rep.group.name if rep.group else "",
        outcome=_OUTCOME.get(TipStatus(rep.tip.status), "checking"),
    )


def reports_of_agency(*, user: User) -> list[ReportView]:
    """The community reports the user's agency filed, with the triage outcome in plain words.

    A merged tip reads as "being checked"; nothing of the case a tip joined is shown.
    """
    return [_report_view(rep) for rep in _reports(user)[:500]]


def report_for(*, user: User, report_id: uuid.UUID | str) -> ReportView:
    """One report of the user's agency; another agency's reads as not found."""
    found = _reports(user).filter(pk=report_id).first()
    if found is None:
        raise NotFound(_("No such report."))
    return _report_view(found)


def coverage_for(*, user: User, today: date | None = None) -> list[DistrictCoverage]:
    """Every district's facts, reach and priority rank (counts only, no record of anyone)."""
    _require(user, Capability.VIEW_COVERAGE)
    return coverage_compute(today=today)
