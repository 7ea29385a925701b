"""The node applies a page of the hub's feed: reference datasets, then records.

One page, one transaction, together with the cursor: a page is applied whole or not at
all, and a killed node asks again for the same page. The node's own unsent edits win
locally (the hub decides between them); a record the node owns is never taken from
the hub unless the model is multi-writer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.services import audit_append
from lintas.common.models import current_node
from lintas.sync.models import HubLink, OutboxEvent
from lintas.sync.protocol import SyncError
from lintas.sync.records import column_values, concrete_fields
from lintas.sync.registry import DATASETS, SyncSpec, model_for, spec_for


@dataclass
class PullReport:
    items: int = 0
    kept_local: int = 0
    datasets: list[str] = field(default_factory=list)
    more: bool = False


def _malformed() -> SyncError:
    return SyncError(_("The hub's reply is malformed."), code="bad_reply", status=502)


def _upsert(model: type[models.Model], objs: list[models.Model], attnames: list[str]) -> None:
    if not objs:
        return
    pk = model._meta.pk
    assert pk is not None
    fields = concrete_fields(model)
    names = [fields[a].name for a in attnames if a in fields and not fields[a].primary_key]
    if not names:
        model._base_manager.bulk_create(objs, ignore_conflicts=True)
        return
    model._base_manager.bulk_create(
        objs, update_conflicts=True, unique_fields=[pk.name], update_fields=names
    )


def _check_unique_keys(model: type[models.Model], objs: list[models.Model]) -> None:
    """Refuse reference rows whose natural key has another id here than at the hub.

    Entry points are keyed by an auto-increment id; a node that loaded the reference
    data itself in another order would otherwise mix up its crossings' entry points.
    """
    for f in model._meta.concrete_fields:
        if not f.unique or f.primary_key:
            continue
        incoming = {getattr(o, f.attname): o.pk for o in objs}
        local = model._base_manager.filter(**{f"{f.attname}__in": list(incoming)})
        for key, pk in local.values_list(f.attname, "pk"):
            if incoming[key] != pk:
                raise SyncError(
                    _("Reference %(model)s %(key)s has id %(here)s here but %(hub)s at the hub.")
                    % {
                        "model": model._meta.label_lower,
                        "key": key,
                        "here": pk,
                        "hub": incoming[key],
                    },
                    code="reference_mismatch",
                    status=409,
                )


def apply_dataset(name: str, data: Any) -> None:
    known = {d.name: d for d in DATASETS}
    if name not in known or not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise _malformed()
    tables = data["tables"]
    for label, _exclude in known[name].tables:
        table = tables.get(label)
        model = model_for(label)
        if table is None or model is None:
            continue
        names, rows = table.get("fields"), table.get("rows")
        if not isinstance(names, list) or not isinstance(rows, list):
            raise _malformed()
        objs = []
        for row in rows:
            if not isinstance(row, list) or len(row) != len(names):
                raise _malformed()
            objs.append(model(**column_values(model, dict(zip(names, row, strict=True)))))
        _check_unique_keys(model, objs)
        _upsert(model, objs, names)


class _ItemBatch:
    def __init__(self, label: str, spec: SyncSpec, model: type[models.Model]) -> None:
        self.label = label
        self.spec = spec
        self.model = model
        self.states: dict[str, dict[str, Any]] = {}
        self.objs: list[models.Model] = []


def _pending_records(label: str, ids: list[str], started_at: datetime) -> set[str]:
    """Records with local edits the hub has not confirmed before this pull began."""
    return set(
        OutboxEvent.objects.filter(model=label, record_id__in=ids)
        .filter(Q(acked_at__isnull=True) | Q(acked_at__gte=started_at))
        .values_list("record_id", flat=True)
    )


def _with_local_fields(
    spec: SyncSpec, values: dict[str, Any], state: dict[str, Any], row: models.Model | None
) -> None:
    if row is not None:
        for name in spec.local_fields - {"password", "password_changed_at"}:
            if hasattr(row, name):
                values[name] = getattr(row, name)
    if not spec.send_password:
        return
    local_pw = getattr(row, "password", None) if row is not None else None
    if not state.get("password"):
        # Not an officer of this post: the account is known here but cannot sign in.
        values["password"] = (
            local_pw if local_pw and not is_password_usable(local_pw) else (make_password(None))
        )
        return
    local_changed = getattr(row, "password_changed_at", None) if row is not None else None
    hub_changed = values.get("password_changed_at")
    if (
        local_pw
        and is_password_usable(local_pw)
        and local_changed is not None
        and (hub_changed is None or local_changed > hub_changed)
    ):
        # The officer changed the password here after the hub's: the newer one stays.
        values["password"] = local_pw
        values["password_changed_at"] = local_changed


def _project_references(batches: dict[str, _ItemBatch]) -> None:
    """Clear nullable references to rows this node does not have; refuse required ones."""
    incoming: dict[type[models.Model], set[str]] = defaultdict(set)
    for b in batches.values():
        incoming[b.model] |= {str(o.pk) for o in b.objs}
    for b in batches.values():
        for f in b.model._meta.concrete_fields:
            target = f.related_model
            if not f.many_to_one and not f.one_to_one:
                continue
            assert isinstance(target, type)
            wanted = {str(getattr(o, f.attname)) for o in b.objs} - {"None"}
            if not wanted:
                continue
            have = {
                str(pk)
                for pk in target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
            }
            missing = wanted - have - incoming.get(target, set())
            if not missing:
                continue
            if not f.null:
                raise SyncError(
                    _("%(model)s refers to a %(target)s this node does not have.")
                    % {"model": b.label, "target": target._meta.label_lower},
                    code="missing_reference",
                    status=409,
                )
            for o in b.objs:
                if str(getattr(o, f.attname)) in missing:
                    setattr(o, f.attname, None)


def apply_items(items: list[Any], *, started_at: datetime) -> tuple[int, int]:
    """Apply records from the hub; returns (applied, kept as they are here)."""
    me = current_node()
    batches: dict[str, _ItemBatch] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("state"), dict):
            raise _malformed()
        label, record_id = str(item.get("model")), str(item.get("id"))
        if label not in batches:
            spec, model = spec_for(label), model_for(label)
            if spec is None or model is None:
                raise SyncError(
                    _("The hub sent %(model)s, unknown to this node: update the program.")
                    % {"model": label},
                    code="unknown_model",
                    status=409,
                )
            batches[label] = _ItemBatch(label, spec, model)
        batches[label].states[record_id] = item["state"]
    applied = kept = 0
    for b in batches.values():
        ids = list(b.states)
        pk = b.model._meta.pk
        assert pk is not None
        existing = {
            str(r.pk): r
            for r in b.model._base_manager.filter(pk__in=[pk.to_python(i) for i in ids])
        }
        pending = _pending_records(b.label, ids, started_at)
        for record_id, state in b.states.items():
            row = existing.get(record_id)
            owned_here = row is not None and getattr(row, "origin", None) == me
            if record_id in pending or (owned_here and not b.spec.multi_writer):
                kept += 1
                continue
            values = column_values(b.model, state)
            _with_local_fields(b.spec, values, state, row)
            b.objs.append(b.model(**values))
            applied += 1
    _project_references(batches)
    for b in batches.values():
        _upsert(b.model, b.objs, list(concrete_fields(b.model)))
    return applied, kept


def apply_page(page: dict[str, Any], *, started_at: datetime) -> PullReport:
    """Apply one page and move the feed cursor, in one transaction."""
    items, cursor = page.get("items"), page.get("cursor")
    datasets = page.get("datasets") or {}
    if (
        not isinstance(items, list)
        or not isinstance(cursor, dict)
        or not isinstance(cursor.get("id"), int)
        or not isinstance(datasets, dict)
    ):
        raise _malformed()
    report = PullReport(more=bool(page.get("more")))
    with transaction.atomic():
        link = HubLink.objects.select_for_update().get(pk=1)
        for name, data in datasets.items():
            apply_dataset(name, data)
            link.datasets = {**link.datasets, name: str(data.get("digest", ""))}
            report.datasets.append(name)
        report.items, report.kept_local = apply_items(items, started_at=started_at)
        link.feed_id = cursor["id"]
        link.feed_event_id = str(cursor.get("event_id") or "")[:36]
        if page.get("reset"):
            link.notice = str(_("The hub's feed started over: the hub was restored from a backup."))
            link.notice_at = timezone.now()
        link.save()
        if report.items or report.datasets:
            audit_append(
                actor=None,
                action="sync.pull",
                obj=("sync.hublink", "1"),
                changed={"items": report.items, "datasets": ",".join(report.datasets)},
            )
    return report
