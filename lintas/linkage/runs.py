"""Linkage runs at the hub: asked for, queued, worked in stages with their progress shown.

A full run trains a new model version on every record and scores every candidate pair;
a run over new records uses the latest model and scores only the pairs that involve a
record new (or changed) since the last finished run. Both end the same way: link records,
proposals and their evidence written in one transaction (``run_results``), then the
network alerts. A failed run is marked failed with its error and leaves nothing else.

Requests coalesce: a second request for new records while one waits returns the waiting
run; a full run refuses a second full run waiting or running. The database enforces both
(two requests at the same instant still make one run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append, audited_state
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.nodes import require_hub
from lintas.linkage import engine
from lintas.linkage.extract import Extracted, counts_by_source, records_extract
from lintas.linkage.models import LinkageModel, LinkageRun, LinkRecord, RunKind, RunStatus
from lintas.linkage.run_results import results_write

logger = logging.getLogger(__name__)

#: Pairs at or above this probability are kept as evidence between a cluster's records;
#: clusters themselves form at ``engine.PROPOSE_THRESHOLD``.
EVIDENCE_THRESHOLD: Final = 0.5
TRIGGERS: Final = frozenset({"manual", "command", "sync", "nightly", "demo", "test"})
# Steps of each stage before the engine says how many it takes.
_PLAN: Final = {"extract": 1, "train": 5, "predict": 2, "write": 1}

type Progress = Callable[[LinkageRun], None]


def linkage_backend() -> str:
    """The engine's backend: ``duckdb`` (one machine) or ``spark`` (``LINTAS_LINKAGE_BACKEND``)."""
    return str(getattr(settings, "LINTAS_LINKAGE_BACKEND", "duckdb") or "duckdb")


def _live_full() -> LinkageRun | None:
    return (
        LinkageRun.objects.filter(
            kind=RunKind.FULL, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        )
        .order_by("queued_at")
        .first()
    )


def _queued(kind: str) -> LinkageRun | None:
    return LinkageRun.objects.filter(kind=kind, status=RunStatus.QUEUED).first()


def _full_refused(live: LinkageRun) -> Conflict:
    return Conflict(
        _(
            "A full linkage run is already %(status)s (queued at %(at)s): wait for it to "
            "finish. No run was added."
        )
        % {
            "status": live.get_status_display().lower(),
            "at": timezone.localtime(live.queued_at).strftime("%Y-%m-%d %H:%M"),
        },
        code="run_already_live",
    )


def _existing(kind: str) -> LinkageRun | None:
    """The run a new request of ``kind`` joins instead (raises for a second full run)."""
    if kind == RunKind.FULL:
        live = _live_full()
        if live is not None:
            raise _full_refused(live)
        return None
    # New records are covered by a waiting run of either kind.
    return _queued(RunKind.INCREMENTAL) or _queued(RunKind.FULL)


def linkage_run_request(
    *, actor: User | None, kind: str, trigger: str, enqueue: bool = True
) -> LinkageRun:
    """Queue a linkage run and its task (after commit); the waiting run if one covers it.

    ``actor`` None is the hub itself (after a sync batch, at night). A second full run
    while one waits or runs is refused with ``Conflict``; a run over new records while
    one waits returns that one. ``enqueue=False`` leaves the task out (the command runs
    it in the foreground).
    """
    require_hub()
    if actor is not None and not actor.can(Capability.RUN_LINKAGE):
        raise PermissionDenied(_("You are not allowed to do this."))
    if kind not in RunKind.values:
        raise ValidationFailed(_("Unknown kind of linkage run."), code="run_kind")
    if trigger not in TRIGGERS:
        raise ValidationFailed(_("Unknown reason for a linkage run."), code="run_trigger")
    with transaction.atomic():
        existing = _existing(kind)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                run = LinkageRun.objects.create(kind=kind, trigger=trigger, requested_by=actor)
        except IntegrityError:
            # Another request made the same run a moment ago.
            existing = _existing(kind)
            if existing is None:
                raise
            return existing
        audit_append(
            actor=actor,
            action="linkage.run_request",
            obj=run,
            changed=audited_state(run),
            fields=["kind", "trigger", "status"],
        )
        if enqueue:
            from lintas.common.tasks import enqueue_on_commit
            from lintas.linkage.tasks import linkage_run_task

            enqueue_on_commit(linkage_run_task, str(run.pk))
    return run


class _Stages:
    """The run's progress over its stages, saved as it goes (a row update, no audit)."""

    def __init__(self, run: LinkageRun, plan: dict[str, int], report: Progress | None) -> None:
        self.run = run
        self.plan = dict(plan)
        self.report = report

    def note(self, stage: str, done: int, total: int) -> None:
        if stage in self.plan and total > 0:
            self.plan[stage] = total
        names = list(self.plan)
        before = sum(self.plan[n] for n in names[: names.index(stage)]) if stage in names else 0
        run = self.run
        run.stage = stage
        run.done_steps = before + min(done, self.plan.get(stage, done))
        run.total_steps = sum(self.plan.values())
        LinkageRun.objects.filter(pk=run.pk).update(
            stage=run.stage, done_steps=run.done_steps, total_steps=run.total_steps
        )
        if self.report is not None:
            self.report(run)


def _claim(run_id: UUID | str) -> LinkageRun | None:
    now = timezone.now()
    taken = LinkageRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, stage="extract"
    )
    return LinkageRun.objects.get(pk=run_id) if taken else None


