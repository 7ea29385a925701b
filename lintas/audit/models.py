"""The audit trail: one hash chain of entries per node.

Each entry stores the hash of the one before it; ``AuditHead`` holds the newest entry of
each node's chain and is locked by every append, so concurrent writers queue up instead of
forking the chain. Entries hold ids, action names, changed field names and a keyed digest
of the change, never personal data in clear.
"""

from __future__ import annotations

from django.db import models


class EntryKind(models.TextChoices):
    WRITE = "write", "write"
    READ = "read", "read"
    AUTH = "auth", "auth"


class AuditHead(models.Model):
    node = models.CharField(max_length=40, primary_key=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.node}#{self.seq}"


class AuditEntry(models.Model):
    node = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    at = models.DateTimeField()
    actor_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    fields = models.CharField(max_length=1000, blank=True)
    digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["node", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["node", "seq"], name="audit_node_seq_unique")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.node}#{self.seq} {self.action}"
