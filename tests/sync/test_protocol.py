"""Message formats and signatures, without a database."""

from __future__ import annotations

import zlib

import pytest

from lintas.sync import crypto
from lintas.sync.protocol import (
    SyncError,
    event_digest,
    pack,
    reply_message,
    request_message,
    unpack,
)

KEY = crypto.new_private_key()
PUBLIC = crypto.public_key_of(KEY)


def message(**changes: object) -> bytes:
    fields: dict[str, object] = {
        "method": "POST",
        "path": "/api/sync/push",
        "node": "post-wini",
        "time_ms": 1_800_000_000_000,
        "nonce": "a" * 32,
        "body": b"batch",
    }
    fields.update(changes)
    return request_message(**fields)  # type: ignore[arg-type]


def test_signature_covers_every_part_of_the_request() -> None:
    signature = crypto.sign(KEY, message())
    assert crypto.verify(PUBLIC, message(), signature)
    for change in (
        {"method": "GET"},
        {"path": "/api/sync/pull"},
        {"node": "post-motaain"},
        {"time_ms": 1_800_000_000_001},
        {"nonce": "b" * 32},
        {"body": b"batcH"},
    ):
        assert not crypto.verify(PUBLIC, message(**change), signature), change


def test_reply_signature_is_bound_to_the_request_nonce() -> None:
    reply = reply_message(node="post-wini", nonce="a" * 32, status=200, time_ms=5, body=b"ok")
    signature = crypto.sign(KEY, reply)
    assert crypto.verify(PUBLIC, reply, signature)
    other = reply_message(node="post-wini", nonce="b" * 32, status=200, time_ms=5, body=b"ok")
    assert not crypto.verify(PUBLIC, other, signature)


@pytest.mark.parametrize("signature", ["", "zz", "00" * 64])
def test_malformed_signatures_and_keys_do_not_verify(signature: str) -> None:
    assert not crypto.verify(PUBLIC, message(), signature)
    assert not crypto.verify("not-a-key", message(), crypto.sign(KEY, message()))


def test_pack_and_unpack_round_trip() -> None:
    payload = {"events": [{"seq": 1, "payload": {"name": "Maria da Costa, Atambua"}}]}
    assert unpack(pack(payload)) == payload


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (pack({"a": 1})[:-3], "truncated"),
        (pack({"a": 1}) + b"extra", "malformed"),
        (b"plain text", "malformed"),
        (zlib.compress(b"[1, 2]"), "malformed"),
        (zlib.compress(b"\xff\xfe"), "malformed"),
        (zlib.compress(b"{" + b" " * 2000 + b"}"), "too_large"),
    ],
)
def test_bad_bodies_are_refused(body: bytes, code: str) -> None:
    with pytest.raises(SyncError) as refused:
        unpack(body, limit=1000)
    assert refused.value.code == code


def test_event_digest_covers_content_and_identity() -> None:
    event = {
        "seq": 4,
        "event_id": "0190f3a1-0000-7000-8000-000000000001",
        "model": "crossings.crossing",
        "record_id": "r1",
        "op": "upsert",
        "payload": {"notes": "a", "id": "r1"},
        "urgent": False,
    }
    digest = event_digest(event)
    assert event_digest({**event, "urgent": True}) == digest  # delivery hint, not content
    assert event_digest({**event, "payload": {"id": "r1", "notes": "a"}}) == digest
    for change in ({"seq": 5}, {"op": "tombstone"}, {"payload": {"notes": "b", "id": "r1"}}):
        assert event_digest({**event, **change}) != digest, change


def test_enrolment_codes_are_readable_and_normalised() -> None:
    code = crypto.new_enrolment_code()
    assert len(code) == 19
    assert code.count("-") == 3
    assert set(code.replace("-", "")) <= set(crypto.CODE_ALPHABET)
    assert crypto.enrolment_key(code) == crypto.enrolment_key(f" {code.lower().replace('-', ' ')} ")
    assert crypto.enrolment_key(code) != crypto.enrolment_key(crypto.new_enrolment_code())
