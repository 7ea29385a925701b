"""The journal of one service write: its audit entry and its outbox event, together.

This module sits above ``audit`` and ``sync`` so that neither knows the other: audit keeps
the hash chain, sync keeps the outbox, and a service that changes a record calls
``record_change`` once, inside its transaction, to append to both.

What the audit digest covers is derived from the model: every concrete column of the
record as it stands after the write (secrets such as a password hash excepted), so that no
field (a recruiter's name, a sponsor's phone) can be left out by a hand-written list. The
entry's ``fields`` still names what the service changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from lintas.audit.services import audit_append, audited_state
from lintas.common.nodes import require_hub
from lintas.sync.models import OutboxOp
from lintas.sync.outbox import outbox_append
from lintas.sync.registry import spec_for


def record_change(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    changed: Iterable[str],
    tombstone: bool = False,
    urgent: bool = False,
) -> None:
    """The two appends every service write makes: the audit entry and the outbox event.

    ``changed`` names the fields the service set (kept in the entry); the digest covers
    the whole record. Must run inside the service's transaction.

    At a post node, a write of a record only the hub makes (an account, an agency, a rule
    set, a watch list) is refused here, inside the service's transaction, so the node
    never holds a change the hub would refuse.
    """
    spec = spec_for(instance._meta.label_lower)
    if spec is not None and spec.policy.hub_only:
        require_hub()
    audit_append(
        actor=actor,
        action=action,
        obj=instance,
        changed=audited_state(instance),
        fields=changed,
    )
    outbox_append(
        instance=instance,
        op=OutboxOp.TOMBSTONE if tombstone else OutboxOp.UPSERT,
        urgent=urgent,
    )
