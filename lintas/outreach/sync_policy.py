"""Outreach records are made at the hub (pages and the phone app's API), never at a post node.

They are registered as hub-only so that each write still has an outbox event (the journal
asks for one) and a post node refuses to make them. ``to_origin`` sends a record back only
to the node that made it, which is the hub: no outreach record travels to a post.
"""

from __future__ import annotations

from lintas.sync.policy import HUB_ONLY
from lintas.sync.registry import SyncSpec, register, to_origin

OUTREACH_MODELS = (
    "outreach.activity",
    "outreach.supportgroup",
    "outreach.meeting",
    "outreach.communityreport",
    "outreach.indicator",
    "outreach.plan",
    "outreach.plantarget",
)


def register_outreach() -> None:
    for label in OUTREACH_MODELS:
        register(SyncSpec(label, HUB_ONLY, route=to_origin))
