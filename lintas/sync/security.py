"""Security events of sync: pushes the hub refused under the node write policy.

A refused push changes nothing (its transaction is rolled back); what the node tried is
then recorded in a transaction of its own: a ``SecurityEvent`` for the hub's sync page, an
entry in the hub's audit trail, a line in the security log, and an e-mail to every active
system administrator. Messages name the node, the rule, the model and the record id,
never a person's identity.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability, Role
from lintas.audit.services import audit_append
from lintas.common.errors import NotFound, PermissionDenied
from lintas.sync.models import SecurityEvent
from lintas.sync.policy import PolicyRefusal

log = logging.getLogger("lintas.security")


def _notify_administrators(event: SecurityEvent) -> None:
    recipients = list(
        User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True, deleted_at__isnull=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    subject = str(_("Lintas: a push from node %(node)s was refused") % {"node": event.node})
    body = str(
        _(
            "The hub refused a push from node %(node)s (%(code)s) over %(model)s %(id)s. "
            "Nothing of it was applied. Review it on the hub's sync page; if the node may "
            "be in the wrong hands, revoke it there."
        )
        % {"node": event.node, "code": event.code, "model": event.model, "id": event.record_id}
    )
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        log.exception("could not e-mail the administrators about security event %s", event.pk)


def security_event_record(*, node: str, refusal: PolicyRefusal) -> SecurityEvent:
    """Record a refused push: the event, the hub's audit entry, the log and the e-mail."""
    with transaction.atomic():
        event = SecurityEvent.objects.create(
            node=node,
            at=timezone.now(),
            code=refusal.code,
            model=refusal.model[:60],
            record_id=refusal.record_id[:64],
            seq=refusal.seq,
            officer_id=refusal.officer[:36],
            message=str(refusal.message)[:500],
        )
        audit_append(
            actor=None,
            action="sync.refused",
            obj=("sync.syncnode", node),
            changed={
                "code": event.code,
                "model": event.model,
                "record_id": event.record_id,
                "seq": event.seq,
            },
        )
        transaction.on_commit(lambda: _notify_administrators(event))
    log.error(
        "refused push from node=%s code=%s model=%s record=%s seq=%s",
        node,
        event.code,
        event.model,
        event.record_id,
        event.seq,
    )
    return event


def security_event_review(*, actor: User, event_id: Any, note: str = "") -> SecurityEvent:
    """A system administrator has looked at a refused push (and acted on the node)."""
    if not actor.can(Capability.VIEW_AUDIT):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        event = SecurityEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.reviewed_at is not None:
            raise NotFound(_("No such open security event."))
        event.reviewed_at = timezone.now()
        event.reviewed_by = actor
        event.review_note = note.strip()[:300]
        event.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        audit_append(
            actor=actor,
            action="sync.security_reviewed",
            obj=event,
            changed={"review_note": event.review_note},
        )
    return event
