"""Reads of alerts, screening results, watch lists and interviews, by who may see them."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability, Role
from lintas.common.errors import PermissionDenied
from lintas.places.models import Post
from lintas.screening.models import (
    LEVEL_ORDER,
    Alert,
    AlertAudience,
    AlertStatus,
    RuleSet,
    WatchList,
    WatchListEntry,
    WatchListKind,
)


def alerts_visible(*, user: User) -> QuerySet[Alert]:
    """Alerts the user may see and act on.

    A post supervisor sees the alerts of the post; supervisors and investigators at the
    hub (no post) see every post's alerts. An alert about a survivor on the re-trafficking
    watch goes to the survivor's case worker alone.
    """
    visible = Q(audience=AlertAudience.CASE_WORKER, recipient=user)
    if user.can(Capability.VIEW_ALERTS):
        post_alerts = Q(audience=AlertAudience.POST)
        if user.post_id is not None and user.role == Role.SUPERVISOR:
            post_alerts &= Q(post_id=user.post_id)
        visible |= post_alerts
    return Alert.objects.filter(visible, deleted_at__isnull=True)


LEVEL_RANK = Case(
    *(When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()),
    default=Value(-1),
)


def alerts_queue(
    *,
    user: User,
    status: str = AlertStatus.OPEN,
    level: str = "",
    post: str = "",
    kind: str = "",
) -> QuerySet[Alert]:
    """The alert queue: open ones by default, highest level first, then the longest waiting.

    An empty filter means all; the caller checks the values (``alert_filter_problems``).
    """
    qs = alerts_visible(user=user).select_related(
        "crossing",
        "crossing__traveller",
        "crossing__document",
        "post",
        "watch_entry",
        "acknowledged_by",
    )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if post:
        qs = qs.filter(post_id=post)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(level_rank=LEVEL_RANK).order_by("-level_rank", "created_at", "id")


def alert_filter_posts(*, user: User) -> list[tuple[str, str]]:
    """Posts the user may filter the queue by: a post's supervisor has only their own.

    A single post is no choice, so the page shows none and its name is not read.
    """
    if user.post_id is not None and user.role == Role.SUPERVISOR:
        return [(user.post_id, "")]
    return list(Post.objects.order_by("name").values_list("code", "name"))


def rulesets_list(*, user: User) -> QuerySet[RuleSet]:
    if not user.can(Capability.MANAGE_RULESETS):
        raise PermissionDenied(_("You are not allowed to do this."))
    return RuleSet.objects.order_by("-version")


def watch_lists_visible(*, user: User) -> QuerySet[WatchList]:
    """Lists the user manages: those of their agency; survivor lists for case workers only."""
    if user.can(Capability.MANAGE_WATCH_LISTS):
        return (
            WatchList.objects.live()
            .filter(owner_agency_id=user.agency_id)
            .exclude(kind=WatchListKind.SURVIVOR)
        )
    if user.can(Capability.WATCH_SURVIVORS):
        return WatchList.objects.live().filter(
            owner_agency_id=user.agency_id, kind=WatchListKind.SURVIVOR
        )
    raise PermissionDenied(_("You are not allowed to do this."))


def watch_entries_of(*, user: User, watch_list: WatchList) -> QuerySet[WatchListEntry]:
    """Entries of a list the user may see; a case worker sees only their own survivors."""
    qs = WatchListEntry.objects.live().filter(watch_list=watch_list)
    if watch_list.kind == WatchListKind.SURVIVOR:
        qs = qs.filter(case_worker=user)
    return qs.order_by("full_name")


def alerts_of_traveller(*, user: User, traveller_id: UUID | str, limit: int = 5) -> list[Alert]:
    """Earlier alerts about a traveller's crossings, for a supervisor at the desk.

    Only the alerts the user may see anyway, and never a quiet survivor alert.
    """
    if not user.can(Capability.VIEW_ALERTS):
        return []
    return list(
        alerts_visible(user=user)
        .filter(audience=AlertAudience.POST, crossing__traveller_id=traveller_id)
        .select_related("crossing", "post")
        .order_by("-created_at")[:limit]
    )
