"""Quarterly plans per agency, progress against them, and who covers what in the province.

A plan names target districts (suggested from the left-out list), how many activities, and
who goes. Progress counts the agency's own activities in the district in that quarter. The
provincial view shows, for each district, which agencies plan to go and which went, so that
two agencies do not visit the same place while another island gets nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import Conflict, NotFound, PermissionDenied
from lintas.journal import record_change
from lintas.outreach import records as r
from lintas.outreach.coverage import DistrictCoverage
from lintas.outreach.models import Activity, Plan, PlanTarget
from lintas.places.models import District


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def current_quarter(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def plan_create(
    *, actor: User, id: uuid.UUID | str, year: object, quarter: object, note: str = ""
) -> Plan:
    """Make the actor's agency's plan for a quarter (one per agency and quarter)."""
    r.require_outreach(actor)
    pk = r.client_id(id)
    errors: dict[str, Any] = {}
    this_year = timezone.localdate().year
    y = r.count(year, field="year", errors=errors)
    if "year" not in errors and not this_year - 1 <= y <= this_year + 1:
        errors["year"] = _("Plan for last year, this year or next year.")
    q = r.count(quarter, field="quarter", errors=errors)
    if "quarter" not in errors and not 1 <= q <= 4:
        errors["quarter"] = _("The quarter is 1, 2, 3 or 4.")
    note = r.text(note, field="note", max_length=500, errors=errors)
    r.refuse_if(errors)
    sent = r.digest({"year": y, "quarter": q, "note": note})

    def make() -> Plan:
        if Plan.objects.live().filter(agency_id=actor.agency_id, year=y, quarter=q).exists():
            raise Conflict(_("Your agency already has a plan for this quarter."))
        plan = Plan.objects.create(
            id=pk,
            agency_id=actor.agency_id,
            year=y,
            quarter=q,
            note=note,
            digest=sent,
            created_by=actor,
        )
        record_change(
            actor=actor, action="outreach.plan_create", instance=plan, changed=["year", "quarter"]
        )
        return plan

    return r.create_once(Plan, pk=pk, sent=sent, agency_id=actor.agency_id, make=make)[0]


def plan_for(*, user: User, plan_id: uuid.UUID | str) -> Plan:
    """One plan of the user's agency; another agency's reads as not found."""
    if not user.can(Capability.MANAGE_OUTREACH):
        raise PermissionDenied(_("You may not see this."))
    found = Plan.objects.live().filter(pk=plan_id, agency_id=user.agency_id).first()
    if found is None:
        raise NotFound(_("No such plan."))
    return found


def plans_of_agency(*, user: User) -> QuerySet[Plan]:
    if not user.can(Capability.MANAGE_OUTREACH):
        raise PermissionDenied(_("You may not see this."))
    return (
        Plan.objects.live()
        .filter(agency_id=user.agency_id)
        .annotate(n_targets=Count("targets"))
        .order_by("-year", "-quarter")
    )


def plan_target_add(
    *,
    actor: User,
    id: uuid.UUID | str,
    plan_id: uuid.UUID | str,
    district_code: str,
    activities_planned: object,
    who: str = "",
) -> PlanTarget:
    """Add a target district to one of the actor's agency's plans."""
    r.require_outreach(actor)
    pk = r.client_id(id)
    plan = plan_for(user=actor, plan_id=plan_id)
    errors: dict[str, Any] = {}
    if (
        not isinstance(district_code, str)
        or not District.objects.filter(code=district_code).exists()
    ):
        errors["district"] = _("Unknown district code; choose a district from the list.")
    n = r.count(activities_planned, field="activities_planned", errors=errors)
    if "activities_planned" not in errors and not 1 <= n <= 500:
        errors["activities_planned"] = _("Plan from 1 to 500 activities.")
    who = r.text(who, field="who", max_length=200, errors=errors)
    r.refuse_if(errors)
    sent = r.digest({"plan": str(plan.pk), "district": district_code, "n": n, "who": who})

    def make() -> PlanTarget:
        if PlanTarget.objects.live().filter(plan=plan, district_id=district_code).exists():
            raise Conflict(_("This district is already in the plan."))
        target = PlanTarget.objects.create(
            id=pk,
            plan=plan,
            district_id=district_code,
            activities_planned=n,
            who=who,
            digest=sent,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="outreach.plan_target_add",
            instance=target,
            changed=["plan_id", "district_id", "activities_planned", "who"],
        )
        return target

    return r.create_once(PlanTarget, pk=pk, sent=sent, agency_id=None, make=make)[0]


def plan_target_remove(*, actor: User, target_id: uuid.UUID | str) -> PlanTarget:
    """Take a district out of a plan (a tombstone; the audit keeps what it was)."""
    r.require_outreach(actor)
    target = (
        PlanTarget.objects.live()
        .filter(pk=target_id, plan__agency_id=actor.agency_id, plan__deleted_at__isnull=True)
        .first()
    )
    if target is None:
        raise NotFound(_("No such target."))
    target.deleted_at = target.updated_at = timezone.now()
    target.save(update_fields=["deleted_at", "updated_at"])
    record_change(
        actor=actor,
        action="outreach.plan_target_remove",
        instance=target,
        changed=["deleted_at"],
        tombstone=True,
    )
    return target


@dataclass(frozen=True)
class TargetProgress:
    target: PlanTarget
    done: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target.activities_planned))


def plan_progress(*, user: User, plan: Plan) -> list[TargetProgress]:
    """Each target with the activities the agency held there in the plan's quarter."""
    plan = plan_for(user=user, plan_id=plan.pk)
    start, end = quarter_bounds(plan.year, plan.quarter)
    targets = list(plan.targets.live().select_related("district__regency").order_by("district_id"))
    done = dict(
        Activity.objects.live()
        .filter(
            agency_id=plan.agency_id,
            held_on__range=(start, end),
            district_id__in=[t.district_id for t in targets],
        )
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    return [TargetProgress(t, int(done.get(t.district_id, 0))) for t in targets]


@dataclass
class DistrictPlans:
    """Who plans to go to a district in a quarter, and who went."""

    coverage: DistrictCoverage
    planned_by: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)


