"""KILB cards: issued by customs to border-pass holders, with a monthly goods allowance."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Capability
from lintas.common.errors import Conflict, PermissionDenied, ValidationFailed
from lintas.crossings.models import Crossing, DocumentKind, KilbCard, TravelDocument
from lintas.journal import record_change

# Customs issues KILB cards; at a post the PLBN authority's desk may do it on its behalf.
KILB_AGENCIES = frozenset({AgencyType.CUSTOMS, AgencyType.BORDER_POST})


def kilb_month_used(*, card: KilbCard, on: date) -> int:
    """Goods value (IDR) declared on ``card`` in the calendar month of ``on``."""
    start = timezone.make_aware(datetime.combine(on.replace(day=1), time.min))
    total = Crossing.objects.filter(
        kilb=card, crossed_at__gte=start, deleted_at__isnull=True
    ).aggregate(total=Sum("goods_value_idr"))["total"]
    return int(total or 0)


def kilb_allowance_problem(*, card: KilbCard, value: int, on: date) -> str | None:
    """A message when ``value`` would take the card past its monthly allowance."""
    if card.expiry_date < on:
        return str(_("This KILB card has expired."))
    used = kilb_month_used(card=card, on=on)
    if used + value > card.monthly_limit_idr:
        return str(
            _("Over the monthly KILB allowance: %(used)s of %(limit)s rupiah used this month.")
            % {
                "used": f"{used:,}".replace(",", "."),
                "limit": f"{card.monthly_limit_idr:,}".replace(",", "."),
            }
        )
    return None


def kilb_card_issue(
    *, actor: User, number: str, plb_number: str, monthly_limit_idr: int, expiry_date: date
) -> KilbCard:
    """Issue a KILB card to the holder of a border pass already known to Lintas."""
    if not actor.can(Capability.ISSUE_KILB) or actor.agency.type not in KILB_AGENCIES:
        raise PermissionDenied(_("Only customs or the border post authority issue KILB cards."))
    number = number.strip().upper()
    errors = {}
    if not number or len(number) > 30 or not number.replace("-", "").isalnum():
        errors["number"] = _("Invalid code.")
    if not 0 < monthly_limit_idr <= 10**10:
        errors["monthly_limit_idr"] = _("Enter an amount in rupiah.")
    if expiry_date <= timezone.localdate():
        errors["expiry_date"] = _("The card must still be valid.")
    plb = TravelDocument.objects.filter(
        kind=DocumentKind.PLB, number=plb_number.strip().upper()
    ).first()
    if plb is None:
        errors["plb_number"] = _("No border pass with this number.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    assert plb is not None
    with transaction.atomic():
        if KilbCard.objects.filter(number=number).exists():
            raise Conflict(
                _("This KILB number is already issued."),
                field_errors={"number": _("Already in use.")},
            )
        card = KilbCard.objects.create(
            number=number,
            holder_id=plb.traveller_id,
            plb=plb,
            monthly_limit_idr=monthly_limit_idr,
            expiry_date=expiry_date,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="kilb.issue",
            instance=card,
            changed=["number", "holder_id", "plb_id", "monthly_limit_idr", "expiry_date"],
        )
    return card
