"""Reads of crossings and market visits, limited to the reader's post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import access_log_append
from lintas.common.errors import PermissionDenied
from lintas.crossings import rules
from lintas.crossings.models import (
    Crossing,
    Direction,
    DocumentKind,
    MarketVisit,
    TravelDocument,
)


def _post_of(user: User, capability: Capability) -> str:
    if not user.can(capability) or user.post_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    return str(user.post_id)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def crossings_of_day(
    *,
    user: User,
    day: date | None = None,
    direction: str = "",
    kind: str = "",
    search: str = "",
) -> QuerySet[Crossing]:
    """The crossings at the reader's post on ``day`` (today by default), newest first."""
    post = _post_of(user, Capability.VIEW_POST_CROSSINGS)
    start, end = _day_bounds(day or timezone.localdate())
    qs = Crossing.objects.filter(
        post_id=post, crossed_at__gte=start, crossed_at__lt=end, deleted_at__isnull=True
    ).select_related("traveller", "document", "entry_point")
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    if kind in DocumentKind.values:
        qs = qs.filter(document__kind=kind)
    search = search.strip().upper()[:30]
    if search:
        qs = qs.filter(document__number__startswith=search) | qs.filter(
            traveller__surname__istartswith=search
        )
    return qs.order_by("-crossed_at")


def _known_at(post: str) -> Q:
    """Documents whose traveller is known at ``post`` (see docs/security.md, desk look-up).

    Known means: the traveller crossed at the post, the document was recorded by one of
    the post's officers, or the document or traveller came from the post's own node.
    """
    from lintas.sync.models import SyncNode

    post_nodes = SyncNode.objects.filter(post_id=post).values("code")
    crossed_here = Crossing.objects.filter(
        traveller_id=OuterRef("traveller_id"), post_id=post, deleted_at__isnull=True
    )
    return (
        Q(Exists(crossed_here))
        | Q(created_by__post_id=post)
        | Q(origin__in=post_nodes)
        | Q(traveller__origin__in=post_nodes)
    )


def document_lookup(*, user: User, number: str) -> TravelDocument | None:
    """A document known at the reader's post by its number, for a returning traveller.

    A document not known at the post gets the same answer as an unknown number (``None``):
    the desk learns nothing of a traveller seen only elsewhere. Each identity shown is
    written to the access log.
    """
    post = _post_of(user, Capability.REGISTER_CROSSING)
    number = number.strip().upper()[:30]
    if not number:
        return None
    document = (
        TravelDocument.objects.filter(_known_at(post), number=number, deleted_at__isnull=True)
        .select_related("traveller", "traveller__residence_district")
        .order_by("-updated_at")
        .first()
    )
    if document is not None:
        access_log_append(actor=user, obj=document.traveller, purpose="document_lookup")
    return document


@dataclass(frozen=True)
class Overstay:
    crossing: Crossing
    days_abroad: int
    days_over: int


def plb_overstays(*, user: User, today: date | None = None) -> list[Overstay]:
    """Border-pass holders who left through the reader's post and are past the allowed stay."""
    post = _post_of(user, Capability.VIEW_POST_CROSSINGS)
    today = today or timezone.localdate()
    cutoff, _end = _day_bounds(today - timedelta(days=rules.PLB_STAY_DAYS))
    came_back = Crossing.objects.filter(
        traveller_id=OuterRef("traveller_id"),
        direction=Direction.INBOUND,
        crossed_at__gt=OuterRef("crossed_at"),
    )
    rows = (
        Crossing.objects.filter(
            post_id=post,
            direction=Direction.OUTBOUND,
            document__kind=DocumentKind.PLB,
            # A Timor-Leste holder leaving Indonesia is going home, not staying abroad.
            traveller__nationality="IDN",
            crossed_at__lt=cutoff,
            deleted_at__isnull=True,
        )
        .exclude(Exists(came_back))
        .select_related("traveller", "document")
        .order_by("crossed_at")
    )
    out = []
    for row in rows[:500]:
        left = timezone.localdate(row.crossed_at)
        over = rules.plb_overstay_days(left_on=left, today=today)
        if over > 0:
            out.append(Overstay(row, (today - left).days, over))
    return out


def market_visits_open(*, user: User, day: date | None = None) -> QuerySet[MarketVisit]:
    """Visitors checked in on ``day`` and not checked out (the closing-time list)."""
    if not user.can(Capability.REGISTER_MARKET_VISIT) or user.post_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    start, end = _day_bounds(day or timezone.localdate())
    return MarketVisit.objects.filter(
        post_id=user.post_id,
        checked_in_at__gte=start,
        checked_in_at__lt=end,
        checked_out_at__isnull=True,
    ).order_by("checked_in_at")


def market_visits_recent(*, user: User, limit: int = 20) -> QuerySet[MarketVisit]:
    if not user.can(Capability.REGISTER_MARKET_VISIT) or user.post_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    return MarketVisit.objects.filter(post_id=user.post_id).order_by("-checked_in_at")[:limit]


def market_weekly_counts(*, user: User, weeks: int = 8) -> list[tuple[date, int]]:
    """Visits per week (weeks start on Monday), the most recent ``weeks`` weeks."""
    if not user.can(Capability.REGISTER_MARKET_VISIT) or user.post_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    start, _end = _day_bounds(first)
    per_day = (
        MarketVisit.objects.filter(post_id=user.post_id, checked_in_at__gte=start)
        .annotate(day=TruncDate("checked_in_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    weekly = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for row in per_day:
        day = row["day"]
        week = day - timedelta(days=day.weekday())
        if week in weekly:
            weekly[week] += row["n"]
    return sorted(weekly.items(), reverse=True)


def crossing_for_desk(*, user: User, crossing_id: UUID | str) -> Crossing:
    """One crossing of the reader's post (desk roles) or any post (hub supervisors)."""
    from lintas.common.errors import NotFound

    if not (user.can(Capability.VIEW_POST_CROSSINGS) or user.can(Capability.REGISTER_CROSSING)):
        raise PermissionDenied(_("You are not allowed to do this."))
    qs = Crossing.objects.select_related("traveller", "document", "screening")
    if user.post_id is not None:
        qs = qs.filter(post_id=user.post_id)
    crossing = qs.filter(pk=crossing_id).first()
    if crossing is None:
        raise NotFound(_("No such crossing."))
    return crossing
