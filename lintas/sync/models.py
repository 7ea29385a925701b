"""The outbox, and the state of sync on both sides.

On a post node: ``OutboxEvent`` (every change, in commit order) and ``HubLink`` (the node's
credentials and how far the hub has confirmed). On the hub: ``SyncNode`` (each enrolled
node, its public key and push cursor), ``AppliedEvent`` (exactly-once, keyed by node and
sequence), ``RequestNonce`` (replay guard), ``SyncConflict`` (concurrent edits a person
resolves) and ``HubIdentity`` (the key the hub signs its replies with). Every database
carries every table: the role of a process is ``LINTAS_NODE``, not its schema.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
    # The hub refused the push over this event (a rule of the node write policy): the
    # event is kept, shown on the node's page, and waits for an administrator.
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["acked_at", "id"], name="outbox_pending_idx"),
            models.Index(fields=["model", "record_id"], name="outbox_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.node}#{self.pk} {self.op} {self.model}:{self.record_id}"


# --- node side ------------------------------------------------------------------------


class HubLink(models.Model):
    """The node's enrolment with the hub and how far each stream has been confirmed.

    One row (``id`` 1). ``sent_seq`` is the highest outbox id the hub confirmed as applied;
    it only moves down when the hub says it knows less (a hub restored from a backup).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    hub_url = models.CharField(max_length=200)
    node = models.CharField(max_length=40)
    # Sealed with a secret derived from the data key (``sync.crypto.seal_private_key``):
    # reading the database file does not give the key.
    private_key = models.CharField(max_length=200)
    # During a key rotation: the new key, until the hub has confirmed it.
    next_private_key = models.CharField(max_length=200, blank=True)
    hub_public_key = models.CharField(max_length=64)
    enrolled_at = models.DateTimeField()
    sent_seq = models.BigIntegerField(default=0)
    audit_seq = models.BigIntegerField(default=0)
    feed_id = models.BigIntegerField(default=0)
    feed_event_id = models.CharField(max_length=36, blank=True)
    datasets = models.JSONField(default=dict)
    pruned_through = models.BigIntegerField(default=0)
    clock_offset_ms = models.BigIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    notice = models.CharField(max_length=300, blank=True)
    notice_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.node} -> {self.hub_url}"


# --- hub side -------------------------------------------------------------------------


class HubIdentity(models.Model):
    """The hub's signing key; nodes learn its public half at enrolment. One row."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    private_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return "hub identity"


class SyncNode(models.Model):
    """A post node known to the hub: its key, its cursors and its last contact."""

    code = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(max_length=100, blank=True)
    post = models.ForeignKey(
        "places.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_key = models.CharField(max_length=64, blank=True)
    enrol_key = models.CharField(max_length=64, blank=True)
    enrol_expires_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    applied_seq = models.BigIntegerField(default=0)
    node_head_seq = models.BigIntegerField(default=0)
    node_backlog = models.BigIntegerField(default=0)
    feed_id = models.BigIntegerField(default=0)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    restore_detected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AppliedEvent(models.Model):
    """One node event the hub applied: the proof of exactly once."""

    node = models.ForeignKey(SyncNode, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    event_id = models.UUIDField(unique=True)
    digest = models.CharField(max_length=64)
    applied_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "seq"], name="applied_node_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.node_id}#{self.seq}"


class RequestNonce(models.Model):
    """A signed request already accepted; a second one with the same nonce is a replay."""

    node = models.CharField(max_length=40)
    nonce = models.CharField(max_length=32)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "nonce"], name="nonce_node_unique")]
        indexes = [models.Index(fields=["at"], name="nonce_at_idx")]

    def __str__(self) -> str:
        return f"{self.node} {self.nonce}"


class ConflictKind(models.TextChoices):
    VERSION = "version", "version"
    FOREIGN_EDIT = "foreign_edit", "foreign_edit"


class Resolution(models.TextChoices):
    KEEP_HUB = "hub", "hub"
    TAKE_NODE = "node", "node"


class SyncConflict(models.Model):
    """Two edits of one record that neither side may silently overwrite.

    ``hub_state`` is the hub's record when the node's edit arrived; ``node_state`` the
    node's latest state (later edits from the same node join the open conflict). Until a
    person resolves it the hub keeps its record and does not send it to that node.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    model = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    node = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=ConflictKind.choices)
    fields = models.CharField(max_length=500, blank=True)
    hub_state = models.JSONField()
    node_state = models.JSONField()
    node_seq = models.BigIntegerField()
    events = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=4, choices=Resolution.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["model", "record_id", "node", "resolved_at"], name="conflict_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.record_id} from {self.node}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, hub's value, node's value) for each field in conflict."""
        names = [n for n in self.fields.split(",") if n]
        return [(n, self.hub_state.get(n), self.node_state.get(n)) for n in names]


class SecurityEvent(models.Model):
    """A push the hub refused under the node write policy: a node sent what its officers
    could not have made through the services. Shown to system administrators until one
    of them reviews it."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    node = models.CharField(max_length=40)
    at = models.DateTimeField()
    code = models.CharField(max_length=60)
    model = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    seq = models.BigIntegerField(null=True, blank=True)
    officer_id = models.CharField(max_length=36, blank=True)
    message = models.CharField(max_length=500)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["reviewed_at", "at"], name="security_open_idx")]

    def __str__(self) -> str:
        return f"{self.node} {self.code} {self.model}:{self.record_id}"
