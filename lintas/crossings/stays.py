"""A border-pass holder's stay abroad: extended by an officer from 10 to up to 30 days."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.crossings import rules
from lintas.crossings.models import Crossing, Direction, DocumentKind, Outcome
from lintas.journal import record_change


def plb_stay_extend(
    *,
    actor: User,
    crossing_id: uuid.UUID | str,
    reason: str,
    days: int = rules.PLB_STAY_EXTENDED_DAYS,
) -> Crossing:
    """Extend the stay of a border-pass holder who left through the actor's post.

    Only an Indonesian holder's exit with a border pass, not yet back, at the actor's own
    post, to 11 to 30 days in all; the reason (a funeral, an illness, a harvest) is kept with
    the crossing. A stay is extended once.
    """
    if not actor.can(Capability.EXTEND_PLB_STAY) or actor.post_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict[str, Any] = {}
    reason = clean_text(reason, field="reason", max_length=200, required=False)
    if not reason:
        errors["reason"] = _("Give the reason for the longer stay.")
    if not isinstance(days, int) or isinstance(days, bool) or rules.plb_stay_problem(days):
        errors["days"] = rules.PROBLEM_MESSAGES["plb_stay_extension"]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    try:
        crossing_id = uuid.UUID(str(crossing_id))
    except ValueError:
        raise NotFound(_("No such crossing at this post.")) from None
    with transaction.atomic():
        crossing = (
            Crossing.objects.select_for_update()
            .select_related("document", "traveller")
            .filter(pk=crossing_id, post_id=actor.post_id, deleted_at__isnull=True)
            .first()
        )
        if crossing is None:
            raise NotFound(_("No such crossing at this post."))
        if (
            crossing.direction != Direction.OUTBOUND
            or crossing.outcome != Outcome.CROSSED
            or crossing.document.kind != DocumentKind.PLB
            or crossing.traveller.nationality != "IDN"
        ):
            raise ValidationFailed(_("Only a border-pass holder's exit has a stay to extend."))
        if Crossing.objects.filter(
            traveller_id=crossing.traveller_id,
            direction=Direction.INBOUND,
            outcome=Outcome.CROSSED,
            crossed_at__gt=crossing.crossed_at,
            deleted_at__isnull=True,
        ).exists():
            raise ValidationFailed(_("The traveller is back already."))
        if crossing.stay_extended_to is not None:
            raise Conflict(_("This stay was already extended."))
        crossing.stay_extended_to = days
        crossing.stay_extended_by = actor
        crossing.stay_extension_reason = reason
        crossing.updated_at = timezone.now()
        crossing.save(
            update_fields=[
                "stay_extended_to",
                "stay_extended_by",
                "stay_extension_reason",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="crossing.stay_extend",
            instance=crossing,
            changed=["stay_extended_to", "stay_extended_by", "stay_extension_reason"],
        )
    return crossing
