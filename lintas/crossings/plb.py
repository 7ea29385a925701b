"""The border-pass rules an administrator keeps: eligible districts and post policies."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.common.errors import NotFound, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.crossings.models import PlbDistrict, PlbDistrictStatus, PostPlbPolicy


def _require(actor: User) -> None:
    if not actor.can(Capability.MANAGE_BORDER_RULES):
        raise PermissionDenied(_("You are not allowed to do this."))


def plb_districts_list(*, user: User) -> QuerySet[PlbDistrict]:
    """Border-pass districts with their status, pending decisions first."""
    _require(user)
    return PlbDistrict.objects.select_related(
        "district", "district__regency", "split_from", "decided_by"
    ).order_by("-status", "district_id")


def post_policies_list(*, user: User) -> QuerySet[PostPlbPolicy]:
    _require(user)
    return PostPlbPolicy.objects.select_related("post").order_by("post__name")


def plb_district_decide(*, actor: User, district_code: str, status: str, note: str) -> PlbDistrict:
    """Record whether residents of a district may hold a border pass, with the reason."""
    _require(actor)
    if status not in PlbDistrictStatus.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"status": _("Unknown status.")})
    note = clean_text(note, field="note", max_length=200)
    with transaction.atomic():
        row = PlbDistrict.objects.select_for_update().filter(district_id=district_code).first()
        if row is None:
            raise NotFound(_("This district is not on the border-pass list."))
        row.status = status
        row.note = note
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "note", "decided_by", "decided_at"])
        audit_append(
            actor=actor,
            action="plb_district.decide",
            obj=row,
            changed={"status": status, "note": note},
        )
    return row


def post_plb_policy_set(
    *, actor: User, post_code: str, accepts_plb: bool, since: date | None, note: str
) -> PostPlbPolicy:
    """Record whether a post accepts border passes at present."""
    _require(actor)
    note = clean_text(note, field="note", max_length=200, required=False)
    with transaction.atomic():
        row = PostPlbPolicy.objects.select_for_update().filter(post_id=post_code).first()
        if row is None:
            raise NotFound(_("No such post."))
        row.accepts_plb, row.since, row.note = accepts_plb, since, note
        row.save(update_fields=["accepts_plb", "since", "note"])
        audit_append(
            actor=actor,
            action="post_plb_policy.set",
            obj=row,
            changed={"accepts_plb": accepts_plb, "since": since, "note": note},
        )
    return row
