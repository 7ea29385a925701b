"""Which records travel, in which direction, and how their edits are reconciled.

Every concrete ``LintasModel`` is synced by default as a *single-writer* record: its
``origin`` node is the only place that edits it; nodes push it to the hub, and the hub
sends it back only to its origin (replies about the records a node owns). The table below
names the exceptions: records the hub sends to every node (agencies, accounts, rule sets,
watch lists), and *multi-writer* records edited in several places, which carry a
``version`` and turn concurrent edits into a ``SyncConflict``.

Every synced model declares its ``NodePolicy`` (``lintas.sync.policy``): what a node may
create and change of it, checked at the hub on every event. A model with no spec does not
sync at all: its writes are refused by the outbox, so a new model cannot travel unchecked.
Each app registers its models with ``register(SyncSpec(...))`` from its ``AppConfig.ready``
(``<app>/sync_policy.py``). Reference data keyed by official codes is not in the outbox; it
travels as whole ``DATASETS`` compared by digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from lintas.common.models import LintasModel
from lintas.sync.policy import HUB_ONLY, NodePolicy

# (node code, node's post code or None, record state) -> whether the node receives it
Route = Callable[[str, str | None, dict[str, Any]], bool]


def to_origin(node: str, post: str | None, state: dict[str, Any]) -> bool:
    """Only the node that created the record (replies about what it owns)."""
    return state.get("origin") == node


def to_all(node: str, post: str | None, state: dict[str, Any]) -> bool:
    return True


def to_origin_or_post(node: str, post: str | None, state: dict[str, Any]) -> bool:
    """The node that created it and every node serving the record's post."""
    return state.get("origin") == node or (post is not None and state.get("post_id") == post)


@dataclass(frozen=True)
class SyncSpec:
    """How one model syncs.

    ``multi_writer``: the model has ``version`` (each edit sets it to one more than the
    version it started from); concurrent edits become conflicts. ``local_fields``: kept by
    the receiving node when the hub sends the record.
    ``send_password``: the hub includes the password hash for the accounts of the
    receiving node's post (officers sign in there offline), and for no one else.
    ``policy``: what a node may write of it, checked by the hub (no default: every
    synced model says).
    """

    label: str
    policy: NodePolicy
    route: Route = to_origin
    multi_writer: bool = False
    local_fields: frozenset[str] = field(default_factory=frozenset)
    send_password: bool = False


VERSION_FIELD = "version"

_USER_LOCAL = frozenset(
    {"password", "last_login", "failed_logins", "locked_until", "password_changed_at"}
)

_SPECS: dict[str, SyncSpec] = {}


def register(spec: SyncSpec) -> None:
    """Declare (or replace) how a model syncs."""
    _SPECS[spec.label] = spec


# Accounts and agencies are made at the hub only; officers change passwords at the hub
# too, so that the hub never stores a hash it did not verify (docs/security.md).
for _spec in (
    SyncSpec("accounts.agency", HUB_ONLY, route=to_all),
    SyncSpec(
        "accounts.user",
        HUB_ONLY,
        route=to_all,
        local_fields=_USER_LOCAL,
        send_password=True,
    ),
):
    register(_spec)


def registered() -> dict[str, SyncSpec]:
    """Every declared spec, by label."""
    return dict(_SPECS)


def model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def spec_for(label: str) -> SyncSpec | None:
    """The spec of a synced model, or None for a label that does not sync."""
    model = model_for(label)
    if model is None or not issubclass(model, LintasModel) or model._meta.abstract:
        return None
    spec = _SPECS.get(label)
    if spec is None:
        return None  # a model without a declared policy does not sync
    if spec.multi_writer and VERSION_FIELD not in {f.name for f in model._meta.concrete_fields}:
        return None  # a multi-writer model without its version cannot be reconciled
    return spec


@dataclass(frozen=True)
class Dataset:
    """Reference tables sent whole, in dependency order; ``exclude`` lists hub-only attnames."""

    name: str
    tables: tuple[tuple[str, tuple[str, ...]], ...]


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "places",
        (
            ("places.province", ()),
            ("places.regency", ()),
            ("places.district", ()),
            ("places.village", ()),
            ("places.island", ()),
            ("places.post", ()),
            ("places.entrypoint", ()),
        ),
    ),
    Dataset(
        "plb",
        (
            ("crossings.plbdestination", ()),
            # Who decided is a hub account the node may not have; the decision travels.
            ("crossings.plbdistrict", ("decided_by_id",)),
            ("crossings.postplbpolicy", ()),
        ),
    ),
)
