"""Proposals for the review tests, made as a linkage run would leave them.

Three women crossed at three posts, each recorded by her own post as a new traveller:
Maria Bria at Wini, "Maria Bria" again at Motaain (a new passport), and Yuliana Seran at
Motamasin. A run proposes the three as one person; the reviewers decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import combinations
from typing import Any

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.crossings.models import Crossing
from lintas.linkage.models import (
    LinkageRun,
    LinkProposal,
    LinkRecord,
    PairEvidence,
    RecordSource,
    RunKind,
    RunStatus,
)
from lintas.places.models import Post
from tests.factories import make_agency
from tests.linkage.network_world import cross

COMPARISONS = [
    {"comparison": "name", "level": "exact after normalising", "weight": 9.5},
    {"comparison": "birth_date", "level": "exact", "weight": 7.25},
    {"comparison": "sex", "level": "same", "weight": 0.75},
    {"comparison": "phone", "level": "missing", "weight": 0.0},
    {"comparison": "village", "level": "different", "weight": -1.5},
]


def run() -> LinkageRun:
    return LinkageRun.objects.create(kind=RunKind.FULL, status=RunStatus.DONE, trigger="test")


def record(source: str, record_id: Any, post: Post | None = None) -> LinkRecord:
    found, _created = LinkRecord.objects.get_or_create(
        source=source, record_id=record_id, defaults={"post": post}
    )
    return found


def traveller_record(crossing: Crossing) -> LinkRecord:
    return record(RecordSource.TRAVELLER, crossing.traveller_id, crossing.post)


def propose(
    records: Sequence[LinkRecord],
    *,
    best: float = 0.999,
    weakest: float = 0.97,
    comparisons: list[dict[str, Any]] | None = None,
) -> LinkProposal:
    """A waiting proposal over ``records`` with evidence for every pair."""
    proposal = LinkProposal.objects.create(
        run=run(), best_probability=best, weakest_probability=weakest
    )
    proposal.records.set(records)
    ordered = sorted(records, key=lambda r: str(r.pk))
    for left, right in combinations(ordered, 2):
        PairEvidence.objects.create(
            proposal=proposal,
            left=left,
            right=right,
            match_weight=16.0,
            match_probability=best,
            comparisons=comparisons if comparisons is not None else COMPARISONS,
        )
    return proposal


@dataclass
class ReviewWorld:
    officers: dict[str, User]
    investigator: User
    supervisors: dict[str, User]
    crossings: dict[str, Crossing] = field(default_factory=dict)
    records: dict[str, LinkRecord] = field(default_factory=dict)
    proposal: LinkProposal | None = None

    @property
    def the_proposal(self) -> LinkProposal:
        assert self.proposal is not None
        return self.proposal


def review_world(user_factory: Callable[..., User]) -> ReviewWorld:
    posts = {code: Post.objects.get(code=code) for code in ("wini", "motaain", "motamasin")}
    officers = {code: user_factory(Role.POST_OFFICER, post=p) for code, p in posts.items()}
    police = make_agency(type=AgencyType.LAW_ENFORCEMENT, name="Polda NTT Uji")
    world = ReviewWorld(
        officers=officers,
        investigator=user_factory(Role.INVESTIGATOR, agency=police, username="penyidik.uji"),
        supervisors={
            code: user_factory(Role.SUPERVISOR, post=p, username=f"pengawas.{code}")
            for code, p in posts.items()
        },
    )
    world.crossings["wini"] = cross(
        officers["wini"],
        surname="Bria",
        given="Maria",
        born=date(2001, 4, 2),
        on=datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
    )
    world.crossings["motaain"] = cross(
        officers["motaain"],
        surname="Bria",
        given="Maria",
        born=date(2001, 4, 2),
        on=datetime(2026, 5, 20, 9, 30, tzinfo=UTC),
    )
    world.crossings["motamasin"] = cross(
        officers["motamasin"],
        surname="Seran",
        given="Yuliana",
        born=date(1999, 8, 17),
        on=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
    )
    for code, crossing in world.crossings.items():
        world.records[code] = traveller_record(crossing)
    world.proposal = propose(list(world.records.values()))
    return world


def victim_in_case(owner: User, *, consent_to_watch: bool = True) -> LinkRecord:
    """Maria Bria as a victim in a case of ``owner``'s agency (a UPTD PPA case worker)."""
    from lintas.cases.services import PersonData, case_open, case_person_add, consent_record

    case = case_open(actor=owner, summary="Kasus uji perdagangan orang")
    victim = case_person_add(
        actor=owner,
        case=case,
        data=PersonData(
            role="victim",
            first_name="Maria",
            second_name="Bria",
            birth_date=date(2001, 4, 2),
            identity_number="5304024204010001",
            phone="+6281337001122",
            gender="Feminine",
        ),
    )
    if consent_to_watch:
        consent_record(actor=owner, person=victim, kind="watch", method="written")
    return record(RecordSource.CASE_PERSON, victim.pk)
