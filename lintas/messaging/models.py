"""Messages through the SMS gateway, tip conversations, opt-outs and seen gateway nonces.

Numbers are kept encrypted (``EncryptedTextField``) with a masked form for pages and a
keyed digest (``*_key``) to find the same number again without decrypting every row.
These records stay at the hub, whose gateway carried them; a node may not send one
(``sync_policy``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.crypto import EncryptedTextField
from lintas.common.models import LintasModel, LintasQuerySet


class GatewayNonce(models.Model):
    """A nonce of a signed gateway call, kept for the replay window (then pruned)."""

    nonce = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class Handling(models.TextChoices):
    CONVERSATION = "conversation", _("Tip conversation")
    FOLLOW_UP = "follow_up", _("Receipt code follow-up")
    STOP = "stop", _("Stop request")
    START = "start", _("Start request")
    THROTTLED = "throttled", _("Throttled")
    EMPTY = "empty", _("Empty")
    ALERT = "alert", _("Urgent alert")


class InboundMessage(LintasModel):
    """One SMS as the gateway delivered it (long messages already joined by the gateway)."""

    gateway = models.CharField(max_length=20)
    gateway_message_id = models.CharField(max_length=100)
    sender = EncryptedTextField()
    sender_key = models.CharField(max_length=64, db_index=True)
    sender_masked = models.CharField(max_length=20)
    text = EncryptedTextField(blank=True)
    received_at = models.DateTimeField()
    handling = models.CharField(max_length=20, choices=Handling.choices)
    conversation = models.ForeignKey(
        "Conversation", null=True, blank=True, on_delete=models.PROTECT, related_name="inbound"
    )

    objects = LintasQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"], name="inbound_once_per_gateway_id"
            )
        ]
        indexes = [models.Index(fields=["sender_key", "received_at"], name="inbound_sender_idx")]


class OutboundState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Purpose(models.TextChoices):
    CONVERSATION = "conversation", _("Tip conversation")
    TIP_REPLY = "tip_reply", _("Reply to a tip")
    NOTIFICATION = "notification", _("Notification")
    ALERT = "alert", _("Urgent alert")
    BROADCAST = "broadcast", _("Broadcast")


class OutboundMessage(LintasModel):
    """One message to one number; its id is the idempotency key at the gateway."""

    to = EncryptedTextField()
    to_key = models.CharField(max_length=64, db_index=True)
    to_masked = models.CharField(max_length=20)
    text = EncryptedTextField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    reference = models.CharField(max_length=80, blank=True)
    encoding = models.CharField(max_length=5)  # gsm7 or ucs2
    parts = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=10, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbound_due_idx"),
            models.Index(fields=["created_at"], name="outbound_created_idx"),
        ]


class ConversationState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Finished")
    TIMED_OUT = "timed_out", _("Timed out")
    ABANDONED = "abandoned", _("Ended without content")


class Conversation(LintasModel):
    """A tip told step by step over SMS; the answers become one tip at the end."""

    sender = EncryptedTextField()
    sender_key = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(max_length=10, default="sms")
    language = models.CharField(max_length=5)
    step = models.CharField(max_length=12)
    answers = EncryptedTextField(default="{}")
    state = models.CharField(
        max_length=10, choices=ConversationState.choices, default=ConversationState.OPEN
    )
    last_message_at = models.DateTimeField()
    tip = models.ForeignKey(
        "cases.Tip", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "last_message_at"], name="conversation_open_idx")]


class OptOut(models.Model):
    """A number that sent STOP: no broadcast or notification goes to it until START."""

    number_key = models.CharField(max_length=64, primary_key=True)
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"opt-out {self.number_key[:8]}"
