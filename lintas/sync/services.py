"""Writes of sync: the outbox, node enrolment and revocation, conflict resolution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append, audited_state
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.models import current_node
from lintas.places.models import Post
from lintas.sync import crypto
from lintas.sync.models import (
    HubIdentity,
    HubLink,
    OutboxEvent,
    Resolution,
    SyncConflict,
    SyncNode,
)
from lintas.sync.outbox import outbox_append
from lintas.sync.records import column_values
from lintas.sync.registry import VERSION_FIELD, model_for, spec_for

ENROLMENT_CODE_HOURS = 48
NODE_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def retention_days() -> int:
    return int(getattr(settings, "LINTAS_SYNC_RETENTION_DAYS", 90))


def outbox_prune(*, now: Any = None) -> int:
    """Delete events the hub acknowledged more than the retention period ago.

    Never an unacknowledged event. Acknowledged ones are kept for a while so that a hub
    restored from an older backup can be refilled from the node.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link = HubLink.objects.select_for_update().filter(pk=1).first()
        if link is None:
            return 0
        cutoff = now - timedelta(days=retention_days())
        old = OutboxEvent.objects.filter(
            acked_at__isnull=False, acked_at__lt=cutoff, id__lte=link.sent_seq
        )
        newest = old.aggregate(m=models.Max("id"))["m"]
        if newest is None:
            return 0
        deleted, _rows = OutboxEvent.objects.filter(acked_at__isnull=False, id__lte=newest).delete()
        link.pruned_through = max(link.pruned_through, newest)
        link.save(update_fields=["pruned_through"])
    return deleted


# --- hub: nodes -------------------------------------------------------------------------


def _require_admin(actor: User | None) -> None:
    # Stand-in until accounts gains a "manage sync nodes" capability: system admins.
    if actor is not None and not actor.can(Capability.VIEW_AUDIT):
        raise PermissionDenied(_("You are not allowed to do this."))


def _require_hub() -> None:
    if current_node() != "hub":
        raise PermissionDenied(_("Only the hub manages nodes."))


def hub_identity() -> HubIdentity:
    """The hub's signing key, made on first use."""
    identity = HubIdentity.objects.filter(pk=1).first()
    if identity is None:
        HubIdentity.objects.bulk_create(
            [HubIdentity(pk=1, private_key=crypto.new_private_key(), created_at=timezone.now())],
            ignore_conflicts=True,
        )
        identity = HubIdentity.objects.get(pk=1)
    return identity


def clean_node_code(code: str) -> str:
    code = (code or "").strip().lower()
    if (
        not 3 <= len(code) <= 40
        or not set(code) <= NODE_CODE_CHARS
        or code == "hub"
        or code.startswith("-")
    ):
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={"code": _("3 to 40 letters, digits and dashes; not 'hub'.")},
        )
    return code


def node_enrolment_issue(
    *, actor: User | None, code: str, name: str = "", post: Post | None = None
) -> tuple[SyncNode, str]:
    """Register a node (or re-issue for one) and return its one-time enrolment code.

    The code is shown once; the hub keeps only a key derived from it. It expires after
    48 hours and works once. Re-issuing for an enrolled node lets it enrol again with a
    new key (a replaced machine); until then its old key stays valid.
    """
    _require_hub()
    _require_admin(actor)
    code = clean_node_code(code)
    secret = crypto.new_enrolment_code()
    now = timezone.now()
    hub_identity()
    with transaction.atomic():
        node = SyncNode.objects.select_for_update().filter(pk=code).first()
        if node is None:
            node = SyncNode(code=code, created_at=now)
        node.name = (name or node.name or code)[:100]
        if post is not None:
            node.post = post
        node.enrol_key = crypto.enrolment_key(secret)
        node.enrol_expires_at = now + timedelta(hours=ENROLMENT_CODE_HOURS)
        node.save()
        audit_append(
            actor=actor,
            action="sync.enrolment_issue",
            obj=("sync.syncnode", code),
            changed={"post": node.post_id, "expires": node.enrol_expires_at},
        )
    return node, secret


