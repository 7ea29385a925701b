"""Where this process runs: the provincial hub or a post node."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lintas.common.errors import PermissionDenied
from lintas.common.models import current_node

HUB = "hub"


def is_hub() -> bool:
    return current_node() == HUB


def require_hub() -> None:
    """Refuse, at a post node, a step that only the hub takes (the hub would refuse it)."""
    if not is_hub():
        raise PermissionDenied(
            _("This is done at the provincial hub, not at a post node."), code="hub_only"
        )
