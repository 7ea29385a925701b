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
    Outcome,
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
    days_allowed: int = rules.PLB_STAY_DAYS


# The most holders abroad a post's page lists at once (oldest first).
ABROAD_SHOWN = 1000


def plb_abroad(*, user: User, today: date | None = None) -> list[Overstay]:
    """Border-pass holders who left through the reader's post and are not back, oldest first.

    Each with the days abroad, the days allowed (10, or 30 once extended) and the days over.
    """
    post = _post_of(user, Capability.VIEW_POST_CROSSINGS)
    today = today or timezone.localdate()
    came_back = Crossing.objects.filter(
        traveller_id=OuterRef("traveller_id"),
        direction=Direction.INBOUND,
        outcome=Outcome.CROSSED,
        crossed_at__gt=OuterRef("crossed_at"),
    )
    rows = (
        Crossing.objects.filter(
            post_id=post,
            direction=Direction.OUTBOUND,
            outcome=Outcome.CROSSED,
            document__kind=DocumentKind.PLB,
            # A Timor-Leste holder leaving Indonesia is going home, not staying abroad.
            traveller__nationality="IDN",
            crossed_at__lt=_day_bounds(today)[1],
            deleted_at__isnull=True,
        )
        .exclude(Exists(came_back))
        .select_related("traveller", "document", "stay_extended_by")
        .order_by("crossed_at")
    )
    out = []
    for row in rows[:ABROAD_SHOWN]:
        left = timezone.localdate(row.crossed_at)
        allowed = row.stay_extended_to or rules.PLB_STAY_DAYS
        over = rules.plb_overstay_days(left_on=left, today=today, stay_days=allowed)
        out.append(Overstay(row, (today - left).days, over, allowed))
    return out


def plb_overstays(*, user: User, today: date | None = None) -> list[Overstay]:
    """Border-pass holders who left through the reader's post and are past the allowed stay."""
    return [row for row in plb_abroad(user=user, today=today) if row.days_over > 0]


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


HISTORY_SHOWN = 5


@dataclass(frozen=True)
class TravellerHistory:
    """What the desk shows of a traveller found again: recent crossings and the stay so far."""

    crossings: list[Crossing]
    last: Crossing | None  # the last crossing that went through (a refusal leaves no stay)
    days_since: int | None

    @property
    def proposed_direction(self) -> str:
        """The way a returning traveller goes now: back the other way ('' when unknown)."""
        if self.last is None:
            return ""
        if self.last.direction == Direction.OUTBOUND:
            return Direction.INBOUND
        return Direction.OUTBOUND


def traveller_history(
    *, user: User, traveller_id: UUID | str, today: date | None = None
) -> TravellerHistory:
    """The recent crossings of a traveller the desk found known at its post, newest first.

    Call it only for a traveller ``document_lookup`` returned (the look-up decides what the
    desk may know and writes the access log).
    """
    _post_of(user, Capability.REGISTER_CROSSING)
    rows = list(
        Crossing.objects.filter(traveller_id=traveller_id, deleted_at__isnull=True)
        .select_related("post", "document")
        .order_by("-crossed_at")[:HISTORY_SHOWN]
    )
    last = next((c for c in rows if c.outcome == Outcome.CROSSED), None)
    if last is None and len(rows) == HISTORY_SHOWN:
        last = (
            Crossing.objects.filter(
                traveller_id=traveller_id, outcome=Outcome.CROSSED, deleted_at__isnull=True
            )
            .select_related("post", "document")
            .order_by("-crossed_at")
            .first()
        )
    today = today or timezone.localdate()
    days = (today - timezone.localdate(last.crossed_at)).days if last is not None else None
    return TravellerHistory(crossings=rows, last=last, days_since=days)


def last_crossing_of_document(
    *, user: User, kind: str, issuing_state: str, number: str
) -> Crossing | None:
    """The last crossing (not a refusal) of the traveller holding this document, if known here.

    For the warning before a second entry or exit in the same direction; it shows no
    identity, so it writes no access log.
    """
    post = _post_of(user, Capability.REGISTER_CROSSING)
    number = number.strip().upper()[:30]
    if not number:
        return None
    traveller_ids = TravelDocument.objects.filter(
        _known_at(post),
        kind=kind,
        issuing_state=issuing_state.strip().upper()[:3],
        number=number,
        deleted_at__isnull=True,
    ).values("traveller_id")
    return (
        Crossing.objects.filter(
            traveller_id__in=traveller_ids, outcome=Outcome.CROSSED, deleted_at__isnull=True
        )
        .select_related("post")
        .order_by("-crossed_at")
        .first()
    )
