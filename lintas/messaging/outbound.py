"""Outbound messages: queued, handed to the gateway once, followed to delivery.

States: ``queued`` -> ``sending`` (an attempt is under way) -> ``sent`` (the gateway took
it) -> ``delivered`` or ``failed`` (from the operator's delivery report). The message's id
is its idempotency key at the bridge, so an attempt cut off by a crash (the row stays
``sending``) is tried again with the same key and the handset still gets one SMS.
A refused or unreachable gateway is tried again with growing pauses, ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.services import audit_append
from lintas.common.errors import ValidationFailed
from lintas.common.phones import phone_e164, phone_masked
from lintas.messaging import gsm
from lintas.messaging.gateway import bridge_send, number_key
from lintas.messaging.models import OutboundMessage, OutboundState, Purpose
from lintas.messaging.queue import enqueue_after_commit

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = (15, 60, 180, 600, 1800, 3600, 7200)
# An attempt still ``sending`` after this long was cut off (the server was killed).
SENDING_STALE = timedelta(minutes=2)
TEXT_MAX = 1600  # ten SMS parts at most

NUMBER_INVALID = _("Not a phone number that can receive SMS.")
MESSAGE_TEXT_INVALID = _("The message must be 1 to 1,600 characters of text without NUL bytes.")

# Kannel's delivery report codes (the dlr-mask bits).
DLR_DELIVERED, DLR_FAILED, DLR_BUFFERED, DLR_ACCEPTED, DLR_REJECTED = 1, 2, 4, 8, 16


def outbound_queue(
    *, to: str, text: str, purpose: str, reference: str = "", actor: Any = None
) -> OutboundMessage:
    """Queue one SMS to ``to``; it is sent after the caller's transaction commits."""
    phone = phone_e164(to)
    if phone is None:
        raise ValidationFailed(NUMBER_INVALID, field_errors={"to": NUMBER_INVALID})
    if (
        not isinstance(text, str)
        or not text.strip()
        or len(text) > TEXT_MAX
        or "\x00" in text
        or purpose not in Purpose.values
    ):
        raise ValidationFailed(MESSAGE_TEXT_INVALID, field_errors={"text": MESSAGE_TEXT_INVALID})
    encoding, parts = gsm.parts(text)
    with transaction.atomic():
        message = OutboundMessage.objects.create(
            to=phone,
            to_key=number_key(phone),
            to_masked=phone_masked(phone),
            text=text,
            purpose=purpose,
            reference=reference[:80],
            encoding=encoding,
            parts=parts,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_append(
            actor=actor,
            action="message.queue",
            obj=message,
            fields=["purpose", "reference", "parts", "state"],
        )
        enqueue_after_commit(outbound_send_task, str(message.id))
    return message


def _due() -> Q:
    now = timezone.now()
    waiting = Q(state=OutboundState.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    cut_off = Q(state=OutboundState.SENDING, next_attempt_at__lte=now)
    return waiting | cut_off


def outbound_send(*, message_id: UUID | str) -> str:
    """One attempt to hand the message to the gateway; returns its state afterwards.

    The attempt is claimed with a conditional update, so two workers never send the same
    message at once; a message not due (sent already, waiting for its pause) is left alone.
    """
    now = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(_due(), pk=message_id)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            state=OutboundState.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + SENDING_STALE,
            updated_at=now,
        )
    )
    message = OutboundMessage.objects.get(pk=message_id)
    if not claimed:
        return str(message.state)
    result = bridge_send(
        key=str(message.id),
        to=message.to,
        text=message.text,
        coding=0 if message.encoding == "gsm7" else 2,
    )
    now = timezone.now()
    with transaction.atomic():
        sending = OutboundMessage.objects.select_for_update().filter(
            pk=message.id, state=OutboundState.SENDING
        )
        if result.status in ("accepted", "unknown"):
            changed = sending.update(
                state=OutboundState.SENT, sent_at=now, last_error="", updated_at=now
            )
            action = "message.sent"
        elif result.status == "refused" or message.attempts >= MAX_ATTEMPTS:
            changed = sending.update(
                state=OutboundState.FAILED, failed_at=now, last_error=result.answer, updated_at=now
            )
            action = "message.failed"
        else:
            pause = BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS)) - 1]
            retry_at = now + timedelta(seconds=pause)
            changed = sending.update(
                state=OutboundState.QUEUED,
                next_attempt_at=retry_at,
                last_error=result.answer,
                updated_at=now,
            )
            action = "message.retry_later"
            if changed:
                enqueue_after_commit(outbound_send_task, str(message.id), run_after=retry_at)
        if changed:
            audit_append(actor=None, action=action, obj=message, fields=["state", "attempts"])
    return str(OutboundMessage.objects.only("state").get(pk=message.id).state)


@task()
def outbound_send_task(message_id: str) -> str:
    """The queued attempt to send one message (``outbound_send``)."""
    return outbound_send(message_id=message_id)


def outbound_dispatch_due(*, limit: int = 500) -> int:
    """Try every message that is due (first tries, pauses over, attempts cut off)."""
    due = list(
        OutboundMessage.objects.filter(_due(), attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in due:
        outbound_send(message_id=message_id)
    # Cut off at the last attempt: nothing more will be tried.
    exhausted = OutboundMessage.objects.filter(_due(), attempts__gte=MAX_ATTEMPTS)
    for message in exhausted:
        with transaction.atomic():
            if OutboundMessage.objects.filter(pk=message.pk, state=message.state).update(
                state=OutboundState.FAILED, failed_at=timezone.now(), last_error="no answer"
            ):
                audit_append(actor=None, action="message.failed", obj=message, fields=["state"])
    return len(due)


def report_apply(*, key: str, status: str, answer: str = "") -> str | None:
    """Apply the gateway's delivery report to the message ``key``; its state, or None.

    Reports may come twice or out of order: ``delivered`` and ``failed`` are final, and an
    "accepted by the operator" never moves a message back.
    """
    try:
        code = int(status)
        message_id = UUID(key)
    except (TypeError, ValueError):
        return None
    now = timezone.now()
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        final = (OutboundState.DELIVERED, OutboundState.FAILED)
        if message.state in final:
            return str(message.state)
        if code & DLR_DELIVERED:
            message.state, message.delivered_at = OutboundState.DELIVERED, now
        elif code & (DLR_FAILED | DLR_REJECTED):
            message.state, message.failed_at = OutboundState.FAILED, now
            message.last_error = (answer or "refused by the operator")[:200]
        elif code & (DLR_ACCEPTED | DLR_BUFFERED):
            if message.state == OutboundState.SENT:
                return str(message.state)
            message.state, message.sent_at = OutboundState.SENT, message.sent_at or now
        else:
            return str(message.state)
        message.updated_at = now
        message.save(
            update_fields=[
                "state",
                "delivered_at",
                "failed_at",
                "sent_at",
                "last_error",
                "updated_at",
            ]
        )
        audit_append(actor=None, action=f"message.{message.state}", obj=message, fields=["state"])
    return str(message.state)
