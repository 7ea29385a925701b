"""Reading and checking the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.chain import GENESIS, entry_hash
from lintas.audit.models import AuditEntry, AuditHead
from lintas.common.errors import PermissionDenied
from lintas.common.models import LintasModel, current_node

# The action of the hub's entry for a record applied from a node: ``sync.apply:<node>``.
APPLY_PREFIX = "sync.apply:"


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    node: str
    entries: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def audit_chain_verify(*, node: str | None = None) -> list[ChainReport]:
    """Recompute every node's chain and report the first bad entry of each.

    Catches an edited entry (its hash no longer matches its content), a deleted one (a gap
    in the sequence, or a head that names more entries than remain), an inserted or
    reordered one (a sequence number or link that does not follow).
    """
    nodes = set(AuditHead.objects.values_list("node", flat=True))
    nodes |= set(AuditEntry.objects.values_list("node", flat=True).distinct())
    if node is not None:
        nodes &= {node}
    return [_verify_node(n) for n in sorted(nodes)]


def _verify_node(node: str) -> ChainReport:
    head = AuditHead.objects.filter(node=node).first()
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    rows = AuditEntry.objects.filter(node=node).order_by("seq")
    for entry in rows.iterator(chunk_size=2000):
        broken = _check_entry(entry, expected_seq, prev_hash)
        if broken is not None:
            return ChainReport(node, count, prev_hash, broken)
        count += 1
        expected_seq = entry.seq + 1
        prev_hash = entry.hash
    if head is None:
        return ChainReport(node, count, prev_hash, ChainBreak(expected_seq, "chain head missing"))
    if head.seq != count or head.hash != prev_hash:
        reason = (
            f"entries after #{count} deleted (head names #{head.seq})"
            if head.seq > count
            else f"head names #{head.seq} {head.hash[:12]}, chain ends at #{count}"
        )
        return ChainReport(node, count, prev_hash, ChainBreak(count + 1, reason))
    return ChainReport(node, count, prev_hash, None)


def _check_entry(entry: AuditEntry, expected_seq: int, prev_hash: str) -> ChainBreak | None:
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            return ChainBreak(expected_seq, f"entry missing (deleted); next is #{entry.seq}")
        return ChainBreak(entry.seq, "sequence out of order")
    recomputed = entry_hash(
        node=entry.node,
        seq=entry.seq,
        kind=entry.kind,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        fields=entry.fields,
        digest=entry.digest,
        prev_hash=entry.prev_hash,
    )
    if recomputed != entry.hash:
        return ChainBreak(entry.seq, "content does not match its hash (edited)")
    if entry.prev_hash != prev_hash:
        return ChainBreak(
            entry.seq, "does not follow the entry before it (inserted, reordered or replaced)"
        )
    return None


@dataclass(frozen=True)
class Uncovered:
    model: str
    record_id: str
    origin: str


def applied_records_uncovered(*, limit: int = 50) -> tuple[int, list[Uncovered]]:
    """At the hub: records made at a node that no entry of the hub's own chain covers.

    Every record the hub applies from a node gets an entry (``sync.apply:<node>``) in the
    hub's chain; a node-made record without one entered the hub's database some other
    way. Returns how many node-made records were checked, and the first ``limit`` found
    uncovered.
    """
    hub = current_node()
    checked = 0
    found: list[Uncovered] = []
    for model in apps.get_models():
        if not issubclass(model, LintasModel) or model._meta.abstract:
            continue
        label = model._meta.label_lower
        covered = set(
            AuditEntry.objects.filter(
                node=hub, object_type=label, action__startswith=APPLY_PREFIX
            ).values_list("object_id", flat=True)
        )
        rows = model._base_manager.exclude(origin=hub).values_list("pk", "origin")
        for pk, origin in rows.iterator(chunk_size=5000):
            checked += 1
            if str(pk) not in covered and len(found) < limit:
                found.append(Uncovered(label, str(pk), str(origin)))
    return checked, found


def audit_entries_list(*, user: User, limit: int = 100) -> QuerySet[AuditEntry]:
    """The newest audit entries, for those who may read the audit trail."""
    if not user.can(Capability.VIEW_AUDIT):
        raise PermissionDenied("Not allowed")
    return AuditEntry.objects.order_by("-id")[:limit]
