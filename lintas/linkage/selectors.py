"""Reads of proposed and confirmed links: the review queue, one proposal, persons, links.

Who reviews: users with ``REVIEW_LINKS`` at the hub (supervisors and investigators). An
investigator works across posts and sees every proposal; a supervisor is bound to a post
and sees the proposals with at least one record of that post (a supervisor without a
post, at the hub, sees all). What a reviewer sees of each record's identity is decided
per record in ``record_cards``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability, Role
from lintas.common.errors import NotFound, PermissionDenied
from lintas.common.nodes import is_hub, require_hub
from lintas.linkage.models import (
    LinkProposal,
    LinkRecord,
    PairEvidence,
    Person,
    PersonRecord,
    ProposalStatus,
)
from lintas.linkage.record_cards import RecordCard, record_cards

QUEUE_LIMIT = 200


def _need_reviewer(user: User) -> None:
    require_hub()
    if not user.can(Capability.REVIEW_LINKS):
        raise PermissionDenied(_("You are not allowed to do this."))


def reviewer_post_id(user: User) -> object | None:
    """The post a reviewer's scope is bound to (a post supervisor), or None for all posts."""
    if user.role == Role.SUPERVISOR and user.post_id is not None:
        return user.post_id
    return None


def proposals_visible(*, user: User) -> QuerySet[LinkProposal]:
    """Proposals in the reviewer's scope, of every status."""
    _need_reviewer(user)
    qs = LinkProposal.objects.all()
    post_id = reviewer_post_id(user)
    if post_id is not None:
        here = LinkRecord.objects.filter(proposals=OuterRef("pk"), post_id=post_id)
        qs = qs.filter(Exists(here))
    return qs


def proposals_queue(*, user: User, status: str = ProposalStatus.PROPOSED) -> QuerySet[LinkProposal]:
    """The review queue: proposals waiting for a decision, the most certain and oldest first.

    Each proposal carries ``record_count`` and its records (with their post) prefetched;
    no identity is read here.
    """
    qs = proposals_visible(user=user)
    if status in ProposalStatus.values:
        qs = qs.filter(status=status)
    return (
        qs.annotate(record_count=Count("records", distinct=True))
        .select_related("decided_by")
        .prefetch_related("records__post")
        .order_by("-best_probability", "created_at")
    )


@dataclass(frozen=True)
class ComparisonView:
    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class PairView:
    """One pair of a proposal: which columns, how likely, and each comparison's weight."""

    left: int
    right: int
    probability: float
    weight: float
    comparisons: list[ComparisonView]
    agreed: list[str]
    disagreed: list[str]


@dataclass(frozen=True)
class ProposalReview:
    """A proposal as its reviewer sees it: one card per record, the pairs and the verdict."""

    proposal: LinkProposal
    cards: list[RecordCard]
    pairs: list[PairView]
    persons: list[str]

    @property
    def hidden(self) -> list[RecordCard]:
        return [c for c in self.cards if not c.identity]

    @property
    def can_decide(self) -> bool:
        return self.proposal.status == ProposalStatus.PROPOSED and not self.hidden


def _comparisons(raw: object) -> list[ComparisonView]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            weight = float(item.get("weight", 0.0))
        except (TypeError, ValueError):
            weight = 0.0
        out.append(
            ComparisonView(str(item.get("comparison", "")), str(item.get("level", "")), weight)
        )
    return out


def _pair_views(evidence: list[PairEvidence], column: dict[Any, int]) -> list[PairView]:
    pairs = []
    for e in evidence:
        if e.left_id not in column or e.right_id not in column:
            continue
        comparisons = _comparisons(e.comparisons)
        pairs.append(
            PairView(
                left=column[e.left_id],
                right=column[e.right_id],
                probability=e.match_probability,
                weight=e.match_weight,
                comparisons=comparisons,
                agreed=[c.comparison for c in comparisons if c.weight > 0],
                disagreed=[c.comparison for c in comparisons if c.weight < 0],
            )
        )
    return sorted(pairs, key=lambda p: (p.left, p.right))


def proposal_for_review(*, user: User, proposal_id: UUID | str) -> ProposalReview:
    """One proposal in the reviewer's scope with its evidence side by side.

    Identity fields are filled only for the records the reviewer may see; each victim's
    identity shown is written to the access log. Out of scope reads as not found.
    """
    proposal = (
        proposals_visible(user=user).select_related("decided_by").filter(pk=proposal_id).first()
    )
    if proposal is None:
        raise NotFound(_("No such proposal."))
    records = list(proposal.records.select_related("post").order_by("source", "pk"))
    cards = record_cards(user=user, records=records, log_reads=True)
    column = {card.record.pk: i for i, card in enumerate(cards)}
    evidence = list(PairEvidence.objects.filter(proposal=proposal))
    persons = sorted(
        {
            str(p)
            for p in PersonRecord.objects.filter(proposal=proposal).values_list(
                "person_id", flat=True
            )
        }
    )
    return ProposalReview(
        proposal=proposal, cards=cards, pairs=_pair_views(evidence, column), persons=persons
    )


def person_scope(user: User) -> Q:
    post_id = reviewer_post_id(user)
    if post_id is None:
        return Q()
    here = PersonRecord.objects.filter(
        person=OuterRef("pk"), undone_at__isnull=True, record__post_id=post_id
    )
    return Q(Exists(here))


@dataclass(frozen=True)
class PersonPage:
    person: Person
    live: list[tuple[PersonRecord, RecordCard]]
    undone: list[PersonRecord]


def person_for_review(*, user: User, person_id: UUID | str) -> PersonPage:
    """A confirmed person with their records (identity as the reader may see it) and history."""
    _need_reviewer(user)
    person = (
        Person.objects.filter(person_scope(user), pk=person_id).select_related("created_by").first()
    )
    if person is None:
        raise NotFound(_("No such person."))
    rows = list(
        PersonRecord.objects.filter(person=person)
        .select_related("record", "record__post", "confirmed_by", "undone_by")
        .order_by("confirmed_at", "pk")
    )
    live = [r for r in rows if r.undone_at is None]
    cards = record_cards(user=user, records=[r.record for r in live], log_reads=True)
    by_record = {c.record.pk: c for c in cards}
    return PersonPage(
        person=person,
        live=[(r, by_record[r.record_id]) for r in live],
        undone=[r for r in rows if r.undone_at is not None],
    )


def person_of(*, source: str, record_id: UUID | str) -> Person | None:
    """The confirmed person a source record belongs to now, if any (None at a post node)."""
    if not is_hub():
        return None
    row = (
        PersonRecord.objects.filter(
            record__source=source, record__record_id=record_id, undone_at__isnull=True
        )
        .select_related("person")
        .first()
    )
    return row.person if row is not None else None


def linked_records(*, source: str, record_id: UUID | str) -> list[LinkRecord]:
    """The records confirmed to be the same person as this one (itself left out).

    Empty at a post node, where there are no links, and for a record no one confirmed.
    """
    if not is_hub():
        return []
    person = PersonRecord.objects.filter(
        record__source=source, record__record_id=record_id, undone_at__isnull=True
    ).values("person_id")
    return list(
        LinkRecord.objects.filter(persons__person_id__in=person, persons__undone_at__isnull=True)
        .exclude(source=source, record_id=record_id)
        .order_by("source", "pk")
    )
