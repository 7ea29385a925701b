"""The matrix world beyond the desk: linkage proposals and persons, network alerts, outreach.

Each side gets, built as the services build them: a waiting proposal over two of its
post's travellers, a person confirmed by its supervisor over two others, an open network
alert of its agency, and its outreach coordinator's support group and quarterly plan with
one district target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing
from lintas.linkage.decisions import proposal_confirm
from lintas.linkage.models import (
    LinkageRun,
    LinkProposal,
    LinkRecord,
    PairEvidence,
    Person,
    PersonRecord,
    RecordSource,
    RunKind,
    RunStatus,
)
from lintas.linkage.network_models import NetworkAlert
from lintas.outreach import planning, services
from lintas.outreach.models import Plan, PlanTarget, SupportGroup

# Villages and districts of the small reference set.
SABU_VILLAGE = "53.20.01.2002"  # Menia, Sabu Barat
SABU_DISTRICT = "53.20.01"
EVIDENCE = [
    {"comparison": "name", "level": "exact after normalising", "weight": 9.5},
    {"comparison": "birth_date", "level": "exact", "weight": 7.25},
]


@dataclass
class Reach:
    proposal: LinkProposal
    person: Person
    person_record: PersonRecord
    network_alert: NetworkAlert
    group: SupportGroup
    plan: Plan
    plan_target: PlanTarget


def _traveller(crossing: Crossing) -> LinkRecord:
    found, _created = LinkRecord.objects.get_or_create(
        source=RecordSource.TRAVELLER,
        record_id=crossing.traveller_id,
        defaults={"post": crossing.post},
    )
    return found


def _propose(records: list[LinkRecord]) -> LinkProposal:
    """A waiting proposal, as a linkage run leaves it: its records and the pair's evidence."""
    run = LinkageRun.objects.create(kind=RunKind.FULL, status=RunStatus.DONE, trigger="test")
    proposal = LinkProposal.objects.create(
        run=run, best_probability=0.999, weakest_probability=0.99
    )
    proposal.records.set(records)
    left, right = sorted(records, key=lambda r: str(r.pk))
    PairEvidence.objects.create(
        proposal=proposal,
        left=left,
        right=right,
        match_weight=16.75,
        match_probability=0.999,
        comparisons=EVIDENCE,
    )
    return proposal


def build_reach(
    users: dict[str, User], cross: Callable[[User], Crossing], first: Crossing, key: str
) -> Reach:
    """One side's records beyond the desk; ``cross`` registers a crossing at its post."""
    officer, supervisor = users[Role.POST_OFFICER], users[Role.SUPERVISOR]
    second, third = cross(officer), cross(officer)
    waiting = _propose([_traveller(first), _traveller(second)])
    confirmed = _propose([_traveller(second), _traveller(third)])
    person = proposal_confirm(actor=supervisor, proposal_id=confirmed.pk, version=confirmed.version)
    # Linkage runs raise network alerts; a stored one of the side's agency is enough here.
    alert = NetworkAlert.objects.create(
        edge_key=f"traveller:{key}|phone:{key}",
        edge_kinds=["sponsor"],
        suspect_node=f"traveller:{key}",
        other_node=f"phone:{key}",
        agency=supervisor.agency,
    )
    coordinator = users[Role.OUTREACH_COORDINATOR]
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="women",
        name="Kelompok Perempuan Menia",
        village_code=SABU_VILLAGE,
        member_count=12,
        contact_name="Ina Rohi",
    )
    year, quarter = planning.current_quarter()
    plan = planning.plan_create(actor=coordinator, id=uuid7(), year=year, quarter=quarter)
    target = planning.plan_target_add(
        actor=coordinator,
        id=uuid7(),
        plan_id=plan.pk,
        district_code=SABU_DISTRICT,
        activities_planned=2,
    )
    return Reach(
        proposal=waiting,
        person=person,
        person_record=PersonRecord.objects.filter(person=person).order_by("pk")[0],
        network_alert=alert,
        group=group,
        plan=plan,
        plan_target=target,
    )