def _last_done_start() -> datetime | None:
    return (
        LinkageRun.objects.filter(status=RunStatus.DONE).aggregate(at=Max("started_at")).get("at")
    )


def _new_ids(records: list[Extracted]) -> list[str]:
    """Engine ids of records never linked before, or changed since the last finished run."""
    known = {
        (source, str(record_id))
        for source, record_id in LinkRecord.objects.values_list("source", "record_id")
    }
    since = _last_done_start()
    return [
        r.link.id
        for r in records
        if (r.source, str(r.record_id)) not in known or (since is not None and r.changed_at > since)
    ]


def _model_store(trained: engine.TrainedModel, run: LinkageRun) -> LinkageModel:
    version = (LinkageModel.objects.aggregate(v=Max("version")).get("v") or 0) + 1
    stored = LinkageModel.objects.create(
        version=version,
        backend=trained.backend,
        record_count=trained.record_count,
        parameters=trained.to_json(),
    )
    audit_append(
        actor=None,
        action="linkage.model_train",
        obj=stored,
        changed={"version": version, "digest": trained.version, "run": str(run.pk)},
        fields=["version", "backend", "record_count", "parameters"],
    )
    return stored


def _work(run: LinkageRun, stages: _Stages) -> dict[str, Any]:
    backend = linkage_backend()
    stages.note("extract", 0, 1)
    records = records_extract()
    inputs = [r.link for r in records]
    incremental = run.kind == RunKind.INCREMENTAL
    latest = LinkageModel.objects.order_by("-version").first() if incremental else None
    new_ids = _new_ids(records) if incremental else None
    LinkageRun.objects.filter(pk=run.pk).update(record_count=len(records))
    stages.note("extract", 1, 1)
    trained: engine.TrainedModel | None = None
    if latest is None:
        trained = engine.train(inputs, backend=backend, seed=1, progress=stages.note)
        model = trained
    else:
        model = engine.TrainedModel.from_json(latest.parameters)
    if new_ids is not None and not new_ids:
        pairs: list[engine.ScoredPair] = []
    else:
        pairs = engine.predict(
            model,
            inputs,
            new_ids=new_ids,
            threshold=EVIDENCE_THRESHOLD,
            backend=backend,
            progress=stages.note,
        )
    stages.note("write", 0, 1)
    with transaction.atomic():
        stored = _model_store(trained, run) if trained is not None else latest
        written = results_write(run=run, records=records, pairs=pairs, incremental=incremental)
        now = timezone.now()
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=now,
            model=stored,
            record_count=len(records),
            pair_count=len(pairs),
            proposal_count=written.proposals,
        )
        run.refresh_from_db()
        audit_append(
            actor=None,
            action="linkage.run_done",
            obj=run,
            changed={
                **audited_state(run),
                "sources": counts_by_source(records),
                "records_added": written.records_added,
                "superseded": written.superseded,
                "kept": written.kept,
                "new_records": len(new_ids) if new_ids is not None else len(records),
            },
            fields=["status", "finished_at", "model_id", "pair_count", "proposal_count"],
        )
    stages.note("write", 1, 1)
    return {
        "status": str(RunStatus.DONE),
        "records": len(records),
        "pairs": len(pairs),
        "proposals": written.proposals,
        "superseded": written.superseded,
    }


def _error_text(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300] if first else type(exc).__name__


def _failed(run: LinkageRun, exc: BaseException) -> None:
    logger.error("linkage run %s failed: %s", run.pk, type(exc).__name__)
    with transaction.atomic():
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=_error_text(exc)
        )
        run.refresh_from_db()
        audit_append(
            actor=None,
            action="linkage.run_failed",
            obj=run,
            changed=audited_state(run),
            fields=["status", "finished_at", "error"],
        )


def _network_alerts(run: LinkageRun) -> None:
    from lintas.linkage.network_alerts import network_alerts_raise

    try:
        network_alerts_raise(run=run)
    except Exception as exc:  # the run's links stay; the alerts come with the next run
        logger.error("network alerts after run %s failed: %s", run.pk, type(exc).__name__)
        LinkageRun.objects.filter(pk=run.pk).update(
            error=f"network alerts: {_error_text(exc)}"[:300]
        )


def linkage_run_execute(*, run_id: UUID | str, progress: Progress | None = None) -> dict[str, Any]:
    """Work one queued run to its end (the task's body); returns what it did.

    A run that is not waiting (taken by another worker, finished, unknown) is left alone.
    Any error marks the run failed with the error, and nothing of its results is kept.
    """
    require_hub()
    if not LinkageRun.objects.filter(pk=run_id).exists():
        raise NotFound(_("No such linkage run."))
    run = _claim(run_id)
    if run is None:
        return {"status": str(LinkageRun.objects.get(pk=run_id).status), "skipped": True}
    audit_entry = {"kind": run.kind, "trigger": run.trigger}
    with transaction.atomic():
        audit_append(actor=None, action="linkage.run_start", obj=run, changed=audit_entry)
    plan = dict(_PLAN)
    if run.kind == RunKind.INCREMENTAL and LinkageModel.objects.exists():
        plan.pop("train")
    stages = _Stages(run, plan, progress)
    try:
        result = _work(run, stages)
    except Exception as exc:
        _failed(run, exc)
        return {"status": str(RunStatus.FAILED), "error": _error_text(exc)}
    _network_alerts(run)
    return result
