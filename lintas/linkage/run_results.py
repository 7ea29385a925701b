"""What a linkage run leaves behind, written in one transaction at its end.

The link records of every record seen, the proposals (clusters of records at or above
``PROPOSE_THRESHOLD``) with the evidence of each pair, and the proposals that a later run
replaces marked superseded. Nothing is written before the end, so a failed run leaves
nothing half-written.

What is not proposed again:

- a pair a reviewer declared different people (a live ``LinkRefusal``) is not a link;
- a cluster whose records are all confirmed to one person already is known;
- a cluster that a waiting proposal already holds, record for record, keeps that proposal
  (a reviewer may have it open).

A full run looks at everything again: each waiting proposal it does not find again is
superseded. A run over new records only superseded the waiting proposals its own
proposals overlap; it clusters its pairs together with the pairs of those proposals, so
that a record joining a waiting cluster makes one proposal with it, not a second one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any
from uuid import UUID

from django.db.models import F
from django.utils import timezone

from lintas.audit.services import Appended, audit_append_many
from lintas.linkage.engine import PROPOSE_THRESHOLD, Evidence, ScoredPair, cluster
from lintas.linkage.extract import Extracted
from lintas.linkage.models import (
    LinkageRun,
    LinkProposal,
    LinkRecord,
    LinkRefusal,
    PairEvidence,
    PersonRecord,
    ProposalStatus,
)

BATCH = 2000


@dataclass(frozen=True)
class Written:
    proposals: int
    superseded: int
    kept: int
    records_added: int


def link_records_store(run: LinkageRun, records: Sequence[Extracted]) -> tuple[dict[str, str], int]:
    """Add a link record for each record not known yet; map engine id -> link record id."""
    known = {
        (source, str(record_id)): str(pk)
        for pk, source, record_id in LinkRecord.objects.values_list("pk", "source", "record_id")
    }
    fresh = [
        LinkRecord(source=r.source, record_id=r.record_id, post_id=r.post_id, first_run=run)
        for r in records
        if (r.source, str(r.record_id)) not in known
    ]
    LinkRecord.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
    if fresh:
        known = {
            (source, str(record_id)): str(pk)
            for pk, source, record_id in LinkRecord.objects.values_list("pk", "source", "record_id")
        }
    return {r.link.id: known[(r.source, str(r.record_id))] for r in records}, len(fresh)


def _as_records(pairs: Iterable[ScoredPair], ids: dict[str, str]) -> list[ScoredPair]:
    """The pairs in link-record ids (left < right), those of unknown records left out."""
    out = []
    for p in pairs:
        a, b = ids.get(p.left_id), ids.get(p.right_id)
        if a is None or b is None or a == b:
            continue
        left, right = (a, b) if a < b else (b, a)
        out.append(ScoredPair(left, right, p.match_weight, p.match_probability, p.evidence))
    return out


def _refused() -> set[tuple[str, str]]:
    pairs = LinkRefusal.objects.filter(undone_at__isnull=True).values_list("left_id", "right_id")
    return {(min(str(a), str(b)), max(str(a), str(b))) for a, b in pairs}


def _stored_pairs(proposals: Sequence[LinkProposal]) -> list[ScoredPair]:
    """The evidence of waiting proposals as scored pairs, to cluster with the new ones."""
    rows = PairEvidence.objects.filter(proposal__in=proposals).values_list(
        "left_id", "right_id", "match_weight", "match_probability", "comparisons"
    )
    out = []
    for left, right, weight, probability, comparisons in rows:
        a, b = sorted((str(left), str(right)))
        evidence = tuple(
            Evidence(str(c.get("comparison", "")), str(c.get("level", "")), float(c["weight"]))
            for c in comparisons
            if isinstance(c, dict) and isinstance(c.get("weight"), int | float)
        )
        out.append(ScoredPair(a, b, weight, probability, evidence))
    return out


def _confirmed_to_one(members: list[str], person_of: dict[str, str]) -> bool:
    persons = {person_of.get(m) for m in members}
    return len(persons) == 1 and None not in persons


def _evidence_json(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {"comparison": e.comparison, "level": e.level, "weight": round(e.weight, 4)}
        for e in evidence
    ]


def results_write(
    *,
    run: LinkageRun,
    records: Sequence[Extracted],
    pairs: Sequence[ScoredPair],
    incremental: bool,
) -> Written:
    """Store the run's link records and proposals; must run inside the run's transaction."""
    ids, added = link_records_store(run, records)
    refused = _refused()
    scored = [p for p in _as_records(pairs, ids) if (p.left_id, p.right_id) not in refused]
    waiting = list(
        LinkProposal.objects.select_for_update()
        .filter(status=ProposalStatus.PROPOSED)
        .prefetch_related("records")
    )
    record_sets = {p.pk: frozenset(str(r.pk) for r in p.records.all()) for p in waiting}
    if incremental:
        touched = {x for p in scored for x in (p.left_id, p.right_id)}
        waiting = [p for p in waiting if record_sets[p.pk] & touched]
        scored += [p for p in _stored_pairs(waiting) if (p.left_id, p.right_id) not in refused]
    best: dict[tuple[str, str], ScoredPair] = {}
    for p in scored:
        key = (p.left_id, p.right_id)
        if key not in best or p.match_probability > best[key].match_probability:
            best[key] = p
    involved = sorted({x for key in best for x in key})
    clusters: dict[str, list[str]] = defaultdict(list)
    for member, root in cluster(best.values(), involved, threshold=PROPOSE_THRESHOLD).items():
        clusters[root].append(member)
    person_of = {
        str(record): str(person)
        for record, person in PersonRecord.objects.filter(
            undone_at__isnull=True, record_id__in=[UUID(x) for x in involved]
        ).values_list("record_id", "person_id")
    }
    by_set = {record_sets[p.pk]: p for p in waiting}
    kept: set[UUID] = set()
    new: list[tuple[LinkProposal, list[str], list[ScoredPair]]] = []
    now = timezone.now()
    for members in clusters.values():
        if len(members) < 2 or _confirmed_to_one(members, person_of):
            continue
        same = by_set.get(frozenset(members))
        if same is not None:
            kept.add(same.pk)
            continue
        inside = [best[k] for k in combinations(sorted(members), 2) if k in best]
        probabilities = [p.match_probability for p in inside]
        proposal = LinkProposal(
            run=run,
            best_probability=max(probabilities),
            weakest_probability=min(probabilities),
            created_at=now,
        )
        new.append((proposal, sorted(members), inside))
    new_members = {m for _p, members, _i in new for m in members}
    superseded = [
        p
        for p in waiting
        if p.pk not in kept and (not incremental or record_sets[p.pk] & new_members)
    ]
    _supersede(superseded, run)
    _create(new, run)
    return Written(
        proposals=len(new), superseded=len(superseded), kept=len(kept), records_added=added
    )


def _supersede(proposals: list[LinkProposal], run: LinkageRun) -> None:
    if not proposals:
        return
    LinkProposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
        # A reviewer who had one open is told it changed (its version moves on).
        status=ProposalStatus.SUPERSEDED,
        version=F("version") + 1,
    )
    audit_append_many(
        [
            Appended(
                actor_id=None,
                action="linkage.proposal_superseded",
                obj=("linkage.linkproposal", str(p.pk)),
                state={"status": ProposalStatus.SUPERSEDED, "by_run": str(run.pk)},
                fields=("status", "version"),
            )
            for p in proposals
        ]
    )


def _create(new: list[tuple[LinkProposal, list[str], list[ScoredPair]]], run: LinkageRun) -> None:
    if not new:
        return
    LinkProposal.objects.bulk_create([p for p, _m, _i in new], batch_size=BATCH)
    through = LinkProposal.records.through
    through.objects.bulk_create(
        [
            through(linkproposal_id=p.pk, linkrecord_id=member)
            for p, members, _i in new
            for member in members
        ],
        batch_size=BATCH,
    )
    PairEvidence.objects.bulk_create(
        [
            PairEvidence(
                proposal_id=p.pk,
                left_id=pair.left_id,
                right_id=pair.right_id,
                match_weight=round(pair.match_weight, 4),
                match_probability=pair.match_probability,
                comparisons=_evidence_json(pair.evidence),
            )
            for p, _m, inside in new
            for pair in inside
        ],
        batch_size=BATCH,
    )
    audit_append_many(
        [
            Appended(
                actor_id=None,
                action="linkage.proposal_create",
                obj=("linkage.linkproposal", str(p.pk)),
                state={
                    "run": str(run.pk),
                    "records": members,
                    "best_probability": p.best_probability,
                    "weakest_probability": p.weakest_probability,
                },
                fields=("run_id", "records", "best_probability", "weakest_probability"),
            )
            for p, members, _i in new
        ]
    )
