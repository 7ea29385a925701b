"""What a post node may write of screening, as the screening services would.

A node screens its own post's crossings (results and alerts, made as the registering
officer), acknowledges and closes the alerts of its post, and records second interviews.
Rule sets and watch lists are made at the hub only: a node that could edit them could
hide a wanted recruiter from every desk.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lintas.accounts.roles import Capability
from lintas.crossings.models import Crossing
from lintas.screening.models import Alert, AlertAudience, AlertStatus, WatchListEntry
from lintas.sync.policy import HUB_ONLY, NodeContext, NodePolicy, NodeWrite, refuse
from lintas.sync.registry import SyncSpec, register, to_all, to_origin_or_post

_ALERT_EDITS = frozenset(
    {"status", "acknowledged_by_id", "acknowledged_at", "outcome", "outcome_note"}
)


def _own_crossings(ctx: NodeContext, writes: list[NodeWrite], *, optional: bool = False) -> None:
    """The crossing a record is about was registered at the node's post."""
    crossings = ctx.rows(Crossing, [w.value("crossing_id") for w in writes])
    for w in writes:
        crossing_id = w.value("crossing_id")
        if crossing_id is None and optional:
            continue
        crossing = crossings.get(str(crossing_id))
        if crossing is None or str(getattr(crossing, "post_id", "")) != str(ctx.post_id):
            raise refuse(w, "crossing", _("The crossing was not registered at this post."))


def _result_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    _own_crossings(ctx, writes)


def _alert_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """A new alert is open, of a crossing of the post; a quiet one goes to its case worker."""
    created = [w for w in writes if w.created]
    _own_crossings(ctx, created, optional=True)
    entries = ctx.rows(WatchListEntry, [w.value("watch_entry_id") for w in created])
    for w in created:
        if w.value("status") != AlertStatus.OPEN or w.value("acknowledged_by_id") is not None:
            raise refuse(w, "state", _("A new alert must be open and not yet acknowledged."))
        recipient = w.value("recipient_id")
        if w.value("audience") == AlertAudience.CASE_WORKER:
            entry = entries.get(str(w.value("watch_entry_id")))
            if entry is None or str(getattr(entry, "case_worker_id", "")) != str(recipient):
                raise refuse(
                    w, "recipient", _("A quiet alert goes only to the survivor's case worker.")
                )
        elif recipient is not None:
            raise refuse(w, "recipient", _("A post alert has no single recipient."))
    for w in writes:
        if not w.created and w.was("audience") != AlertAudience.POST:
            raise refuse(w, "audience", _("Only the case worker answers a quiet alert."))
        if not w.created and str(w.was("post_id")) != str(ctx.post_id):
            raise refuse(w, "post", _("The record belongs to another post than this node's."))


def _interview_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    _own_crossings(ctx, writes)
    alerts = ctx.rows(Alert, [w.value("alert_id") for w in writes])
    for w in writes:
        alert_id = w.value("alert_id")
        if alert_id is None:
            continue
        alert = alerts.get(str(alert_id))
        if alert is None or str(getattr(alert, "crossing_id", "")) != str(w.value("crossing_id")):
            raise refuse(w, "alert", _("The alert is not about this crossing."))


def register_policies() -> None:
    for spec in (
        SyncSpec("screening.ruleset", HUB_ONLY, route=to_all),
        SyncSpec("screening.watchlist", HUB_ONLY, route=to_all),
        SyncSpec("screening.watchlistentry", HUB_ONLY, route=to_all),
        SyncSpec(
            "screening.screeningresult",
            NodePolicy(
                create=True, capability=Capability.REGISTER_CROSSING, rules=(_result_rules,)
            ),
        ),
        SyncSpec(
            "screening.alert",
            NodePolicy(
                create=True,
                change=_ALERT_EDITS,
                capability=Capability.REGISTER_CROSSING,
                officers={"acknowledged_by_id": Capability.HOLD_INTERVIEW},
                post="post_id",
                rules=(_alert_rules,),
            ),
            route=to_origin_or_post,
            multi_writer=True,
        ),
        SyncSpec(
            "screening.secondinterview",
            NodePolicy(
                create=True, capability=Capability.HOLD_INTERVIEW, rules=(_interview_rules,)
            ),
        ),
    ):
        register(spec)
