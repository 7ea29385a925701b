"""The linkage's background tasks: a run, the nightly full run, and the run after a sync.

Django's tasks have no clock of their own, so the nightly run is a task that waits
(``run_after``) for the next night: when it runs it asks for a full run and queues the
next night's. ``linkage_nightly_ensure`` puts one in the queue when none waits; it is
called at the end of every run and by ``lintas linkage schedule`` (``make demo`` runs it),
so that once a hub has linked, every night is covered, and calling it twice adds nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any, Final

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lintas.common.errors import Conflict
from lintas.common.nodes import is_hub
from lintas.common.tasks import QUEUE_LINKAGE, enqueue_on_commit, tasks_in_background
from lintas.linkage.models import RunKind

logger = logging.getLogger(__name__)

#: Local time (WITA) of the nightly full run: after the evening's syncs, before the desks open.
NIGHTLY_AT: Final = time(2, 0)


@task(queue_name=QUEUE_LINKAGE)
def linkage_run_task(run_id: str) -> dict[str, Any]:
    """Work one queued linkage run (``runs.linkage_run_execute``)."""
    from lintas.linkage.runs import linkage_run_execute

    try:
        return linkage_run_execute(run_id=run_id)
    finally:
        linkage_nightly_ensure()


def next_night(now: datetime | None = None) -> datetime:
    """The next ``NIGHTLY_AT`` in the hub's time zone after ``now``."""
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=NIGHTLY_AT.hour, minute=NIGHTLY_AT.minute, second=0, microsecond=0)
    return at if at > local else at + timedelta(days=1)


@task(queue_name=QUEUE_LINKAGE)
def linkage_nightly_task() -> str:
    """Ask for the night's full run, then queue the next night's."""
    from lintas.linkage.runs import linkage_run_request

    try:
        run = linkage_run_request(actor=None, kind=RunKind.FULL, trigger="nightly")
        outcome = str(run.pk)
    except Conflict:
        outcome = "already queued"
    linkage_nightly_ensure()
    return outcome


def _nightly_waiting() -> bool:
    """Whether a nightly task waits in the queue (the one running now is not waiting)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=linkage_nightly_task.module_path, status="READY"
    ).exists()


def linkage_nightly_ensure() -> datetime | None:
    """Queue the nightly task for the next night unless one waits; returns when it runs.

    Nothing is queued at a post node, or where tasks run inline (they cannot wait).
    """
    if not is_hub() or not tasks_in_background():
        return None
    if _nightly_waiting():
        return None
    at = next_night()
    with transaction.atomic():
        enqueue_on_commit(linkage_nightly_task, run_after=at)
    return at


def linkage_after_sync() -> None:
    """After a sync batch is applied at the hub: a run over the new records, after commit.

    Coalesced: while a run waits, no other is queued. Where tasks run inline the push
    would do the linkage itself, so none is asked for then (``lintas linkage run`` does it).
    """
    if not is_hub() or not tasks_in_background():
        return

    def _request() -> None:
        from lintas.linkage.runs import linkage_run_request

        try:
            linkage_run_request(actor=None, kind=RunKind.INCREMENTAL, trigger="sync")
        except Exception as exc:  # the batch is applied and acknowledged whatever happens here
            logger.error("linkage run after sync not queued: %s", type(exc).__name__)

    transaction.on_commit(_request)
