"""The hub applies a node's batch: events exactly once, conflicts surfaced, chain extended.

Runs inside the push transaction with the node's row locked: either the whole batch is
applied (records, ``AppliedEvent`` rows, audit entries, cursor) or nothing is.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.chain import GENESIS, entry_hash
from lintas.audit.models import AuditEntry, AuditHead
from lintas.audit.selectors import APPLY_PREFIX
from lintas.audit.services import ENTRY_COLUMNS, Appended, audit_append_many, audited_state
from lintas.common.bulk import insert_rows, insert_values
from lintas.sync.codec import codec_for
from lintas.sync.models import AppliedEvent, ConflictKind, OutboxOp, SyncConflict, SyncNode
from lintas.sync.outbox import outbox_append_many
from lintas.sync.policy import NodeContext, NodeWrite, PolicyRefusal, check_writes, secret_fields
from lintas.sync.protocol import SyncError, event_digest
from lintas.sync.records import concrete_fields, differing_fields, record_state
from lintas.sync.registry import VERSION_FIELD, SyncSpec, model_for, spec_for, to_origin

# Never taken from a node's edit of a record it does not own: who made it, where, when.
FIXED_FIELDS = frozenset({"id", "origin", "created_at", "created_by_id"})
_OPS = frozenset(OutboxOp.values)


@dataclass(frozen=True)
class Event:
    seq: int
    event_id: str
    model: str
    record_id: str
    op: str
    payload: dict[str, Any]
    digest: str


@dataclass
class ApplyReport:
    applied: int = 0
    skipped: int = 0
    conflicts: int = 0


def _bad(message: Any) -> SyncError:
    return SyncError(message, code="malformed", status=400)


def parse_events(raw: list[Any], *, after: int) -> list[Event]:
    """Check the batch's shape: events in strictly increasing order after ``after``."""
    events: list[Event] = []
    previous = after
    for item in raw:
        if not isinstance(item, dict):
            raise _bad(_("An event is not an object."))
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq <= previous:
            raise _bad(_("Events must follow each other in increasing order."))
        previous = seq
        event_id, model, record_id = item.get("event_id"), item.get("model"), item.get("record_id")
        op, payload = item.get("op"), item.get("payload")
        if not (
            isinstance(event_id, str)
            and isinstance(model, str)
            and isinstance(record_id, str)
            and isinstance(payload, dict)
            and op in _OPS
            and 0 < len(record_id) <= 64
            and len(model) <= 60
        ):
            raise _bad(_("Event #%(seq)s is malformed.") % {"seq": seq})
        try:
            event_id = str(uuid.UUID(event_id))
        except ValueError as exc:
            raise _bad(_("Event #%(seq)s is malformed.") % {"seq": seq}) from exc
        if str(payload.get("id")) != record_id:
            raise _bad(_("Event #%(seq)s names another record than its payload.") % {"seq": seq})
        event = {
            "seq": seq,
            "event_id": event_id,
            "model": model,
            "record_id": record_id,
            "op": op,
            "payload": payload,
        }
        events.append(Event(seq, event_id, model, record_id, op, payload, event_digest(event)))
    return events


def check_already_applied(node: SyncNode, events: list[Event]) -> list[Event]:
    """Drop events the hub applied before, after checking they are the same; return the rest.

    An identical re-send (the ack was lost) adds nothing; the same sequence number or
    event id with other content is refused as a conflict.
    """
    old = [e for e in events if e.seq <= node.applied_seq]
    new = [e for e in events if e.seq > node.applied_seq]
    if old:
        known = {
            seq: (str(event_id), digest)
            for seq, event_id, digest in AppliedEvent.objects.filter(
                node=node, seq__in=[e.seq for e in old]
            ).values_list("seq", "event_id", "digest")
        }
        for e in old:
            if e.seq not in known:
                raise SyncError(
                    _("Event #%(seq)s arrived after later events were applied.") % {"seq": e.seq},
                    code="out_of_order",
                    status=409,
                )
            if known[e.seq] != (e.event_id, e.digest):
                raise SyncError(
                    _("Event #%(seq)s differs from the event applied under that number.")
                    % {"seq": e.seq},
                    code="event_conflict",
                    status=409,
                )
    if new:
        reused = (
            AppliedEvent.objects.filter(event_id__in=[e.event_id for e in new])
            .values_list("event_id", flat=True)
            .first()
        )
        if reused is not None:
            raise SyncError(
                _("Event %(id)s was already applied under another number.") % {"id": reused},
                code="event_conflict",
                status=409,
            )
    return new


