"""Triage at the hub: verify, merge duplicates, link to a case or open one, close, reply."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.cases.models import Case, Tip, TipChannel, TipMessage, TipStatus
from lintas.cases.selectors import case_for, tip_for_triage
from lintas.cases.services import case_open
from lintas.common.errors import Conflict, ValidationFailed
from lintas.common.nodes import require_hub
from lintas.common.text import clean_text
from lintas.journal import record_change

OPEN = (TipStatus.NEW, TipStatus.VERIFIED)


def _locked(actor: User, tip_id: UUID | str) -> Tip:
    require_hub()  # the one triage queue is at the hub
    tip = tip_for_triage(user=actor, tip_id=tip_id)
    return Tip.objects.select_for_update().get(pk=tip.pk)


def _save(actor: User, tip: Tip, action: str, changed: list[str]) -> Tip:
    tip.version += 1
    tip.updated_at = timezone.now()
    tip.save()
    record_change(actor=actor, action=action, instance=tip, changed=[*changed, "version"])
    return tip


def tip_verify(*, actor: User, tip_id: UUID | str) -> Tip:
    """The triager checked the tip and finds it credible enough to act on."""
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        if tip.status != TipStatus.NEW:
            raise Conflict(_("Only a new tip can be verified."))
        tip.status = TipStatus.VERIFIED
        return _save(actor, tip, "tip.verify", ["status"])


def tip_merge(*, actor: User, tip_id: UUID | str, into_id: UUID | str) -> Tip:
    """A duplicate of another tip: its content stays, it points to the tip it repeats."""
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        into = _locked(actor, into_id)
        if tip.pk == into.pk or into.status == TipStatus.MERGED:
            raise ValidationFailed(_("Choose another tip that is not itself merged."))
        if tip.status not in OPEN:
            raise Conflict(_("This tip is no longer open."))
        tip.status, tip.merged_into = TipStatus.MERGED, into
        return _save(actor, tip, "tip.merge", ["status", "merged_into_id"])


def tip_link_case(*, actor: User, tip_id: UUID | str, case: Case) -> Tip:
    """Attach the tip to a case the actor's agency can see."""
    case_for(user=actor, case_id=case.pk)
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        if tip.status not in OPEN:
            raise Conflict(_("This tip is no longer open."))
        tip.status, tip.case = TipStatus.LINKED, case
        return _save(actor, tip, "tip.link", ["status", "case_id"])


def tip_open_case(*, actor: User, tip_id: UUID | str) -> Case:
    """Open a new case from the tip, owned by the actor's agency."""
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        if tip.status not in OPEN:
            raise Conflict(_("This tip is no longer open."))
        case = case_open(actor=actor, summary=tip.body[:5000], regency=tip.regency)
        tip.status, tip.case = TipStatus.LINKED, case
        _save(actor, tip, "tip.link", ["status", "case_id"])
    return case


def tip_close(*, actor: User, tip_id: UUID | str, reason: str) -> Tip:
    reason = clean_text(reason, field="close_reason", max_length=300)
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        if tip.status not in OPEN:
            raise Conflict(_("This tip is no longer open."))
        tip.status, tip.close_reason = TipStatus.CLOSED, reason
        return _save(actor, tip, "tip.close", ["status", "close_reason"])


def tip_reply(*, actor: User, tip_id: UUID | str, text: str) -> TipMessage:
    """A reply the reporter reads with their receipt code."""
    text = clean_text(text, field="text", max_length=2000)
    with transaction.atomic():
        tip = _locked(actor, tip_id)
        message = TipMessage.objects.create(
            tip=tip, from_reporter=False, body=text, created_by=actor
        )
        record_change(actor=actor, action="tip.reply", instance=message, changed=["tip_id", "body"])
    return message


def tip_from_interview(*, actor: User, interview: Any) -> Tip:
    """A second interview that ended in a referral lands in the triage queue as a desk tip."""
    crossing = interview.crossing
    body = (
        f"Wawancara kedua di {crossing.post.name}: {interview.get_outcome_display()}. "
        f"{interview.note}".strip()
    )
    tip = Tip.objects.create(
        channel=TipChannel.DESK,
        body=body,
        regency_id=crossing.post.regency_id,
        district_id=crossing.post.district_id,
        happened_on=timezone.localdate(),
        crossing=crossing,
        created_by=actor,
    )
    record_change(
        actor=actor,
        action="tip.from_interview",
        instance=tip,
        changed=["channel", "body", "crossing_id"],
    )
    return tip
