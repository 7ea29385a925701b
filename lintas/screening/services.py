"""Screening writes: rule sets, the screening of each crossing, alerts and interviews."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append, audited_state
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.nodes import is_hub
from lintas.common.text import clean_text
from lintas.crossings.models import Crossing
from lintas.journal import record_change
from lintas.linkage.linked import survivors_linked
from lintas.screening import rules
from lintas.screening.facts import crossing_facts
from lintas.screening.licences import licence_findings, placement_licence_check
from lintas.screening.models import (
    LEVEL_ORDER,
    Alert,
    AlertAudience,
    AlertKind,
    AlertOutcome,
    AlertStatus,
    Level,
    RuleSet,
    RuleSetStatus,
    ScreeningResult,
    WatchListKind,
)
from lintas.screening.patterns import escort_pattern, sponsor_pattern
from lintas.screening.watch import watch_hits

SEED_RULESET = Path(__file__).resolve().parent / "data" / "indicators-v1.json"
MAX_RULESET_BYTES = 512 * 1024


def _require(actor: User | None, capability: Capability) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied(_("You are not allowed to do this."))


# --- rule sets --------------------------------------------------------------------------


_ruleset_cache: dict[int, RuleSet] = {}


def ruleset_active() -> RuleSet:
    """The active rule set (one exists once reference data is loaded).

    Only the active version number is read each time; its indicators, which never change
    for a version, are kept per process.
    """
    version = (
        RuleSet.objects.filter(status=RuleSetStatus.ACTIVE)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        raise NotFound(_("No active indicator rule set: run lintas load-reference."))
    if version not in _ruleset_cache:
        _ruleset_cache.clear()
        _ruleset_cache[version] = RuleSet.objects.get(version=version)
    return _ruleset_cache[version]


def ruleset_save(
    *,
    actor: User | None,
    name: str,
    indicators: Any,
    note: str = "",
    activate: bool = True,
    record_id: uuid.UUID | None = None,
) -> RuleSet:
    """Save a new version of the rules; the previous active version is retired.

    A rule set that names a fact that does not exist, or is malformed, is refused whole.
    """
    _require(actor, Capability.MANAGE_RULESETS)
    name = clean_text(name, field="name", max_length=100)
    note = clean_text(note, field="note", max_length=300, required=False)
    try:
        checked = rules.validate_indicators(indicators)
    except rules.RuleError as exc:
        raise ValidationFailed(
            _("The rule set was not saved: %(problem)s") % {"problem": str(exc)},
            field_errors={"indicators": str(exc)},
        ) from exc
    with transaction.atomic():
        latest = RuleSet.objects.select_for_update().order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        if activate:
            for old in RuleSet.objects.filter(status=RuleSetStatus.ACTIVE):
                old.status = RuleSetStatus.RETIRED
                old.updated_at = timezone.now()
                old.save(update_fields=["status", "updated_at"])
                record_change(
                    actor=actor, action="ruleset.retire", instance=old, changed=["status"]
                )
        ruleset = RuleSet.objects.create(
            **({"id": record_id} if record_id is not None else {}),
            version=version,
            name=name,
            note=note,
            indicators=checked,
            created_by=actor,
            status=RuleSetStatus.ACTIVE if activate else RuleSetStatus.DRAFT,
        )
        record_change(
            actor=actor,
            action="ruleset.create",
            instance=ruleset,
            changed=["version", "name", "status", "indicators"],
        )
    return ruleset


def ruleset_import(
    *,
    actor: User | None,
    text: str | bytes,
    activate: bool = True,
    record_id: uuid.UUID | None = None,
) -> RuleSet:
    """Import a rule set exported as JSON ({"name", "note", "indicators"})."""
    if len(text) > MAX_RULESET_BYTES:
        raise ValidationFailed(_("The file is too large for a rule set."))
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(_("The file is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(_("A rule set file holds one object with name and indicators."))
    return ruleset_save(
        actor=actor,
        name=str(data.get("name", "")),
        indicators=data.get("indicators"),
        note=str(data.get("note", "")),
        activate=activate,
        record_id=record_id,
    )


def ruleset_export(ruleset: RuleSet) -> str:
    return json.dumps(
        {
            "name": ruleset.name,
            "version": ruleset.version,
            "note": ruleset.note,
            "indicators": ruleset.indicators,
        },
        ensure_ascii=False,
        indent=2,
    )


# The shipped rule set is the same record everywhere: a node that seeds it before its hub
# has sent one holds the very record the hub will send.
SHIPPED_RULESET_ID = uuid.uuid5(uuid.NAMESPACE_URL, "lintas:ruleset:shipped:v1")


def ruleset_seed() -> RuleSet | None:
    """Load the shipped rule set when no rule set exists yet (part of load-reference).

    At a post node (rule sets are the hub's) it is kept as the hub's record, locally and
    audited here, without an outbox event: the hub sends its own copy of the same record.
    """
    if RuleSet.objects.exists():
        return None
    text = SEED_RULESET.read_text(encoding="utf-8")
    if is_hub():
        return ruleset_import(actor=None, text=text, record_id=SHIPPED_RULESET_ID)
    data = json.loads(text)
    with transaction.atomic():
        ruleset = RuleSet.objects.create(
            id=SHIPPED_RULESET_ID,
            origin="hub",
            version=1,
            name=str(data["name"])[:100],
            note=str(data.get("note", ""))[:300],
            indicators=rules.validate_indicators(data["indicators"]),
            status=RuleSetStatus.ACTIVE,
        )
        audit_append(
            actor=None, action="ruleset.seed_local", obj=ruleset, changed=audited_state(ruleset)
        )
    return ruleset


# --- screening a crossing ---------------------------------------------------------------


def _max_level(*levels: str) -> str:
    return max(levels, key=lambda lv: LEVEL_ORDER[Level(lv)])


def refusal_findings(crossing: Crossing) -> list[dict[str, Any]]:
    """The officer's own reason for a refusal, when it points at trafficking."""
    if crossing.outcome != "refused":
        return []
    if crossing.refusal_reason == "suspected_trafficking":
        return [
            {
                "id": "REFUSED-SUSPECTED-TRAFFICKING",
                "strength": "strong",
                "text_id": "Petugas menolak pelintas karena dugaan perdagangan orang.",
                "text_en": "The officer refused the traveller on suspicion of trafficking.",
                "params": {},
            }
        ]
    if crossing.refusal_reason == "no_placement_papers":
        return [
            {
                "id": "REFUSED-NO-PLACEMENT-PAPERS",
                "strength": "medium",
                "text_id": "Pekerja migran ditolak tanpa dokumen penempatan: mungkin mencoba "
                "jalur lain.",
                "text_en": "A migrant worker refused without placement papers: may try another "
                "way across.",
                "params": {},
            }
        ]
    return []


def crossing_screen(*, crossing: Crossing, actor: User | None) -> ScreeningResult:
    """Screen a crossing as it is saved: indicators, patterns and watch lists.

    Runs right after the registration commits: the reads come first, and only the writes
    take the database's write lock, so a post node's desks do not queue behind screening.
    Screening never refuses a crossing: it gives a level, the reasons and a next step, and
    raises alerts for people to act on. A survivor on the re-trafficking watch is never
    shown at the desk: only their case worker gets a quiet alert. A crossing left without
    a result (a crash between the two commits) is screened by ``screening_backfill``.
    """
    ruleset = ruleset_active()
    members = (
        list(
            Crossing.objects.filter(group_id=crossing.group_id)
            .exclude(pk=crossing.pk)
            .select_related("traveller")
        )
        if crossing.group_id
        else []
    )
    licence = placement_licence_check(
        crossing.placement_agency_licence, today=timezone.localdate(crossing.crossed_at)
    )
    facts = crossing_facts(crossing, group_members=members, licence_status=licence.status)
    findings: list[dict[str, Any]] = [
        f.as_dict() for f in rules.evaluate(ruleset.indicators, facts)
    ]
    findings += licence_findings(licence)
    findings += refusal_findings(crossing)
    findings += [h.as_dict() for h in escort_pattern(crossing, members)]
    findings += [h.as_dict() for h in sponsor_pattern(crossing)]
    traveller = crossing.traveller
    hits = watch_hits(
        full_name=traveller.full_name,
        birth_date=traveller.birth_date,
        sex=traveller.sex,
        nationality=traveller.nationality,
        today=timezone.localdate(crossing.crossed_at),
    )
    desk_hits = [h for h in hits if h.entry.watch_list.kind != WatchListKind.SURVIVOR]
    # At the hub, a survivor confirmed to be this traveller (a linked watch entry or a
    # victim of a case) tells their case worker quietly too, once per case worker.
    told = {
        h.entry.case_worker_id for h in hits if h.entry.watch_list.kind == WatchListKind.SURVIVOR
    }
    linked = []
    for link in survivors_linked(
        traveller_id=traveller.pk, today=timezone.localdate(crossing.crossed_at)
    ):
        if link.recipient.pk not in told:
            told.add(link.recipient.pk)
            linked.append(link)
    for hit in desk_hits:
        findings.append(
            {
                "id": f"WATCH-{hit.entry.watch_list.kind.upper()}",
                "strength": "strong",
                "text_id": f"Cocok dengan daftar pantauan: {hit.entry.watch_list.name} "
                f"({hit.match.score:.2f}).",
                "text_en": f"Matches the watch list {hit.entry.watch_list.name} "
                f"({hit.match.score:.2f}).",
                "params": {
                    "entry_id": str(hit.entry.pk),
                    "score": round(hit.match.score, 3),
                    "reasons": [r.code for r in hit.match.reasons],
                },
            }
        )
    level = rules.level_of([f["strength"] for f in findings])
    with transaction.atomic():
        result = _screening_write(actor, crossing, ruleset, level, findings, hits, desk_hits)
        for link in linked:
            _linked_survivor_alert(actor, crossing, link)
        return result


def _screening_write(
    actor: User | None,
    crossing: Crossing,
    ruleset: RuleSet,
    level: str,
    findings: list[dict[str, Any]],
    hits: list[Any],
    desk_hits: list[Any],
) -> ScreeningResult:
    result = ScreeningResult.objects.create(
        crossing=crossing,
        ruleset_version=ruleset.version,
        level=level,
        reasons=findings,
        next_step=rules.NEXT_STEP[level],
        created_by=actor,
    )
    record_change(
        actor=actor,
        action="screening.result",
        instance=result,
        changed=["crossing_id", "level", "reasons", "next_step"],
    )
    if LEVEL_ORDER[Level(level)] >= LEVEL_ORDER[Level.MEDIUM]:
        kind = (
            AlertKind.WATCH_LIST
            if desk_hits
            else (
                AlertKind.PATTERN
                if any(f["id"].startswith("PATTERN") for f in findings)
                else AlertKind.INDICATORS
            )
        )
        _alert_create(
            actor=actor,
            kind=kind,
            audience=AlertAudience.POST,
            level=level,
            crossing=crossing,
            summary={"reasons": findings, "next_step": rules.NEXT_STEP[level]},
            watch_entry=desk_hits[0].entry if desk_hits else None,
        )
    for hit in hits:
        if hit.entry.watch_list.kind == WatchListKind.SURVIVOR and hit.entry.case_worker_id:
            _alert_create(
                actor=actor,
                kind=AlertKind.WATCH_LIST,
                audience=AlertAudience.CASE_WORKER,
                level=Level.HIGH,
                crossing=crossing,
                watch_entry=hit.entry,
                recipient=hit.entry.case_worker,
                summary={
                    "score": round(hit.match.score, 3),
                    "reasons": [r.code for r in hit.match.reasons],
                },
            )
    return result


def _linked_survivor_alert(actor: User | None, crossing: Crossing, link: Any) -> Alert:
    """The quiet alert for a survivor known through a confirmed link, not a name match."""
    summary: dict[str, Any] = {"linked_person": link.person_id}
    if link.case_person is not None:
        summary["case_reference"] = link.case_person.case.reference
    return _alert_create(
        actor=actor,
        kind=AlertKind.WATCH_LIST,
        audience=AlertAudience.CASE_WORKER,
        level=Level.HIGH,
        crossing=crossing,
        watch_entry=link.watch_entry,
        recipient=link.recipient,
        summary=summary,
    )


def _alert_create(
    *,
    actor: User | None,
    kind: str,
    audience: str,
    level: str,
    crossing: Crossing | None,
    summary: dict[str, Any],
    watch_entry: Any = None,
    recipient: User | None = None,
) -> Alert:
    alert = Alert.objects.create(
        kind=kind,
        audience=audience,
        level=level,
        crossing=crossing,
        post_id=crossing.post_id if crossing else None,
        watch_entry=watch_entry,
        recipient=recipient,
        summary=summary,
        created_by=actor,
    )
    record_change(
        actor=actor,
        action="alert.create",
        instance=alert,
        changed=["kind", "audience", "level", "crossing_id", "recipient_id"],
        urgent=True,
    )
    return alert


# --- alerts -----------------------------------------------------------------------------


def alert_acknowledge(*, actor: User, alert_id: Any) -> Alert:
    """Take an open alert: the acknowledgement says someone is acting on it."""
    from lintas.screening.selectors import alerts_visible

    with transaction.atomic():
        alert = alerts_visible(user=actor).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound(_("No such alert."))
        if alert.status != AlertStatus.OPEN:
            raise Conflict(_("This alert was already acknowledged."))
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
        alert.version += 1
        alert.updated_at = alert.acknowledged_at
        alert.save(
            update_fields=["status", "acknowledged_by", "acknowledged_at", "version", "updated_at"]
        )
        record_change(
            actor=actor,
            action="alert.acknowledge",
            instance=alert,
            changed=["status", "acknowledged_by_id"],
        )
    return alert


def alert_close(*, actor: User, alert_id: Any, outcome: str, note: str) -> Alert:
    """Close an alert with its outcome (a referral, a false match, no concern)."""
    from lintas.screening.selectors import alerts_visible

    with transaction.atomic():
        alert = alerts_visible(user=actor).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound(_("No such alert."))
        return alert_close_locked(actor=actor, alert=alert, outcome=outcome, note=note)


def alert_close_locked(*, actor: User, alert: Alert, outcome: str, note: str) -> Alert:
    """Close ``alert``, already locked and checked by the caller (the interview closes it)."""
    if outcome not in AlertOutcome.values:
        raise ValidationFailed(
            _("Invalid input."), field_errors={"outcome": _("Choose an outcome.")}
        )
    needs_note = outcome in (AlertOutcome.NO_CONCERN, AlertOutcome.FALSE_MATCH)
    note = clean_text(note, field="note", max_length=500, required=needs_note)
    if alert.status == AlertStatus.CLOSED:
        raise Conflict(_("This alert is already closed."))
    now = timezone.now()
    if alert.acknowledged_by_id is None:
        alert.acknowledged_by = actor
        alert.acknowledged_at = now
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.outcome_note = note
    alert.version += 1
    alert.updated_at = now
    alert.save()
    record_change(
        actor=actor,
        action="alert.close",
        instance=alert,
        changed=["status", "outcome", "outcome_note"],
    )
    return alert


def screening_backfill(*, days: int | None = 7, limit: int = 5000) -> int:
    """Screen the crossings that have no result yet (newest first); returns how many.

    Covers a crash between a registration's commit and its screening, and records loaded
    in bulk (the demo's history). ``days`` None screens the whole history.
    """
    from datetime import timedelta

    pending = Crossing.objects.filter(screening__isnull=True, deleted_at__isnull=True)
    if days is not None:
        pending = pending.filter(crossed_at__gte=timezone.now() - timedelta(days=days))
    done = 0
    for crossing in pending.select_related("traveller", "document", "post").order_by("-crossed_at")[
        :limit
    ]:
        crossing_screen(crossing=crossing, actor=None)
        done += 1
    return done
