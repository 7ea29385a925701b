"""Reads of sync state for the status pages, for those who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.models import AuditEntry, AuditHead
from lintas.audit.selectors import APPLY_PREFIX
from lintas.common.errors import PermissionDenied
from lintas.common.models import current_node
from lintas.sync.models import HubLink, OutboxEvent, SecurityEvent, SyncConflict, SyncNode


def _require(user: User) -> None:
    # Stand-in until accounts gains a "view sync status" capability: system admins.
    if not user.can(Capability.VIEW_AUDIT):
        raise PermissionDenied(_("You are not allowed to do this."))


def stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "LINTAS_SYNC_STALE_SECONDS", 3600)))


@dataclass(frozen=True)
class NodeStatus:
    node: str
    link: HubLink | None
    backlog: int
    oldest_pending_at: datetime | None
    audit_pending: int
    refused: list[OutboxEvent]


def node_status(*, user: User) -> NodeStatus:
    """This node's sync state: backlog, last success, last error, the hub's cursors."""
    _require(user)
    link = HubLink.objects.filter(pk=1).first()
    pending = OutboxEvent.objects.filter(acked_at__isnull=True)
    audit_seq = link.audit_seq if link else 0
    return NodeStatus(
        node=current_node(),
        link=link,
        backlog=pending.count(),
        oldest_pending_at=pending.aggregate(m=Min("created_at"))["m"],
        audit_pending=AuditEntry.objects.filter(node=current_node(), seq__gt=audit_seq).count(),
        refused=list(
            pending.filter(refused_at__isnull=False)
            .only("id", "model", "record_id", "refused_at", "refusal")
            .order_by("id")[:50]
        ),
    )


@dataclass(frozen=True)
class NodeRow:
    node: SyncNode
    backlog: int
    stale: bool
    audit_seq: int


@dataclass(frozen=True)
class HubStatus:
    nodes: list[NodeRow]
    conflicts: list[SyncConflict]
    resolved: list[SyncConflict]
    security: list[SecurityEvent]


def hub_status(*, user: User, now: datetime | None = None) -> HubStatus:
    """Every node's last contact and backlog (stale ones flagged) and the open conflicts."""
    _require(user)
    now = now or timezone.now()
    limit = stale_after()
    # Each entry was checked, hash and link, when it arrived: the head is enough here.
    heads = dict(AuditHead.objects.values_list("node", "seq"))
    rows = [
        NodeRow(
            node=n,
            backlog=max(0, n.node_head_seq - n.applied_seq),
            stale=n.revoked_at is None
            and (n.last_contact_at is None or now - n.last_contact_at > limit),
            audit_seq=heads.get(n.code, 0),
        )
        for n in SyncNode.objects.select_related("post").order_by("code")
    ]
    return HubStatus(
        nodes=rows,
        conflicts=list(
            SyncConflict.objects.filter(resolved_at__isnull=True).order_by("created_at")
        ),
        resolved=list(
            SyncConflict.objects.filter(resolved_at__isnull=False).order_by("-resolved_at")[:20]
        ),
        security=list(SecurityEvent.objects.filter(reviewed_at__isnull=True).order_by("-at")[:100]),
    )


@dataclass(frozen=True)
class SentRecord:
    at: datetime
    model: str
    record_id: str
    officer_id: str


def node_records_sent(*, user: User | None, code: str, since: datetime) -> list[SentRecord]:
    """Every record the hub applied from node ``code`` since ``since``, for review after the
    node was revoked (a stolen desk PC): read from the hub's own audit entries."""
    if user is not None:
        _require(user)
    rows = (
        AuditEntry.objects.filter(node=current_node(), action=APPLY_PREFIX + code, at__gte=since)
        .order_by("seq")
        .values_list("at", "object_type", "object_id", "actor_id")
    )
    return [SentRecord(at, model, rid, str(actor or "")) for at, model, rid, actor in rows]
