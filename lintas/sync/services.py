"""Appending changes to the outbox. The sender comes with node sync."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction

from lintas.common.crypto import EncryptedTextField, encrypt_text
from lintas.common.models import current_node
from lintas.sync.models import OutboxEvent, OutboxOp

# Never copied into the outbox: secrets stay on the node that holds them.
EXCLUDED_FIELDS = frozenset({"password"})


def record_payload(instance: models.Model) -> dict[str, Any]:
    """The record's concrete fields as JSON-ready values (foreign keys by id)."""
    payload: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.attname in EXCLUDED_FIELDS:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, EncryptedTextField) and value:
            # Victim identities travel and wait in the outbox encrypted, as they are stored.
            value = encrypt_text(str(value))
        payload[field.attname] = _jsonable(value)
    return payload


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def outbox_append(
    *, instance: models.Model, op: str = OutboxOp.UPSERT, urgent: bool = False
) -> OutboxEvent:
    """Queue ``instance``'s new state for sync; must run inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_append must run inside the service's transaction")
    return OutboxEvent.objects.create(
        node=current_node(),
        model=instance._meta.label_lower,
        record_id=str(instance.pk),
        op=op,
        payload=record_payload(instance),
        urgent=urgent,
    )
