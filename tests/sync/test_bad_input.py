"""Bad batches are refused with a clear error, and nothing of them is applied."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pytest

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry, AuditHead
from lintas.crossings.models import Crossing, TravelDocument, Traveller
from lintas.sync import crypto
from lintas.sync.models import AppliedEvent, RequestNonce, SyncNode
from lintas.sync.protocol import H_SIGNATURE, H_TIME, MAX_BODY_BYTES, now_ms, pack
from lintas.sync.services import node_revoke
from tests.sync.conftest import NodeCrossing, node_crossing
from tests.sync.helpers import PUSH, CountingStream, FakeNode, ShortStream, meta, truncated_zlib

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    """Everything a push may write."""
    return (
        Traveller.objects.count(),
        TravelDocument.objects.count(),
        Crossing.objects.count(),
        AppliedEvent.objects.count(),
        AuditEntry.objects.exclude(node="hub").count(),
        AuditHead.objects.exclude(node="hub").count(),
        *SyncNode.objects.order_by("code").values_list("applied_seq", flat=True),
    )


@pytest.fixture
def applied(node: FakeNode, hub_officer: User) -> NodeCrossing:
    """One crossing already applied at the hub (events 1..3, audit 1..3)."""
    made = node_crossing(hub_officer, notes="applied")
    audit = [node.entry() for _ in made.records]
    response = node.push(node.batch([node.event(r) for r in made.records], after=0, audit=audit))
    assert response.status_code == 200
    return made


@pytest.fixture
def refused(node: FakeNode) -> Callable[[Any, int, str], dict[str, Any]]:
    """Check a refusal: its status and code, a message, and that nothing changed."""
    before = snapshot()

    def check(response: Any, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.content[:300]
        data = node.data(response)
        assert data["code"] == code
        assert isinstance(data["message"], str)
        assert len(data["message"]) > 10
        assert snapshot() == before
        return data

    return check


def test_bad_signature_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    made = node_crossing(hub_officer)
    body = pack(node.batch([node.event(r) for r in made.records], after=0))
    headers = node.headers(PUSH, body)
    signature = headers[meta(H_SIGNATURE)]
    headers[meta(H_SIGNATURE)] = ("0" if signature[0] != "0" else "1") + signature[1:]
    refused(node.send(PUSH, body, headers), 401, "bad_signature")


def test_body_changed_after_signing_is_refused(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    made = node_crossing(hub_officer)
    body = pack(node.batch([node.event(r) for r in made.records], after=0))
    headers = node.headers(PUSH, body)
    made.crossing.notes = "tampered"
    tampered = pack(
        node.batch([node.event(r, seq=i + 1) for i, r in enumerate(made.records)], after=0)
    )
    refused(node.send(PUSH, tampered, headers), 401, "bad_signature")


def test_another_nodes_key_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    node.private_key = crypto.new_private_key()  # not the key the hub enrolled
    made = node_crossing(hub_officer)
    refused(
        node.push(node.batch([node.event(r) for r in made.records], after=0)), 401, "bad_signature"
    )


def test_unknown_node_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    node.code = "post-nowhere"
    made = node_crossing(hub_officer, origin="post-nowhere")
    refused(
        node.push(node.batch([node.event(r) for r in made.records], after=0)), 401, "unknown_node"
    )


def test_replayed_batch_is_refused(node: FakeNode, hub_officer: User) -> None:
    made = node_crossing(hub_officer)
    body = pack(node.batch([node.event(r) for r in made.records], after=0))
    headers = node.headers(PUSH, body)
    assert node.send(PUSH, body, headers).status_code == 200
    before = snapshot()
    replay = node.send(PUSH, body, headers)
    assert replay.status_code == 409
    assert node.data(replay)["code"] == "replay"
    assert snapshot() == before
    assert RequestNonce.objects.filter(node="post-motaain").count() == 1


def test_old_batch_outside_the_time_window_is_refused(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    made = node_crossing(hub_officer)
    payload = node.batch([node.event(r) for r in made.records], after=0)
    data = refused(node.post(PUSH, payload, time_ms=now_ms() - 11 * 60 * 1000), 401, "stale")
    assert abs(data["hub_time"] - now_ms()) < 60_000


def test_event_for_a_record_owned_by_another_node_is_refused_whole(
    node: FakeNode, hub_officer: User, refused: Any, wini_officer: User
) -> None:
    mine = node_crossing(hub_officer, number="A1000001")
    theirs = node_crossing(wini_officer, origin="post-wini", number="A1000002")
    events = [node.event(r) for r in [*mine.records, theirs.traveller]]
    data = refused(node.push(node.batch(events, after=0)), 403, "foreign_record")
    assert "post-wini" in data["message"]
    assert not Traveller.objects.filter(pk=mine.traveller.pk).exists()


def test_edit_of_a_record_another_node_owns_is_refused(
    node: FakeNode, hub_officer: User, wini_officer: User
) -> None:
    other = FakeNode(code="post-wini", post="wini")
    theirs = node_crossing(wini_officer, origin="post-wini", number="B1000001")
    assert (
        other.push(other.batch([other.event(r) for r in theirs.records], after=0)).status_code
        == 200
    )
    before = snapshot()
    theirs.crossing.notes = "changed at motaain"
    theirs.crossing.origin = "post-motaain"  # claiming it does not make it theirs
    response = node.push(node.batch([node.event(theirs.crossing)], after=0))
    assert response.status_code == 403
    assert node.data(response)["code"] == "foreign_record"
    assert snapshot() == before
    assert Crossing.objects.get(pk=theirs.crossing.pk).notes == ""


def test_hundred_megabyte_batch_is_refused_before_reading_it(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    body = b"\x78\x9c" + b"\x00" * 1024  # what would be the start of a huge compressed body
    stream = CountingStream(body)
    headers = node.headers(PUSH, body)
    response = node.send(
        PUSH, body, headers, CONTENT_LENGTH=str(100 * 1024 * 1024), **{"wsgi.input": stream}
    )
    data = refused(response, 413, "too_large")
    assert stream.read_bytes == 0
    assert str(MAX_BODY_BYTES) in data["message"]


def test_batch_that_inflates_beyond_the_limit_is_refused(node: FakeNode, refused: Any) -> None:
    bomb = zlib.compress(b'{"events": "' + b"a" * (60 * 1024 * 1024) + b'"}', 9)
    assert len(bomb) < MAX_BODY_BYTES
    refused(node.send(PUSH, bomb, node.headers(PUSH, bomb)), 413, "too_large")


def test_truncated_body_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    """The connection dropped mid-request: fewer bytes than announced arrive."""
    made = node_crossing(hub_officer)
    body = pack(node.batch([node.event(r) for r in made.records], after=0))
    headers = node.headers(PUSH, body)
    response = node.send(
        PUSH,
        body,
        headers,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": ShortStream(body[:-40])},
    )
    data = refused(response, 400, "truncated")
    assert f"{len(body) - 40} " in data["message"]
    assert f" {len(body)} " in data["message"]


def test_truncated_compressed_batch_is_refused(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    """Signed as it is, but the compressed stream stops before its end."""
    made = node_crossing(hub_officer)
    body = truncated_zlib(node.batch([node.event(r) for r in made.records], after=0))
    refused(node.send(PUSH, body, node.headers(PUSH, body)), 400, "truncated")


def test_body_without_a_length_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    made = node_crossing(hub_officer)
    body = pack(node.batch([node.event(r) for r in made.records], after=0))
    response = node.send(PUSH, body, node.headers(PUSH, body), CONTENT_LENGTH="")
    refused(response, 411, "length_required")


def test_malformed_batches_are_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    made = node_crossing(hub_officer)
    good = [node.event(r) for r in made.records]
    for payload in (
        {"after": 0},  # no audit cursor, no head
        node.batch([good[1], good[0]], after=0),  # out of order
        node.batch([{**good[0], "record_id": str(made.crossing.pk)}], after=0),  # wrong record
        node.batch([{**good[0], "op": "drop"}], after=0),
    ):
        refused(node.push(payload), 400, "malformed")
    not_json = zlib.compress(b"{not json")
    refused(node.send(PUSH, not_json, node.headers(PUSH, not_json)), 400, "malformed")


def test_event_for_a_model_that_does_not_sync_is_refused(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    made = node_crossing(hub_officer)
    event = {**node.event(made.traveller), "model": "sync.syncnode"}
    refused(node.push(node.batch([event], after=0)), 422, "unknown_model")


def test_invalid_value_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    made = node_crossing(hub_officer)
    events = [node.event(r) for r in made.records]
    events[2]["payload"]["crossed_at"] = "yesterday"
    data = refused(node.push(node.batch(events, after=0)), 422, "invalid_event")
    assert "crossed_at" in data["message"]


def test_reference_to_a_record_the_hub_lacks_is_refused(
    node: FakeNode, hub_officer: User, refused: Any
) -> None:
    """A crossing whose traveller never arrived."""
    made = node_crossing(hub_officer)
    response = node.push(node.batch([node.event(made.crossing)], after=0))
    data = refused(response, 422, "missing_reference")
    assert str(made.traveller.pk) in data["message"]


def test_record_breaking_a_unique_rule_is_refused(
    node: FakeNode, hub_officer: User, applied: NodeCrossing, refused: Any
) -> None:
    """Another traveller document with the same number (two nodes offline, one person)."""
    twin = node_crossing(hub_officer, number=applied.document.number)
    events = [node.event(r) for r in twin.records]
    data = refused(node.push(node.batch(events, after=3, audit_after=3)), 422, "integrity")
    assert "UNIQUE" in data["message"].upper()


def test_same_number_with_other_content_is_a_conflict(
    node: FakeNode, hub_officer: User, applied: NodeCrossing, refused: Any
) -> None:
    applied.crossing.notes = "rewritten"
    event = node.event(applied.crossing, seq=3)
    data = refused(node.push(node.batch([event], after=2)), 409, "event_conflict")
    assert "#3" in data["message"]
    assert Crossing.objects.get(pk=applied.crossing.pk).notes == "applied"


def test_same_event_id_under_another_number_is_a_conflict(
    node: FakeNode, hub_officer: User, applied: NodeCrossing, refused: Any
) -> None:
    first = AppliedEvent.objects.get(node="post-motaain", seq=1)
    event = {**node.event(applied.traveller), "event_id": str(first.event_id)}
    refused(node.push(node.batch([event], after=3, audit_after=3)), 409, "event_conflict")


def test_audit_chain_that_does_not_extend_the_hubs_is_refused(
    node: FakeNode, hub_officer: User, applied: NodeCrossing, refused: Any
) -> None:
    fresh = node_crossing(hub_officer, number="F1000001")
    events = [node.event(r) for r in fresh.records]
    node.audit_hash = "f" * 64  # the node's trail was rewritten since the last push
    audit = [node.entry()]
    data = refused(
        node.push(node.batch(events, after=3, audit=audit, audit_after=3)), 409, "audit_fork"
    )
    assert "#4" in data["message"]
    assert not Crossing.objects.filter(pk=fresh.crossing.pk).exists()


def test_audit_entry_that_differs_from_the_one_held_is_refused(
    node: FakeNode, hub_officer: User, applied: NodeCrossing, refused: Any
) -> None:
    held = AuditEntry.objects.get(node="post-motaain", seq=2)
    node.audit_seq, node.audit_hash = 1, AuditEntry.objects.get(node="post-motaain", seq=1).hash
    other = node.entry(action="crossing.other")
    assert other["hash"] != held.hash
    payload = node.batch([], after=3, audit=[other], audit_after=1)
    refused(node.push(payload), 409, "audit_fork")


def test_audit_head_behind_the_hubs_is_refused(
    node: FakeNode, applied: NodeCrossing, refused: Any
) -> None:
    """A node database put back from an old copy: its head is behind what the hub saw."""
    payload = node.batch([], after=3, audit_after=3, head={"seq": 2, "hash": "a" * 64, "outbox": 3})
    refused(node.push(payload), 409, "audit_fork")


def test_revoked_node_is_refused(node: FakeNode, hub_officer: User, refused: Any) -> None:
    node_revoke(actor=None, code="post-motaain")
    made = node_crossing(hub_officer)
    response = node.push(node.batch([node.event(r) for r in made.records], after=0))
    refused(response, 403, "revoked")
    assert response[H_TIME].isdigit()
