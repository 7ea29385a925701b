"""The outbox: every change, in commit order, waiting to travel to the hub."""

from __future__ import annotations

from django.db import models

from lintas.common.ids import uuid7


class OutboxOp(models.TextChoices):
    UPSERT = "upsert", "upsert"
    TOMBSTONE = "tombstone", "tombstone"


class OutboxEvent(models.Model):
    """One change to one record. ``id`` is this node's sequence number for the push.

    Services append in the same transaction as their write, so an event exists exactly
    when its change was committed.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    node = models.CharField(max_length=40)
    model = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    op = models.CharField(max_length=10, choices=OutboxOp.choices)
    payload = models.JSONField()
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["acked_at", "id"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.node}#{self.pk} {self.op} {self.model}:{self.record_id}"