class _ModelBatch:
    """The events of one model in the batch, reconciled against the hub's rows."""

    def __init__(self, node: SyncNode, label: str, spec: SyncSpec) -> None:
        model = model_for(label)
        assert model is not None
        self.node = node
        self.label = label
        self.spec = spec
        self.model: type[models.Model] = model
        self.codec = codec_for(model)
        self.by_record: dict[str, list[Event]] = defaultdict(list)
        self.to_save: dict[str, models.Model] = {}
        self.republish: list[str] = []
        self.existing: dict[str, models.Model] = {}
        # Node states the hub does not apply now but a person may take later (conflicts):
        # held to the same policy as what is applied.
        self.candidates: dict[str, models.Model] = {}
        self.last_seq: dict[str, int] = {}
        self._writes: list[NodeWrite] | None = None

    def add(self, event: Event) -> None:
        self.by_record[event.record_id].append(event)
        self.last_seq[event.record_id] = event.seq

    def reconcile(self, report: ApplyReport, now: datetime) -> None:
        ids = list(self.by_record)
        pk_field = self.model._meta.pk
        assert pk_field is not None
        keys = [pk_field.to_python(i) for i in ids]
        existing = {str(r.pk): r for r in self.model._base_manager.filter(pk__in=keys)}
        self.existing = existing
        open_conflicts = {
            c.record_id: c
            for c in SyncConflict.objects.select_for_update().filter(
                node=self.node.code,
                model=self.label,
                record_id__in=ids,
                resolved_at__isnull=True,
            )
        }
        for record_id, events in self.by_record.items():
            row = existing.get(record_id)
            conflict = open_conflicts.get(record_id)
            if self.spec.multi_writer:
                self._multi_writer(record_id, events, row, conflict, report, now)
            else:
                self._single_writer(record_id, events, row, conflict, report, now)

    def _single_writer(
        self,
        record_id: str,
        events: list[Event],
        row: models.Model | None,
        conflict: SyncConflict | None,
        report: ApplyReport,
        now: datetime,
    ) -> None:
        if self.spec.policy.hub_only:
            raise PolicyRefusal(
                model=self.label,
                record_id=record_id,
                rule="hub_only",
                message=_("Only the hub makes or changes these records."),
                seq=events[0].seq,
            )
        final = events[-1].payload
        owner = getattr(row, "origin", None) if row is not None else final.get("origin")
        claims = {e.payload.get("origin") for e in events}
        if owner == self.node.code and claims == {self.node.code}:
            self._stage(record_id, final, row=None)
            if self.spec.route is not to_origin:
                # Made at a node but meant for others too: the other nodes receive it
                # through the hub's own feed.
                self.republish.append(record_id)
            report.applied += len(events)
            return
        raise SyncError(
            _("%(model)s %(id)s belongs to node %(owner)s; only that node may change it.")
            % {"model": self.label, "id": record_id, "owner": owner},
            code="foreign_record",
            status=403,
        )

    def _multi_writer(
        self,
        record_id: str,
        events: list[Event],
        row: models.Model | None,
        conflict: SyncConflict | None,
        report: ApplyReport,
        now: datetime,
    ) -> None:
        final = events[-1].payload
        try:
            base = int(events[0].payload[VERSION_FIELD]) - 1
            final_version = int(final[VERSION_FIELD])
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError(
                _("%(model)s %(id)s has no valid version.")
                % {"model": self.label, "id": record_id},
                code="invalid_event",
                status=422,
            ) from exc
        if row is None:
            claims = {e.payload.get("origin") for e in events}
            if claims != {self.node.code}:
                raise SyncError(
                    _("%(model)s %(id)s is new and claims another node (%(owner)s).")
                    % {"model": self.label, "id": record_id, "owner": final.get("origin")},
                    code="foreign_record",
                    status=403,
                )
            self._stage(record_id, final, row=None)
            self.republish.append(record_id)
            report.applied += len(events)
            return
        hub_state = record_state(row)
        compared = tuple(n for n in concrete_fields(self.model) if n not in self.spec.local_fields)
        hub_version = int(getattr(row, VERSION_FIELD))
        if conflict is None and hub_version == base:
            self._stage(record_id, final, row=row)
            self.republish.append(record_id)
            report.applied += len(events)
            return
        diff = differing_fields(self.model, final, hub_state, compared)
        if conflict is None and hub_version == final_version and not diff:
            report.skipped += len(events)  # the hub already has this very version
            return
        self.candidates[record_id] = self._instance(final, row=row)
        self._conflict(record_id, events, hub_state, diff, conflict, ConflictKind.VERSION, now)
        report.conflicts += 1

    def _instance(self, state: dict[str, Any], *, row: models.Model | None) -> models.Model:
        values = self.codec.values(state)
        if row is not None:
            for name in FIXED_FIELDS:
                if hasattr(row, name):
                    values[name] = getattr(row, name)
        return self.codec.instance(values)

    def _stage(self, record_id: str, state: dict[str, Any], *, row: models.Model | None) -> None:
        self.to_save[record_id] = self._instance(state, row=row)

    def writes(self) -> list[NodeWrite]:
        """What the node asks the hub to store (or to hold in conflict), for the policy.

        A record both made and changed in this batch is checked twice: its first state as
        a creation, then its last state as a change of the first.
        """
        if self._writes is not None:
            return self._writes
        states = {**self.candidates, **self.to_save}
        out: list[NodeWrite] = []
        for record_id, instance in states.items():
            old = self.existing.get(record_id)
            events = self.by_record[record_id]
            if old is None and len(events) > 1:
                first = self._instance(events[0].payload, row=None)
                out.append(NodeWrite(self.label, record_id, first, None, events[0].seq))
                old = first
            out.append(NodeWrite(self.label, record_id, instance, old, self.last_seq[record_id]))
        self._writes = out
        return out

    def _conflict(
        self,
        record_id: str,
        events: list[Event],
        hub_state: dict[str, Any],
        diff: list[str],
        conflict: SyncConflict | None,
        kind: str,
        now: datetime,
    ) -> None:
        final = events[-1].payload
        if conflict is None:
            SyncConflict.objects.create(
                model=self.label,
                record_id=record_id,
                node=self.node.code,
                kind=kind,
                fields=",".join(diff)[:500],
                hub_state=hub_state,
                node_state=final,
                node_seq=events[-1].seq,
                events=len(events),
                created_at=now,
                updated_at=now,
            )
            return
        conflict.node_state = final
        conflict.node_seq = events[-1].seq
        conflict.events += len(events)
        conflict.fields = ",".join(sorted(set(conflict.fields.split(",")) - {""} | set(diff)))[:500]
        conflict.updated_at = now
        conflict.save(update_fields=["node_state", "node_seq", "events", "fields", "updated_at"])

    def save(self) -> None:
        if not self.to_save:
            return
        pk = self.model._meta.pk
        assert pk is not None
        names = [f.name for f in self.model._meta.concrete_fields if not f.primary_key]
        if self.spec.multi_writer:
            names = [
                f.name
                for f in self.model._meta.concrete_fields
                if not f.primary_key and f.attname not in FIXED_FIELDS
            ]
        # Records the hub has never seen are plain inserts (PostgreSQL's COPY); the rest
        # replace the hub's row. A record inserted meanwhile by another push fails this
        # push as a whole, and the node sends it again.
        fresh = [obj for rid, obj in self.to_save.items() if rid not in self.existing]
        known = [obj for rid, obj in self.to_save.items() if rid in self.existing]
        insert_rows(self.model, fresh)
        insert_rows(self.model, known, on_conflict_update=names)
        # Other nodes that receive this record (its post, its origin) learn of the edit
        # through the hub's own outbox.
        outbox_append_many(instances=[self.to_save[record_id] for record_id in self.republish])


