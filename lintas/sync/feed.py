"""What the hub sends a node on pull: its change feed, urgent items first, and reference data.

The feed is the hub's own outbox read after the node's cursor and filtered by each
model's route. An item carries the record's *current* state, not the event's payload, so
that items may arrive in any order (urgent ones overtake the backlog) and a repeated item
is harmless. The cursor names an outbox id and that event's UUID: when the hub was
restored from a backup, the UUID no longer matches and the node's feed starts over.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from typing import Any

from django.db import models

from lintas.audit.models import AuditHead
from lintas.common.values import jsonable
from lintas.sync.models import OutboxEvent, SyncConflict, SyncNode
from lintas.sync.protocol import MAX_PULL_LIMIT, PULL_LIMIT, now_ms
from lintas.sync.records import record_state
from lintas.sync.registry import DATASETS, Dataset, SyncSpec, model_for, spec_for

# One pull reads at most this many outbox rows, so a node that receives little still
# gets a bounded answer and its cursor moves on.
SCAN_LIMIT = 5000
URGENT_LIMIT = 200
DATASET_CACHE_SECONDS = 60.0

_dataset_cache: dict[str, tuple[tuple[int, str], float, str, dict[str, Any]]] = {}


def _hub_head() -> tuple[int, str]:
    # Every change to reference data goes through a service that appends to the hub's
    # audit chain, so the chain's head tells when a cached dataset may be stale.
    head = AuditHead.objects.filter(node="hub").values_list("seq", "hash").first()
    return (int(head[0]), str(head[1])) if head else (0, "")


def dataset_tables(dataset: Dataset) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for label, exclude in dataset.tables:
        model = model_for(label)
        if model is None:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        rows = model._base_manager.order_by("pk").values_list(*names)
        tables[label] = {"fields": names, "rows": [[jsonable(v) for v in r] for r in rows]}
    return tables


def dataset_snapshot(dataset: Dataset) -> tuple[str, dict[str, Any]]:
    """The dataset's digest and tables, cached while the hub's audit head stays put."""
    head = _hub_head()
    cached = _dataset_cache.get(dataset.name)
    if cached and cached[0] == head and time.monotonic() - cached[1] < DATASET_CACHE_SECONDS:
        return cached[2], cached[3]
    tables = dataset_tables(dataset)
    text = json.dumps(tables, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()
    _dataset_cache[dataset.name] = (head, time.monotonic(), digest, tables)
    return digest, tables


def _cursor(data: dict[str, Any]) -> tuple[int, str, bool]:
    """The node's cursor, or 0 when the event it names is not the one here (a restore)."""
    raw = data.get("cursor")
    cursor_id, event_id = 0, ""
    if isinstance(raw, dict):
        if isinstance(raw.get("id"), int) and raw["id"] > 0:
            cursor_id = raw["id"]
        if isinstance(raw.get("event_id"), str):
            event_id = raw["event_id"]
    if cursor_id == 0:
        return 0, "", False
    here = OutboxEvent.objects.filter(pk=cursor_id).values_list("event_id", flat=True).first()
    if here is None or str(here) != event_id:
        return 0, "", True
    return cursor_id, event_id, False


class _Router:
    def __init__(self, node: SyncNode) -> None:
        self.node = node
        self.specs: dict[str, SyncSpec | None] = {}
        self.withheld = set(
            SyncConflict.objects.filter(node=node.code, resolved_at__isnull=True).values_list(
                "model", "record_id"
            )
        )

    def wants(self, model: str, record_id: str, payload: dict[str, Any]) -> bool:
        if model not in self.specs:
            self.specs[model] = spec_for(model)
        spec = self.specs[model]
        if spec is None or (model, record_id) in self.withheld:
            # A record in conflict with this node's edit stays as the node has it until a
            # person decides; the decision is a new event that travels then.
            return False
        return spec.route(self.node.code, self.node.post_id, payload)


def _states(
    node: SyncNode, picked: dict[tuple[str, str], tuple[bool, int]]
) -> list[dict[str, Any]]:
    by_model: dict[str, list[str]] = defaultdict(list)
    for model, record_id in picked:
        by_model[model].append(record_id)
    items: list[tuple[bool, int, dict[str, Any]]] = []
    for label, ids in by_model.items():
        model_class = model_for(label)
        spec = spec_for(label)
        if model_class is None or spec is None:
            continue
        for row in model_class._base_manager.filter(pk__in=ids):
            urgent, order = picked[(label, str(row.pk))]
            item = {
                "model": label,
                "id": str(row.pk),
                "urgent": urgent,
                "state": record_state(row, with_secrets=_gets_secret(spec, node, row)),
            }
            items.append((not urgent, order, item))
    items.sort(key=lambda t: (t[0], t[1]))
    return [i for _u, _o, i in items]


def _gets_secret(spec: SyncSpec, node: SyncNode, row: models.Model) -> bool:
    # Officers sign in at their own post while it is offline, so that node, and only it,
    # holds their password hash.
    return (
        spec.send_password
        and node.post_id is not None
        and getattr(row, "post_id", None) == node.post_id
    )


def build_page(node: SyncNode, data: dict[str, Any]) -> dict[str, Any]:
    """One page of the node's feed after its cursor, urgent items first."""
    limit = data.get("limit", PULL_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        limit = PULL_LIMIT
    limit = min(limit, MAX_PULL_LIMIT)
    cursor_id, cursor_event, reset = _cursor(data)
    router = _Router(node)
    picked: dict[tuple[str, str], tuple[bool, int]] = {}
    last_id, last_event = cursor_id, cursor_event
    rows = (
        OutboxEvent.objects.filter(id__gt=cursor_id)
        .order_by("id")
        .values_list("id", "event_id", "model", "record_id", "payload", "urgent")[:SCAN_LIMIT]
    )
    for event_pk, event_id, model, record_id, payload, urgent in rows:
        last_id, last_event = event_pk, str(event_id)
        if router.wants(model, record_id, payload):
            key = (model, record_id)
            was_urgent = picked.get(key, (False, 0))[0]
            picked[key] = (bool(urgent) or was_urgent, event_pk)
            if len(picked) >= limit:
                break
    more = OutboxEvent.objects.filter(id__gt=last_id).exists()
    if more:
        # Alerts and watch-list additions further on overtake the backlog; they come
        # again in their turn, which is harmless as items carry the current state.
        urgent_rows = (
            OutboxEvent.objects.filter(id__gt=last_id, urgent=True)
            .order_by("id")
            .values_list("id", "model", "record_id", "payload")[:URGENT_LIMIT]
        )
        for event_pk, model, record_id, payload in urgent_rows:
            if router.wants(model, record_id, payload):
                picked[(model, record_id)] = (True, event_pk)
    known = data.get("datasets")
    known = known if isinstance(known, dict) else {}
    datasets: dict[str, Any] = {}
    for dataset in DATASETS:
        digest, tables = dataset_snapshot(dataset)
        if known.get(dataset.name) != digest:
            datasets[dataset.name] = {"digest": digest, "tables": tables}
    return {
        "items": _states(node, picked),
        "cursor": {"id": last_id, "event_id": last_event},
        "more": more,
        "reset": reset,
        "datasets": datasets,
        "hub_time": now_ms(),
    }