def province_view(
    *, user: User, year: int, quarter: int, coverage: list[DistrictCoverage]
) -> list[DistrictPlans]:
    """Every district in priority order, with the agencies that plan and the ones that went."""
    if not user.can(Capability.VIEW_COVERAGE):
        raise PermissionDenied(_("You may not see this."))
    start, end = quarter_bounds(year, quarter)
    planned: dict[str, set[str]] = defaultdict(set)
    for district_id, agency in (
        PlanTarget.objects.live()
        .filter(plan__year=year, plan__quarter=quarter, plan__deleted_at__isnull=True)
        .values_list("district_id", "plan__agency__name")
    ):
        planned[district_id].add(agency)
    went: dict[str, set[str]] = defaultdict(set)
    for district_id, agency in (
        Activity.objects.live()
        .filter(held_on__range=(start, end))
        .values_list("district_id", "agency__name")
        .distinct()
    ):
        went[district_id].add(agency)
    return [
        DistrictPlans(
            row, sorted(planned.get(row.district_code, ())), sorted(went.get(row.district_code, ()))
        )
        for row in sorted(coverage, key=lambda x: x.priority_rank)
    ]


def suggested_targets(
    *, coverage: list[DistrictCoverage], year: int, quarter: int, limit: int = 10
) -> list[DistrictCoverage]:
    """Left-out districts nobody plans for this quarter yet, most left out first."""
    taken = set(
        PlanTarget.objects.live()
        .filter(plan__year=year, plan__quarter=quarter, plan__deleted_at__isnull=True)
        .values_list("district_id", flat=True)
    )
    ranked = sorted(coverage, key=lambda x: x.priority_rank)
    return [row for row in ranked if row.left_out and row.district_code not in taken][:limit]