def _check_references(batches: list[_ModelBatch]) -> None:
    """Refuse a record that points at a row the hub has not got (nor gets in this batch).

    The database would refuse it too, but only at commit (the keys are deferred), and
    without naming the record; this names both.
    """
    staged: dict[type[models.Model], set[str]] = defaultdict(set)
    for b in batches:
        staged[b.model] |= set(b.to_save)
    for b in batches:
        rows = list(b.to_save.values())
        for f in b.model._meta.concrete_fields:
            target = f.related_model
            if not (f.many_to_one or f.one_to_one) or not isinstance(target, type):
                continue
            wanted = {str(v) for o in rows if (v := getattr(o, f.attname)) is not None}
            wanted -= staged.get(target, set())
            if not wanted:
                continue
            have = {
                str(pk)
                for pk in target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
            }
            missing = sorted(wanted - have)
            if missing:
                raise SyncError(
                    _("%(model)s refers to %(target)s %(id)s, which the hub does not have.")
                    % {"model": b.label, "target": target._meta.label_lower, "id": missing[0]},
                    code="missing_reference",
                    status=422,
                )


def _check_secrets(events: list[Event]) -> None:
    for e in events:
        spec = spec_for(e.model)
        if spec is not None and spec.policy.hub_only:
            continue  # refused whole as a hub-only record, secrets or not
        secrets = secret_fields(e.payload)
        if secrets:
            raise PolicyRefusal(
                model=e.model,
                record_id=e.record_id,
                rule="secret",
                message=_("A node never sends %(field)s.") % {"field": secrets[0]},
                seq=e.seq,
            )


