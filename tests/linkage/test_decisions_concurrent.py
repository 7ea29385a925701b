"""Two reviewers deciding at the same moment, each on their own connection and thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.errors import Conflict
from lintas.linkage.decisions import proposal_confirm, proposal_decline
from lintas.linkage.models import LinkRefusal, Person, PersonRecord, ProposalStatus
from tests.linkage.review_world import propose, review_world


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the error it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BaseException as exc:  # the test looks at what each one got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_a_proposal_confirmed_twice_at_once_is_decided_once(
    reference: None, user_factory: Callable[..., User]
) -> None:
    world = review_world(user_factory)
    second = user_factory(Role.INVESTIGATOR, agency=world.investigator.agency)
    p = world.the_proposal
    results = _at_once(
        lambda: proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=1),
        lambda: proposal_confirm(actor=second, proposal_id=p.pk, version=1),
    )
    persons = [r for r in results if isinstance(r, Person)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(persons), len(refused)) == (1, 1), results
    assert refused[0].code in {"already_decided", "concurrent"}
    assert Person.objects.count() == 1
    assert PersonRecord.objects.filter(undone_at__isnull=True).count() == 3
    p.refresh_from_db()
    assert (p.status, p.version) == (ProposalStatus.CONFIRMED, 2)
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db(transaction=True)
def test_confirm_and_decline_at_once_leave_one_decision(
    reference: None, user_factory: Callable[..., User]
) -> None:
    world = review_world(user_factory)
    p = world.the_proposal
    results = _at_once(
        lambda: proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=1),
        lambda: proposal_decline(actor=world.supervisors["wini"], proposal_id=p.pk, version=1),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    p.refresh_from_db()
    if p.status == ProposalStatus.CONFIRMED:
        assert (Person.objects.count(), LinkRefusal.objects.count()) == (1, 0)
    else:
        assert p.status == ProposalStatus.DECLINED
        assert (Person.objects.count(), LinkRefusal.objects.count()) == (0, 3)


@pytest.mark.django_db(transaction=True)
def test_two_proposals_sharing_a_record_confirmed_at_once_make_one_person(
    reference: None, user_factory: Callable[..., User]
) -> None:
    world = review_world(user_factory)
    wini, motaain, motamasin = (world.records[k] for k in ("wini", "motaain", "motamasin"))
    left, right = propose([wini, motaain]), propose([motaain, motamasin])
    second = user_factory(Role.INVESTIGATOR, agency=world.investigator.agency)
    results = _at_once(
        lambda: proposal_confirm(actor=world.investigator, proposal_id=left.pk, version=1),
        lambda: proposal_confirm(actor=second, proposal_id=right.pk, version=1),
    )
    live = PersonRecord.objects.filter(undone_at__isnull=True)
    if all(isinstance(r, Person) for r in results):
        # The second waited for the first and joined its person.
        assert results[0] == results[1]
        assert set(live.values_list("record_id", flat=True)) == {wini.pk, motaain.pk, motamasin.pk}
        assert set(live.values_list("person_id", flat=True)) == {results[0].pk}
    else:
        assert [type(r) for r in results].count(Conflict) == 1, results
        assert live.count() == 2