def node_enrol(*, node_code: str, public_key: str, proof: str) -> dict[str, Any]:
    """Complete an enrolment: the node proves it holds the code and gives its public key.

    Answers with the hub's public key and a proof of the same code, so that the node
    knows it spoke to the hub that issued it. A used, expired or wrong code is refused
    with the same message, and the node's pending code is not consumed by a wrong proof.
    """
    _require_hub()
    refused = ValidationFailed(_("The enrolment code is wrong, used or expired."))
    if not crypto.is_public_key(public_key):
        raise ValidationFailed(_("The node's public key is malformed."))
    with transaction.atomic():
        node = SyncNode.objects.select_for_update().filter(pk=node_code).first()
        now = timezone.now()
        if (
            node is None
            or not node.enrol_key
            or node.enrol_expires_at is None
            or node.enrol_expires_at < now
        ):
            raise refused
        expected = crypto.proof(node.enrol_key, "enrol", node.code, public_key)
        if not crypto.proofs_equal(expected, proof):
            raise refused
        hub_public = crypto.public_key_of(hub_identity().private_key)
        reply_proof = crypto.proof(node.enrol_key, "enrolled", node.code, public_key, hub_public)
        node.public_key = public_key
        node.enrol_key = ""
        node.enrol_expires_at = None
        node.enrolled_at = now
        node.revoked_at = None
        node.save()
        audit_append(
            actor=None,
            action="sync.enrol",
            obj=("sync.syncnode", node.code),
            changed={"public_key": public_key},
        )
    return {
        "node": node.code,
        "hub_public_key": hub_public,
        "post": node.post_id,
        "proof": reply_proof,
    }


def node_revoke(*, actor: User | None, code: str) -> SyncNode:
    """Revoke a node: from now on every request it signs is refused."""
    _require_hub()
    _require_admin(actor)
    with transaction.atomic():
        node = SyncNode.objects.select_for_update().filter(pk=code).first()
        if node is None:
            raise NotFound(_("No such node."))
        if node.revoked_at is None:
            node.revoked_at = timezone.now()
            node.enrol_key = ""
            node.enrol_expires_at = None
            node.save(update_fields=["revoked_at", "enrol_key", "enrol_expires_at"])
            audit_append(actor=actor, action="sync.revoke", obj=("sync.syncnode", code))
    return node


# --- hub: conflicts ---------------------------------------------------------------------


def _taken_fields(conflict: SyncConflict, model: type[models.Model]) -> list[str]:
    spec = spec_for(conflict.model)
    if spec is None:
        raise ValidationFailed(_("This record no longer syncs."))
    if not spec.multi_writer:
        # Only multi-writer records are edited in two places; a node's state of any other
        # record (an account edit of an older version) is never the hub's to take.
        return []
    fixed = {"id", "origin", "created_at", "created_by_id", VERSION_FIELD}
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in fixed
        and f.attname not in spec.local_fields
        and f.attname in conflict.node_state
    ]


def conflict_resolve(
    *, actor: User | None, conflict_id: Any, resolution: str, note: str = ""
) -> SyncConflict:
    """A person decides a conflict: keep the hub's record, or take the node's edit.

    Either way the decision is a new edit at the hub (audited, in the outbox, with a
    version above both sides), so every node, the one in conflict included, converges on
    it. Nothing of the losing side is lost: the conflict keeps both states.
    """
    _require_hub()
    _require_admin(actor)
    if resolution not in Resolution.values:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={"resolution": _("Choose the hub's or the node's version.")},
        )
    note = (note or "").strip()[:300]
    with transaction.atomic():
        conflict = (
            SyncConflict.objects.select_for_update()
            .filter(pk=conflict_id, resolved_at__isnull=True)
            .first()
        )
        if conflict is None:
            raise NotFound(_("No such open conflict."))
        model = model_for(conflict.model)
        if model is None:
            raise ValidationFailed(_("This record no longer syncs."))
        row = model._base_manager.select_for_update().filter(pk=conflict.record_id).first()
        if row is None:
            raise Conflict(_("The hub no longer has this record."))
        names = _taken_fields(conflict, model)
        if resolution == Resolution.TAKE_NODE:
            values = column_values(model, {n: conflict.node_state[n] for n in names})
            for name, value in values.items():
                setattr(row, name, value)
        spec = spec_for(conflict.model)
        if spec is not None and spec.multi_writer:
            node_version = int(conflict.node_state.get(VERSION_FIELD) or 0)
            setattr(row, VERSION_FIELD, max(int(getattr(row, VERSION_FIELD)), node_version) + 1)
        if hasattr(row, "updated_at"):
            row.updated_at = timezone.now()
        row.save()
        taken = resolution == Resolution.TAKE_NODE
        audit_append(
            actor=actor,
            action="sync.conflict_take_node" if taken else "sync.conflict_keep_hub",
            obj=row,
            changed=audited_state(row),
            fields=names if taken else [],
        )
        outbox_append(instance=row)
        conflict.resolved_at = timezone.now()
        conflict.resolved_by = actor
        conflict.resolution = resolution
        conflict.note = note
        conflict.save(update_fields=["resolved_at", "resolved_by", "resolution", "note"])
    return conflict