def check_policies(node: SyncNode, batches: list[_ModelBatch]) -> None:
    """Hold every record of the push to its model's node policy, batch-wide, before saving."""
    ctx = NodeContext(node=node.code, post_id=node.post_id)
    for b in batches:
        ctx.stage(b.model, b.to_save)
    for b in batches:
        check_writes(ctx, b.spec.policy, b.writes())


def apply_events(node: SyncNode, events: list[Event]) -> ApplyReport:
    """Apply new events (already checked as new); refuse the batch on any bad event."""
    report = ApplyReport()
    if not events:
        return report
    _check_secrets(events)
    now = timezone.now()
    batches: dict[str, _ModelBatch] = {}
    for e in events:
        batch = batches.get(e.model)
        if batch is None:
            spec = spec_for(e.model)
            if spec is None:
                raise SyncError(
                    _("Records of %(model)s do not sync.") % {"model": e.model},
                    code="unknown_model",
                    status=422,
                )
            batch = batches[e.model] = _ModelBatch(node, e.model, spec)
        batch.add(e)
    for batch in batches.values():
        batch.reconcile(report, now)
    _check_references(list(batches.values()))
    check_policies(node, list(batches.values()))
    for batch in batches.values():
        batch.save()
    journal_applied(node, list(batches.values()))
    insert_values(
        AppliedEvent,
        ("node_id", "seq", "event_id", "digest", "applied_at"),
        [(node.code, e.seq, e.event_id, e.digest, now) for e in events],
    )
    return report


def _named_officer(write: NodeWrite, officer_fields: Any) -> Any:
    """The officer a record names for its last change: who acted on it, else its maker."""
    if not write.created:
        changed = write.changed()
        for attname in officer_fields:
            if attname in changed and write.value(attname) is not None:
                return write.value(attname)
    return write.value("created_by_id") if hasattr(write.new, "created_by_id") else None


def journal_applied(node: SyncNode, batches: list[_ModelBatch]) -> int:
    """One hub audit entry per record applied from the node: the hub's chain covers it.

    The entry names the node (in its action), the officer the record names, the record
    and a digest of the state the hub stored, so that ``audit verify`` at the hub finds
    an applied record that has no entry, and the records a node sent can be listed for
    review when it is revoked.
    """
    items: list[Appended] = []
    action = (APPLY_PREFIX + node.code)[:60]
    for b in batches:
        officers = tuple(b.spec.policy.officers)
        for record_id, stored in b.to_save.items():  # conflicts are held, not applied
            write = NodeWrite(
                b.label, record_id, stored, b.existing.get(record_id), b.last_seq[record_id]
            )
            items.append(
                Appended(
                    actor_id=_named_officer(write, officers),
                    action=action,
                    obj=(b.label, record_id),
                    state=audited_state(stored),
                    fields=() if write.created else tuple(sorted(write.changed())),
                )
            )
    return audit_append_many(items)


# --- the node's audit chain -------------------------------------------------------------

_TEXT_LIMITS = {
    "kind": 8,
    "action": 60,
    "object_type": 60,
    "object_id": 64,
    "fields": 1000,
    "digest": 64,
    "prev_hash": 64,
    "hash": 64,
}


def audit_head(node: str) -> tuple[int, str]:
    head = AuditHead.objects.select_for_update().filter(node=node).first()
    return (head.seq, head.hash) if head is not None else (0, GENESIS)


def _fork(message: Any) -> SyncError:
    return SyncError(message, code="audit_fork", status=409)


# ``format_time``'s form, read by ``fromisoformat``; any other text goes to ``strptime``.
_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")


