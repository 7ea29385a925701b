"""Runs through the real queue: requested here, worked by a ``lintas db_worker`` process."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from django_tasks_db.models import DBTaskResult

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.linkage.models import LinkageRun, LinkProposal, LinkRecord, PairEvidence, RunStatus
from lintas.linkage.runs import linkage_run_request
from lintas.linkage.tasks import linkage_nightly_ensure, linkage_nightly_task, next_night
from tests.linkage.run_world import woman_at
from tests.linkage.worker import task_worker, wait_until

__all__ = ["task_worker"]  # the fixture, used by name


def _two_marias(user_factory: Callable[..., User]) -> None:
    for code in ("wini", "motaain"):
        woman_at(user_factory, code)
    woman_at(user_factory, "motamasin", given="Yuliana")


@pytest.mark.django_db(transaction=True)
def test_a_full_run_through_the_worker_proposes_the_woman_of_two_posts(
    task_worker: subprocess.Popen[str], user_factory: Callable[..., User]
) -> None:
    _two_marias(user_factory)
    admin = user_factory(Role.SYSTEM_ADMIN)
    run = linkage_run_request(actor=admin, kind="full", trigger="manual")
    assert DBTaskResult.objects.filter(queue_name="linkage", status="READY").count() == 1

    def finished() -> bool:
        run.refresh_from_db()
        return run.status in (RunStatus.DONE, RunStatus.FAILED)

    wait_until(finished, what="the run to finish")
    assert (run.status, run.error) == (RunStatus.DONE, "")
    assert (run.record_count, run.pair_count, run.proposal_count) == (3, 1, 1)
    assert (run.stage, run.done_steps, run.total_steps) == ("write", 5, 5)
    assert LinkRecord.objects.count() == 3
    proposal = LinkProposal.objects.get()
    assert sorted(r.post_id for r in proposal.records.all()) == ["motaain", "wini"]
    assert PairEvidence.objects.get().comparisons[0]["comparison"] == "name"
    # The worker marks its task finished just after the run's own last write.
    task = DBTaskResult.objects.get(task_path="lintas.linkage.tasks.linkage_run_task")
    wait_until(
        lambda: DBTaskResult.objects.get(pk=task.pk).status != "RUNNING",
        what="the task to be marked finished",
    )
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value["proposals"] == 1
    # The run queued the next night's full run, waiting for its time.
    nightly = DBTaskResult.objects.get(task_path=linkage_nightly_task.module_path)
    assert nightly.status == "READY"
    assert abs((nightly.run_after - next_night()).total_seconds()) < 5
    assert linkage_nightly_ensure() is None  # one is waiting: no second
    assert DBTaskResult.objects.filter(task_path=linkage_nightly_task.module_path).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sync_batch_asks_for_one_run_over_new_records_however_many_arrive(
    task_worker: subprocess.Popen[str], user_factory: Callable[..., User]
) -> None:
    from django.db import transaction

    from lintas.linkage.tasks import linkage_after_sync

    task_worker.terminate()  # the runs stay queued: coalescing is what is looked at
    task_worker.wait(timeout=30)
    for _ in range(3):
        with transaction.atomic():
            linkage_after_sync()
    assert list(LinkageRun.objects.values_list("kind", "status", "trigger")) == [
        ("incremental", "queued", "sync")
    ]
    assert (
        DBTaskResult.objects.filter(task_path="lintas.linkage.tasks.linkage_run_task").count() == 1
    )
