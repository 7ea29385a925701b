"""The outbox: every committed change of this node, in commit order, waiting for the hub."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction

from lintas.common.models import current_node
from lintas.sync.models import OutboxEvent, OutboxOp
from lintas.sync.records import record_state
from lintas.sync.registry import spec_for

# Any constant works; it names the lock that keeps outbox ids in commit order on PostgreSQL.
_OUTBOX_LOCK = 0x4C494E54  # "LINT"


def record_payload(instance: models.Model) -> dict[str, Any]:
    """The record's concrete fields as JSON-ready values (foreign keys by id), no secrets."""
    return record_state(instance)


def outbox_append(
    *, instance: models.Model, op: str = OutboxOp.UPSERT, urgent: bool = False
) -> OutboxEvent:
    """Queue ``instance``'s new state for sync; must run inside the service's transaction.

    A model that declares no sync policy cannot be queued at all, nor can a node queue a
    record only the hub makes (``lintas.journal`` refuses such writes at a node first).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_append must run inside the service's transaction")
    label = instance._meta.label_lower
    spec = spec_for(label)
    if spec is None:
        raise RuntimeError(f"{label} declares no sync policy (lintas.sync.registry)")
    node = current_node()
    if node != "hub" and spec.policy.hub_only:
        raise RuntimeError(f"{label} is made at the hub only")
    if connection.vendor == "postgresql":
        # Readers take "every id up to N" as a prefix: ids must become visible in commit
        # order. A sequence hands them out at insert time, so two writers could commit
        # out of order; this lock (held to commit) serialises the appends. SQLite's
        # immediate transactions already serialise every writer.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OUTBOX_LOCK])
    return OutboxEvent.objects.create(
        node=node,
        model=label,
        record_id=str(instance.pk),
        op=op,
        payload=record_payload(instance),
        urgent=urgent,
    )
