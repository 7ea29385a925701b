"""Appending to the audit trail. Called by every service inside its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from lintas.audit.chain import GENESIS, change_digest, entry_hash, format_time
from lintas.audit.models import AuditEntry, AuditHead, EntryKind
from lintas.common.bulk import insert_values
from lintas.common.models import current_node
from lintas.common.values import SECRET_COLUMNS, jsonable

MAX_FIELDS_TEXT = 1000
_AS_IS = frozenset({str, int, bool, type(None)})
# What ``jsonable`` gives for these exact types, without its checks.
_AS_TEXT: dict[type, Any] = {
    uuid.UUID: str,
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
}


def _digest_key() -> bytes:
    return hashlib.sha256(b"lintas-audit-digest:" + settings.SECRET_KEY.encode()).digest()


def _object_ref(obj: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return obj
    return obj._meta.label_lower, str(obj.pk)


def _seal(
    *,
    node: str,
    seq: int,
    kind: str,
    at: Any,
    actor_id: Any,
    action: str,
    obj: tuple[str, str],
    fields: Iterable[str],
    digest: str,
    prev_hash: str,
    at_text: str | None = None,
) -> tuple[Any, ...]:
    """An entry's stored values (``ENTRY_COLUMNS``), its hash over all of them last."""
    object_type, object_id = obj
    fields_text = ",".join(sorted(fields))[:MAX_FIELDS_TEXT]
    sealed = entry_hash(
        node=node,
        seq=seq,
        kind=kind,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=fields_text,
        digest=digest,
        prev_hash=prev_hash,
        at_text=at_text,
    )
    return (
        node,
        seq,
        kind,
        at,
        actor_id,
        action,
        object_type,
        object_id,
        fields_text,
        digest,
        prev_hash,
        sealed,
    )


# The columns of ``_seal``'s values, in order.
ENTRY_COLUMNS = (
    "node",
    "seq",
    "kind",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "digest",
    "prev_hash",
    "hash",
)


def _sealed_entry(**values: Any) -> AuditEntry:
    """An entry with its hash over every stored field and the previous entry's hash."""
    return AuditEntry(**dict(zip(ENTRY_COLUMNS, _seal(**values), strict=True)))


def audit_append(
    *,
    actor: Any,
    action: str,
    obj: models.Model | tuple[str, str],
    kind: str = EntryKind.WRITE,
    changed: dict[str, Any] | None = None,
    fields: Iterable[str] | None = None,
) -> AuditEntry:
    """Append one entry to this node's chain; must run inside the caller's transaction.

    ``obj`` is a model instance or an ``(object_type, object_id)`` pair; ``changed`` maps
    field names to their new values: the names are stored, the values only as a digest.
    ``fields``, when given, names what changed instead (the digest still covers ``changed``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the service's transaction")
    node = current_node()
    ref = _object_ref(obj)
    changed = changed or {}
    head = _locked_head(node)
    entry = _sealed_entry(
        node=node,
        seq=head.seq + 1,
        kind=kind,
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None) if actor is not None else None,
        action=action,
        obj=ref,
        fields=set(changed if fields is None else fields),
        digest=change_digest(_digest_key(), {"object": list(ref), **changed}),
        prev_hash=head.hash,
    )
    entry.save(force_insert=True)
    AuditHead.objects.filter(node=node).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Appended:
    """One entry of ``audit_append_many``: who, what, on which record, and its state."""

    actor_id: Any
    action: str
    obj: tuple[str, str]
    state: dict[str, Any]
    fields: tuple[str, ...] = ()


def audit_append_many(items: list[Appended]) -> int:
    """Append many write entries to this node's chain at once (the hub applying a push).

    The same chain, digests and hashes as ``audit_append``, with one head lock and one
    insert for the lot; must run inside the caller's transaction.
    """
    if not items:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append_many must run inside the caller's transaction")
    node = current_node()
    key = _digest_key()
    head = _locked_head(node)
    seq, prev = head.seq, head.hash
    now = timezone.now()
    now_text = format_time(now)
    rows = []
    for item in items:
        seq += 1
        row = _seal(
            node=node,
            seq=seq,
            kind=EntryKind.WRITE,
            at=now,
            actor_id=item.actor_id,
            action=item.action,
            obj=item.obj,
            fields=item.fields,
            digest=change_digest(key, {"object": list(item.obj), **item.state}),
            prev_hash=prev,
            at_text=now_text,
        )
        prev = row[-1]
        rows.append(row)
    insert_values(AuditEntry, ENTRY_COLUMNS, rows)
    AuditHead.objects.filter(node=node).update(seq=seq, hash=prev)
    return len(rows)


def access_log_append(
    *, actor: Any, obj: models.Model | tuple[str, str], purpose: str
) -> AuditEntry:
    """Record that ``actor`` read a sensitive record (a victim's identity, the audit log)."""
    with transaction.atomic():
        return audit_append(actor=actor, action=f"read.{purpose}", obj=obj, kind=EntryKind.READ)


def _locked_head(node: str) -> AuditHead:
    # The row lock serialises appenders on PostgreSQL; on SQLite the immediate
    # transaction already holds the database's write lock.
    head = AuditHead.objects.select_for_update().filter(node=node).first()
    if head is not None:
        return head
    AuditHead.objects.bulk_create(
        [AuditHead(node=node, seq=0, hash=GENESIS)], ignore_conflicts=True
    )
    return AuditHead.objects.select_for_update().get(node=node)


@cache
def _audited_columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in SECRET_COLUMNS)


def audited_state(instance: models.Model) -> dict[str, Any]:
    """Every concrete column of ``instance`` (secrets excepted), for the keyed digest.

    Derived from the model, so that no field (a recruiter's name, a sponsor's phone) can
    be left out of what the entry proves by a hand-written list.
    """
    values = instance.__dict__
    state: dict[str, Any] = {}
    for attname in _audited_columns(type(instance)):
        value = values[attname] if attname in values else getattr(instance, attname)
        # Texts, numbers and empty values are their own JSON; the rest through ``jsonable``.
        kind = type(value)
        if kind in _AS_IS:
            state[attname] = value
        else:
            as_text = _AS_TEXT.get(kind)
            state[attname] = as_text(value) if as_text is not None else jsonable(value)
    return state
