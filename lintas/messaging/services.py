"""Incoming SMS: kept once, throttled, and answered (conversation, receipt code, STOP).

Every delivery is stored (text encrypted) before anything else, keyed by the gateway and
its message id, so a gateway's retry is one message and nothing is lost, even a message
that gets no answer. Replies go out through the outbound queue (``outbound_queue``), or
back in the webhook's answer for a gateway that sends replies itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.services import audit_append
from lintas.cases import tips
from lintas.cases.models import Tip, TipChannel
from lintas.cases.triage import tip_reply
from lintas.common.errors import NotFound, ValidationFailed
from lintas.common.locks import transaction_lock
from lintas.common.phones import phone_e164, phone_masked
from lintas.messaging import conversations, texts
from lintas.messaging.gateway import number_key
from lintas.messaging.models import (
    Conversation,
    ConversationState,
    Handling,
    InboundMessage,
    OptOut,
    OutboundMessage,
    Purpose,
)
from lintas.messaging.outbound import outbound_queue

TEXT_MAX = 20_000
PER_MINUTE = 8  # messages from one number answered within a minute
PER_HOUR = 60
REPLIES_PER_HOUR = 30  # messages to one number within an hour
_CODE = re.compile(
    r"^\s*((?:[0-9A-Za-z]{4}[\s.\-]*){4}[0-9A-Za-z]{4})(?![0-9A-Za-z])\s*(.*)$", re.S
)
MESSAGE_ID_INVALID = _("A gateway message id of 1 to 100 visible characters is required.")
GATEWAYS = ("kannel", "android")


@dataclass(frozen=True)
class Received:
    """The stored message, whether it was a repeat, and the reply (``""`` for none)."""

    message: InboundMessage
    duplicate: bool
    reply: str
    language: str


def _clean(text: object) -> str:
    value = text if isinstance(text, str) else ""
    value = value.replace("\x00", "")
    value = "".join(ch for ch in value if ord(ch) >= 32 or ch in "\t\n\r")
    return value.strip()[:TEXT_MAX]


def _language_for(phone: str, text: str, sender_key: str) -> str:
    last = (
        Conversation.objects.filter(sender_key=sender_key)
        .order_by("-last_message_at")
        .values_list("language", flat=True)
        .first()
    )
    fallback = last or ("tet" if phone.startswith("+670") else "id")
    # A receipt code says nothing of the language: its letters between digits ("A8D4")
    # would read as English words ("a", "he", "to").
    code = _receipt_in(text)
    return texts.detect_language(code.group(2) if code else text, fallback=fallback)


def _throttled(sender_key: str) -> bool:
    now = timezone.now()
    recent = InboundMessage.objects.filter(
        sender_key=sender_key, received_at__gte=now - timedelta(hours=1)
    ).exclude(handling=Handling.THROTTLED)
    minute = recent.filter(received_at__gte=now - timedelta(minutes=1)).count()
    return minute >= PER_MINUTE or recent.count() >= PER_HOUR


def _reply_allowed(sender_key: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    return (
        OutboundMessage.objects.filter(to_key=sender_key, created_at__gte=since).count()
        < REPLIES_PER_HOUR
    )


def _follow_up(code: str, rest: str, seed: bytes, language: str) -> str:
    try:
        if rest:
            tips.tip_add_information(receipt=code, text=rest[: tips.BODY_MAX], intake_seed=seed)
            return texts.text("added", language)
        view = tips.tip_read_by_receipt(receipt=code)
    except NotFound:
        return texts.text("wrong_code", language)
    if view.replies:
        return texts.text("latest_reply", language, reply=view.replies[-1].text)[:1600]
    status = texts.STATUS_WORDS[view.status].get(language, view.status)
    return texts.text("no_reply", language, status=status)


def _receipt_in(text: str) -> re.Match[str] | None:
    """The receipt code a message starts with; a sentence of four-letter words is none.

    Codes have a digit (all but 1 in 1,700 do); a reporter whose code has none can still
    send it alone.
    """
    found = _CODE.match(text)
    if found is None or tips.receipt_normalise(found.group(1)) is None:
        return None
    alone = not found.group(2).strip()
    if alone or any(ch.isdigit() for ch in found.group(1)):
        return found
    return None


def _route(message: InboundMessage, phone: str, text: str, language: str) -> tuple[str, str]:
    """The handling of a stored message and the reply to it."""
    word = texts.keyword(text)
    key = message.sender_key
    if not text:
        return Handling.EMPTY, ""
    if word in texts.STOP_WORDS:
        OptOut.objects.update_or_create(
            number_key=key, defaults={"language": language, "created_at": timezone.now()}
        )
        return Handling.STOP, texts.text("stopped", language)
    if word in texts.START_WORDS:
        OptOut.objects.filter(number_key=key).delete()
        return Handling.START, texts.text("started", language)
    code = _receipt_in(text)
    if code is not None:
        reply = _follow_up(code.group(1), code.group(2).strip(), message.id.bytes, language)
        return Handling.FOLLOW_UP, reply
    conversation = conversations.conversation_open(sender_key=key)
    first = conversation is None
    if conversation is None:
        conversation = conversations.conversation_start(
            sender=phone, sender_key=key, language=language
        )
    turn = conversations.conversation_step(conversation=conversation, text=text, first=first)
    message.conversation = turn.conversation
    return Handling.CONVERSATION, turn.reply


def inbound_receive(
    *,
    gateway: str,
    message_id: str,
    sender: str,
    text: str,
    reply_inline: bool = False,
    received_at: datetime | None = None,
) -> Received:
    """Store and answer one incoming SMS, once per gateway message id.

    With ``reply_inline`` (a gateway that sends the reply itself) the reply is returned
    and not queued. A throttled sender's message is kept without a reply; so is one
    whose number cannot take an answer (an operator's name as sender).
    """
    if (
        gateway not in GATEWAYS
        or not isinstance(message_id, str)
        or not 1 <= len(message_id) <= 100
        or not message_id.isprintable()
        or not message_id.strip()
    ):
        raise ValidationFailed(MESSAGE_ID_INVALID, field_errors={"message_id": MESSAGE_ID_INVALID})
    raw_sender = _clean(sender)[:40]
    phone = phone_e164(raw_sender) or ""
    key = number_key(phone or raw_sender)
    body = _clean(text)
    earlier = InboundMessage.objects.filter(gateway=gateway, gateway_message_id=message_id)
    found = earlier.first()
    if found is not None:
        return Received(found, True, "", "")
    language = _language_for(phone, body, key)
    try:
        with transaction.atomic():
            # One sender's messages are counted and answered one at a time: a flood's
            # concurrent deliveries must not all find room under the throttle.
            transaction_lock(f"messaging.sender:{key}")
            message = InboundMessage.objects.create(
                gateway=gateway,
                gateway_message_id=message_id,
                sender=phone or raw_sender,
                sender_key=key,
                sender_masked=phone_masked(phone) if phone else "*",
                text=body,
                received_at=received_at or timezone.now(),
                handling=Handling.THROTTLED,
            )
            handling: str = Handling.THROTTLED
            reply = ""
            if not _throttled(key) and phone:
                handling, reply = _route(message, phone, body, language)
            message.handling = handling
            message.save(update_fields=["handling", "conversation"])
            audit_append(
                actor=None, action="message.receive", obj=message, fields=["gateway", "handling"]
            )
            if reply and not reply_inline:
                if _reply_allowed(key):
                    outbound_queue(
                        to=phone,
                        text=reply,
                        purpose=Purpose.CONVERSATION,
                        reference=str(message.id),
                    )
                reply = ""
    except IntegrityError:
        # The same delivery at the same moment on another connection: that one answers.
        found = earlier.first()
        if found is None:
            raise
        return Received(found, True, "", "")
    return Received(message, False, reply, language)


def conversations_expire() -> int:
    """Turn every conversation silent past its time-out into a tip; the receipt goes out."""
    done = 0
    for stale in conversations.conversations_due():
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(pk=stale.pk, state=ConversationState.OPEN)
                .first()
            )
            if conversation is None:
                continue
            receipt = conversations.conversation_finish(
                conversation=conversation, state=ConversationState.TIMED_OUT
            )
            audit_append(
                actor=None, action="conversation.timed_out", obj=conversation, fields=["state"]
            )
            if receipt and phone_e164(conversation.sender):
                outbound_queue(
                    to=conversation.sender,
                    text=receipt,
                    purpose=Purpose.CONVERSATION,
                    reference=str(conversation.id),
                )
            done += 1
    return done


@task()
def messaging_tick_task() -> dict[str, int]:
    """Periodic work: conversations past their time-out, and messages due for a try."""
    from lintas.messaging.outbound import outbound_dispatch_due

    return {"expired": conversations_expire(), "tried": outbound_dispatch_due()}


def tip_reply_send(
    *, actor: Any, tip_id: UUID | str, text: str
) -> tuple[Any, OutboundMessage | None]:
    """A reply to a tip (``cases.triage.tip_reply``), also sent by SMS to an SMS reporter.

    The number is read from the tip's encrypted field here only; staff never see it in
    full (the outbound page shows the masked form). A reporter who did not agree to be
    contacted left no number: they read the reply by sending their receipt code.
    """
    with transaction.atomic():
        reply = tip_reply(actor=actor, tip_id=tip_id, text=text)
        tip = Tip.objects.get(pk=reply.tip_id)
        sms = None
        if tip.channel in (TipChannel.SMS, TipChannel.WHATSAPP) and tip.contact_phone:
            language = tip.language if tip.language in texts.LANGUAGES else "id"
            sms = outbound_queue(
                to=tip.contact_phone,
                text=texts.text("staff_reply", language, reply=reply.body)[:1600],
                purpose=Purpose.TIP_REPLY,
                reference=str(tip.pk),
                actor=actor,
            )
    return reply, sms


def opted_out(e164: str) -> bool:
    """True if the number sent STOP (and not START since)."""
    return OptOut.objects.filter(number_key=number_key(e164)).exists()
