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
    return outbox_append_many(instances=[instance], op=op, urgent=urgent)[0]


def outbox_append_many(
    *, instances: list[models.Model], op: str = OutboxOp.UPSERT, urgent: bool = False
) -> list[OutboxEvent]:
    """``outbox_append`` for many records at once (the hub passing on a node's batch).

    The same checks for each model, one commit-order lock and one insert for the lot, in
    the order given.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_append must run inside the service's transaction")
    node = current_node()
    for label in {i._meta.label_lower for i in instances}:
        spec = spec_for(label)
        if spec is None:
            raise RuntimeError(f"{label} declares no sync policy (lintas.sync.registry)")
        if node != "hub" and spec.policy.hub_only:
            raise RuntimeError(f"{label} is made at the hub only")
    if not instances:
        return []
    if connection.vendor == "postgresql":
        # Readers take "every id up to N" as a prefix: ids must become visible in commit
        # order. A sequence hands them out at insert time, so two writers could commit
        # out of order; this lock (held to commit) serialises the appends. SQLite's
        # immediate transactions already serialise every writer.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OUTBOX_LOCK])
    events = [
        OutboxEvent(
            node=node,
            model=instance._meta.label_lower,
            record_id=str(instance.pk),
            op=op,
            payload=record_payload(instance),
            urgent=urgent,
        )
        for instance in instances
    ]
    if len(events) == 1:
        events[0].save(force_insert=True)
        return events
    return OutboxEvent.objects.bulk_create(events)
