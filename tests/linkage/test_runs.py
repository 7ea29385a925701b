"""Linkage runs worked in this process: what they write, what they skip, how they fail."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.common.errors import Conflict, PermissionDenied
from lintas.linkage.models import (
    LinkageModel,
    LinkageRun,
    LinkProposal,
    LinkRecord,
    LinkRefusal,
    PairEvidence,
    ProposalStatus,
    RunStatus,
)
from lintas.linkage.runs import linkage_run_execute, linkage_run_request
from tests.linkage.run_world import woman_at as _at


def _run(kind: str = "full") -> LinkageRun:
    run = linkage_run_request(actor=None, kind=kind, trigger="test", enqueue=False)
    linkage_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _sets() -> list[tuple[str, list[str]]]:
    return sorted(
        (p.status, sorted(r.post_id or "" for r in p.records.all()))
        for p in LinkProposal.objects.all()
    )


@pytest.mark.django_db
def test_a_full_run_trains_a_model_and_proposes_one_cluster(
    user_factory: Callable[..., User],
) -> None:
    for code in ("wini", "motaain"):
        _at(user_factory, code)
    _at(user_factory, "motamasin", given="Yuliana")
    run = _run()
    assert (run.status, run.record_count, run.pair_count, run.proposal_count) == ("done", 3, 1, 1)
    assert run.model == LinkageModel.objects.get(version=1)
    assert _sets() == [("proposed", ["motaain", "wini"])]
    evidence = PairEvidence.objects.get()
    assert evidence.match_probability > 0.99
    assert [c["comparison"] for c in evidence.comparisons] == [
        "name",
        "birth_date",
        "sex",
        "place",
        "phone",
        "document",
    ]
    actions = list(
        AuditEntry.objects.filter(action__startswith="linkage.").values_list("action", flat=True)
    )
    assert actions == [
        "linkage.run_request",
        "linkage.run_start",
        "linkage.model_train",
        "linkage.proposal_create",
        "linkage.run_done",
    ]
    # The same data again: the waiting proposal is found again and kept as it is.
    again = _run()
    assert (again.proposal_count, again.model.version if again.model else 0) == (0, 2)
    assert _sets() == [("proposed", ["motaain", "wini"])]


@pytest.mark.django_db
def test_a_new_record_joins_the_waiting_cluster_and_replaces_its_proposal(
    user_factory: Callable[..., User],
) -> None:
    for code in ("wini", "motaain"):
        _at(user_factory, code)
    _run()
    _at(user_factory, "motamasin")
    run = _run("incremental")
    assert (run.status, run.record_count, run.proposal_count) == ("done", 3, 1)
    assert run.model == LinkageModel.objects.get()  # the latest model, not a new one
    assert run.pair_count == 2  # only pairs with the new record are scored
    assert _sets() == [
        ("proposed", ["motaain", "motamasin", "wini"]),
        ("superseded", ["motaain", "wini"]),
    ]
    # Nothing new: nothing scored, nothing proposed.
    quiet = _run("incremental")
    assert (quiet.pair_count, quiet.proposal_count) == (0, 0)


@pytest.mark.django_db
def test_refused_pairs_and_confirmed_people_are_not_proposed_again(
    user_factory: Callable[..., User],
) -> None:
    for code in ("wini", "motaain"):
        _at(user_factory, code)
    _run()
    left, right = sorted(LinkRecord.objects.all(), key=lambda r: str(r.pk))
    LinkRefusal.objects.create(left=left, right=right, decided_by=user_factory(Role.INVESTIGATOR))
    LinkProposal.objects.update(status=ProposalStatus.DECLINED)
    assert _run().proposal_count == 0
    assert _sets() == [("declined", ["motaain", "wini"])]


@pytest.mark.django_db
def test_a_failed_run_leaves_no_proposal_and_says_why(
    user_factory: Callable[..., User], settings: Any
) -> None:
    for code in ("wini", "motaain"):
        _at(user_factory, code)
    settings.LINTAS_LINKAGE_BACKEND = "nosuch"
    run = _run()
    assert run.status == RunStatus.FAILED
    assert run.error == "BackendError: unknown linkage backend 'nosuch': use 'duckdb' or 'spark'"
    assert (LinkProposal.objects.count(), LinkRecord.objects.count()) == (0, 0)
    assert LinkageModel.objects.count() == 0
    assert AuditEntry.objects.filter(action="linkage.run_failed").count() == 1
    # A failed run does not hold the next one back.
    settings.LINTAS_LINKAGE_BACKEND = "duckdb"
    rerun = _run()
    assert (rerun.status, rerun.error, rerun.pair_count) == ("done", "", 1)
    assert rerun.proposal_count == 1


@pytest.mark.django_db
def test_a_second_full_run_is_refused_and_new_records_requests_coalesce(
    user_factory: Callable[..., User],
) -> None:
    first = linkage_run_request(actor=None, kind="full", trigger="test")
    with pytest.raises(Conflict) as refused:
        linkage_run_request(actor=None, kind="full", trigger="manual")
    assert refused.value.code == "run_already_live"
    assert "sudah" in str(refused.value.message) or "already" in str(refused.value.message)
    # New records are covered by the waiting full run.
    assert linkage_run_request(actor=None, kind="incremental", trigger="sync") == first
    assert LinkageRun.objects.count() == 1
    with pytest.raises(PermissionDenied):
        linkage_run_request(actor=user_factory(Role.INVESTIGATOR), kind="full", trigger="manual")
    assert LinkageRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_run(reference: None) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            barrier.wait()
            run = linkage_run_request(actor=None, kind="full", trigger="manual", enqueue=False)
            outcomes.append(f"run {run.kind}")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "run full"]
    assert LinkageRun.objects.count() == 1


@pytest.mark.django_db
def test_the_command_runs_in_the_foreground_and_reports(
    user_factory: Callable[..., User], capsys: Any, settings: Any
) -> None:
    for code in ("wini", "motaain"):
        _at(user_factory, code)
    call_command("linkage", "run")
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["[0/9] extract", "[1/9] extract"]
    assert out.splitlines()[-1].endswith("records=2 pairs=1 proposals=1 superseded=0")
    call_command("linkage", "status")
    status = capsys.readouterr().out.splitlines()
    assert status[0].startswith("model: v1 (duckdb, 2 records")
    assert " full        done    write    5/5  records=2 proposals=1  command" in status[1]
    settings.LINTAS_LINKAGE_BACKEND = "nosuch"
    with pytest.raises(CommandError, match="failed: BackendError"):
        call_command("linkage", "run")
