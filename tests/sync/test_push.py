"""The hub applies pushed batches exactly once, acknowledges after commit, keeps chains."""

from __future__ import annotations

from datetime import date

import pytest

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry, AuditHead
from lintas.audit.selectors import audit_chain_verify
from lintas.crossings.models import Crossing, TravelDocument, Traveller
from lintas.sync.models import AppliedEvent, SyncNode
from tests.sync.conftest import node_crossing
from tests.sync.helpers import FakeNode

pytestmark = pytest.mark.django_db


def state() -> tuple[int, int, int, int, int]:
    return (
        Traveller.objects.count(),
        TravelDocument.objects.count(),
        Crossing.objects.count(),
        AppliedEvent.objects.count(),
        AuditEntry.objects.filter(node="post-motaain").count(),
    )


def test_batch_is_applied_whole_with_its_audit_chain(node: FakeNode, hub_officer: User) -> None:
    made = node_crossing(hub_officer, notes="first")
    events = [node.event(r) for r in made.records]
    audit = [node.entry(object_id=str(r.pk)) for r in made.records]
    before = state()
    response = node.push(node.batch(events, after=0, audit=audit))
    assert response.status_code == 200, response.content
    assert node.signed(response)
    reply = node.data(response)
    assert (reply["applied_seq"], reply["audit_seq"], reply["applied"]) == (3, 3, 3)
    assert state() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 3, 3)
    crossing = Crossing.objects.get(pk=made.crossing.pk)
    assert (crossing.origin, crossing.notes, crossing.document_id) == (
        "post-motaain",
        "first",
        made.document.pk,
    )
    row = SyncNode.objects.get(pk="post-motaain")
    assert (row.applied_seq, row.node_head_seq, row.node_backlog) == (3, 3, 0)
    assert row.last_push_at is not None
    [report] = audit_chain_verify(node="post-motaain")
    assert (report.intact, report.entries, report.head_hash) == (True, 3, node.audit_hash)
    assert AuditHead.objects.get(node="post-motaain").seq == 3


def test_identical_resend_adds_nothing(node: FakeNode, hub_officer: User) -> None:
    """The ack was lost: the node sends the same batch again (a new request)."""
    made = node_crossing(hub_officer)
    events = [node.event(r) for r in made.records]
    audit = [node.entry() for _ in range(2)]
    payload = node.batch(events, after=0, audit=audit)
    assert node.push(payload).status_code == 200
    after_first = state()
    again = node.push(payload)
    assert again.status_code == 200
    assert node.signed(again)
    reply = node.data(again)
    assert (reply["applied_seq"], reply["audit_seq"], reply["applied"]) == (3, 2, 0)
    assert state() == after_first


def test_later_edit_by_the_owner_updates_the_record(node: FakeNode, hub_officer: User) -> None:
    made = node_crossing(hub_officer)
    assert node.push(node.batch([node.event(r) for r in made.records], after=0)).status_code == 200
    made.document.expiry_date = date(2036, 6, 30)  # a renewed passport, as the desk records it
    response = node.push(node.batch([node.event(made.document)], after=3))
    assert response.status_code == 200
    document = TravelDocument.objects.get(pk=made.document.pk)
    assert document.expiry_date == date(2036, 6, 30)
    assert SyncNode.objects.get(pk="post-motaain").applied_seq == 4


def test_an_edit_the_services_never_make_is_refused(node: FakeNode, hub_officer: User) -> None:
    made = node_crossing(hub_officer, notes="v1")
    assert node.push(node.batch([node.event(r) for r in made.records], after=0)).status_code == 200
    made.crossing.notes = "v2"
    made.crossing.deleted_at = made.crossing.crossed_at
    response = node.push(node.batch([node.event(made.crossing)], after=3))
    assert response.status_code == 403
    assert node.data(response)["code"] == "policy.field"
    crossing = Crossing.objects.get(pk=made.crossing.pk)
    assert (crossing.notes, crossing.deleted_at) == ("v1", None)
    assert SyncNode.objects.get(pk="post-motaain").applied_seq == 3


def test_two_events_of_one_record_in_a_batch_end_in_the_last_state(
    node: FakeNode, hub_officer: User
) -> None:
    made = node_crossing(hub_officer)
    events = [node.event(r) for r in made.records]
    made.document.expiry_date = date(2036, 6, 30)
    events.append(node.event(made.document))
    assert node.push(node.batch(events, after=0)).status_code == 200
    assert TravelDocument.objects.get(pk=made.document.pk).expiry_date == date(2036, 6, 30)
    assert list(
        AppliedEvent.objects.filter(node="post-motaain")
        .order_by("seq")
        .values_list("seq", flat=True)
    ) == [1, 2, 3, 4]


def test_nodes_have_separate_sequences(
    node: FakeNode, hub_officer: User, wini_officer: User
) -> None:
    other = FakeNode(code="post-wini", post="wini")
    mine = node_crossing(hub_officer, number="A1111111")
    theirs = node_crossing(wini_officer, origin="post-wini", number="B2222222")
    assert node.push(node.batch([node.event(r) for r in mine.records], after=0)).status_code == 200
    response = other.push(other.batch([other.event(r) for r in theirs.records], after=0))
    assert response.status_code == 200
    assert dict(SyncNode.objects.values_list("code", "applied_seq")) == {
        "post-motaain": 3,
        "post-wini": 3,
    }
    assert Crossing.objects.get(pk=theirs.crossing.pk).origin == "post-wini"


def test_hub_that_knows_less_asks_to_resend_and_flags_the_restore(
    node: FakeNode, hub_officer: User
) -> None:
    """A hub restored from a backup: the node's ack cursor is ahead of the hub's."""
    made = node_crossing(hub_officer)
    assert node.push(node.batch([node.event(r) for r in made.records], after=0)).status_code == 200
    later = node_crossing(hub_officer, number="D7654321")
    node.seq = 10
    response = node.push(node.batch([node.event(r) for r in later.records], after=10))
    assert response.status_code == 409
    assert node.signed(response)
    assert node.data(response) | {"message": ""} == {
        "code": "resend",
        "message": "",
        "fields": {},
        "applied_seq": 3,
        "audit_seq": 0,
    }
    assert not Crossing.objects.filter(pk=later.crossing.pk).exists()
    row = SyncNode.objects.get(pk="post-motaain")
    assert row.restore_detected_at is not None
    assert row.applied_seq == 3


def test_resend_from_the_hubs_cursor_refills_it(node: FakeNode, hub_officer: User) -> None:
    made = [node_crossing(hub_officer, number=f"E100000{i}") for i in range(3)]
    events = [node.event(r) for m in made for r in m.records]
    assert node.push(node.batch(events[:3], after=0)).status_code == 200
    # The hub was restored to this point, but the node had 4..6 acknowledged before.
    assert node.push(node.batch(events[6:], after=6)).status_code == 409
    response = node.push(node.batch(events[3:], after=3))  # again from the hub's #3
    assert response.status_code == 200
    assert node.data(response)["applied_seq"] == 9
    assert Crossing.objects.filter(pk__in=[m.crossing.pk for m in made]).count() == 3
    assert AppliedEvent.objects.filter(node="post-motaain").count() == 9
