"""Reads of alerts, screening results, watch lists and interviews, by who may see them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability, Role
from lintas.common.errors import PermissionDenied
from lintas.screening.models import (
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


def alerts_queue(*, user: User, status: str = AlertStatus.OPEN) -> QuerySet[Alert]:
    """The alert queue, open ones by default, highest level and oldest first."""
    qs = alerts_visible(user=user).select_related(
        "crossing",
        "crossing__traveller",
        "crossing__document",
        "post",
        "watch_entry",
        "acknowledged_by",
    )
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-level", "created_at")


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
