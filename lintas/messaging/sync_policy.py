"""Messages and tip conversations belong to the hub, whose gateway carries them.

They are declared hub-only: a post node may neither make nor change one, and a node's push
that carries one is refused (``policy.hub_only``) and kept as a security event. ``to_origin``
sends a record back only to the node that made it, the hub itself: no message, number or
conversation travels to a post.
"""

from __future__ import annotations

from lintas.sync.policy import HUB_ONLY
from lintas.sync.registry import SyncSpec, register, to_origin

MESSAGING_MODELS = (
    "messaging.inboundmessage",
    "messaging.outboundmessage",
    "messaging.conversation",
)


def register_messaging() -> None:
    for label in MESSAGING_MODELS:
        register(SyncSpec(label, HUB_ONLY, route=to_origin))