@dataclass(frozen=True, slots=True)
class NodeEntry:
    """One audit entry of the node's chain as pushed, checked for shape."""

    seq: int
    kind: str
    at: datetime
    actor_id: uuid.UUID | None
    action: str
    object_type: str
    object_id: str
    fields: str
    digest: str
    prev_hash: str
    hash: str
    # ``format_time(at)`` when the pushed text is that already, else None (recomputed).
    at_text: str | None = None

    def row(self, node: str) -> tuple[Any, ...]:
        """The values of ``ENTRY_COLUMNS``."""
        return (
            node,
            self.seq,
            self.kind,
            self.at,
            self.actor_id,
            self.action,
            self.object_type,
            self.object_id,
            self.fields,
            self.digest,
            self.prev_hash,
            self.hash,
        )


def _parse_entry(raw: Any) -> NodeEntry:
    if not isinstance(raw, dict):
        raise _bad(_("An audit entry is not an object."))
    try:
        values = {name: raw[name] for name in _TEXT_LIMITS}
        seq, at_text, actor = raw["seq"], raw["at"], raw.get("actor_id")
        if not isinstance(seq, int) or any(
            not isinstance(v, str) or len(v) > _TEXT_LIMITS[k] for k, v in values.items()
        ):
            raise ValueError("bad entry")
        canonical = None
        if isinstance(at_text, str) and _AT.match(at_text):
            at = datetime.fromisoformat(at_text[:-1]).replace(tzinfo=UTC)
            canonical = at_text if at.year >= 1000 else None  # strftime pads no further
        else:
            at = datetime.strptime(at_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        actor_id = uuid.UUID(actor) if actor else None
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(_("An audit entry is malformed.")) from exc
    return NodeEntry(seq=seq, at=at, actor_id=actor_id, at_text=canonical, **values)


def apply_audit(node: str, raw: list[Any], *, after: int, head: dict[str, Any]) -> int:
    """Store the node's new audit entries on its chain at the hub; return the new head seq.

    The entries must continue, hash for hash, the chain the hub holds for the node;
    entries the hub already holds must be the very same. A chain that forks or goes back
    is refused: the node's trail was rewritten or its database replaced.
    """
    hub_seq, hub_hash = audit_head(node)
    entries = [_parse_entry(r) for r in raw]
    expected = after + 1
    for e in entries:
        if e.seq != expected:
            raise _bad(_("Audit entries must follow each other without gaps."))
        expected += 1
        recomputed = entry_hash(
            node=node,
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            actor_id=e.actor_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            fields=e.fields,
            digest=e.digest,
            prev_hash=e.prev_hash,
            at_text=e.at_text,
        )
        if recomputed != e.hash:
            raise _fork(_("Audit entry #%(seq)s does not match its hash.") % {"seq": e.seq})
    overlap = [e for e in entries if e.seq <= hub_seq]
    if overlap:
        stored = dict(
            AuditEntry.objects.filter(node=node, seq__in=[e.seq for e in overlap]).values_list(
                "seq", "hash"
            )
        )
        for e in overlap:
            if stored.get(e.seq) != e.hash:
                raise _fork(
                    _("Audit entry #%(seq)s differs from the one the hub holds.") % {"seq": e.seq}
                )
    fresh = [e for e in entries if e.seq > hub_seq]
    link = hub_hash
    for e in fresh:
        if e.prev_hash != link:
            raise _fork(
                _("Audit entry #%(seq)s does not extend the chain the hub holds.") % {"seq": e.seq}
            )
        link = e.hash
    new_seq = fresh[-1].seq if fresh else hub_seq
    claimed_seq, claimed_hash = head.get("seq"), head.get("hash")
    if not isinstance(claimed_seq, int) or not isinstance(claimed_hash, str):
        raise _bad(_("The push does not carry the node's audit head."))
    if claimed_seq < new_seq or (claimed_seq == new_seq and claimed_hash != link):
        raise _fork(
            _("The node's audit head #%(seq)s does not extend the chain the hub holds.")
            % {"seq": claimed_seq}
        )
    if fresh:
        insert_values(AuditEntry, ENTRY_COLUMNS, [e.row(node) for e in fresh])
        updated = AuditHead.objects.filter(node=node).update(seq=new_seq, hash=link)
        if not updated:
            AuditHead.objects.create(node=node, seq=new_seq, hash=link)
    return new_seq
