"""A node as the hub sees it: a key pair, signed requests, events and audit entries.

The test database plays the hub; ``FakeNode`` speaks the protocol byte for byte as a
real node does (the same ``protocol`` and ``crypto`` modules), so that every refusal can
be provoked precisely.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.test import Client
from django.test.client import FakePayload

from lintas.audit.chain import GENESIS, entry_hash, format_time
from lintas.common.ids import uuid7
from lintas.places.models import Post
from lintas.sync import crypto, services
from lintas.sync.protocol import (
    CONTENT_TYPE,
    H_NODE,
    H_NONCE,
    H_SIGNATURE,
    H_TIME,
    now_ms,
    pack,
    reply_message,
    request_message,
    unpack,
)
from lintas.sync.records import record_state

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"


def meta(name: str) -> str:
    return "HTTP_" + name.upper().replace("-", "_")


class FakeNode:
    """A node enrolled at the hub (the test database) through the real services."""

    def __init__(self, code: str = "post-motaain", post: str = "motaain") -> None:
        self.code = code
        _node, secret = services.node_enrolment_issue(
            actor=None, code=code, post=Post.objects.get(pk=post)
        )
        self.private_key = crypto.new_private_key()
        public_key = crypto.public_key_of(self.private_key)
        reply = services.node_enrol(
            node_code=code,
            public_key=public_key,
            proof=crypto.proof(crypto.enrolment_key(secret), "enrol", code, public_key),
        )
        self.hub_public_key = reply["hub_public_key"]
        self.seq = 0
        self.audit_seq = 0
        self.audit_hash = GENESIS
        self.client = Client()
        self.last_nonce = ""

    # --- content ----------------------------------------------------------------------

    def event(self, instance: models.Model, *, seq: int | None = None) -> dict[str, Any]:
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {
            "seq": seq,
            "event_id": str(uuid7()),
            "model": instance._meta.label_lower,
            "record_id": str(instance.pk),
            "op": "upsert",
            "payload": record_state(instance),
            "urgent": False,
        }

    def entry(self, action: str = "crossing.register", object_id: str = "x") -> dict[str, Any]:
        self.audit_seq += 1
        at = datetime.now(UTC)
        values = {
            "seq": self.audit_seq,
            "kind": "write",
            "at": at,
            "actor_id": None,
            "action": action,
            "object_type": "crossings.crossing",
            "object_id": object_id,
            "fields": "",
            "digest": "0" * 64,
            "prev_hash": self.audit_hash,
        }
        digest = entry_hash(node=self.code, **values)
        self.audit_hash = digest
        return {**values, "at": format_time(at), "hash": digest}

    def batch(
        self,
        events: list[dict[str, Any]],
        *,
        after: int,
        audit: list[dict[str, Any]] | None = None,
        audit_after: int = 0,
        head: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        audit = audit or []
        if head is None:
            last = audit[-1] if audit else None
            head = {
                "seq": last["seq"] if last else audit_after,
                "hash": last["hash"] if last else (self.audit_hash if audit_after else GENESIS),
                "outbox": events[-1]["seq"] if events else after,
            }
        return {
            "v": 1,
            "after": after,
            "audit_after": audit_after,
            "events": events,
            "audit": audit,
            "head": head,
        }

    # --- requests ---------------------------------------------------------------------

    def headers(
        self, path: str, body: bytes, *, time_ms: int | None = None, nonce: str | None = None
    ) -> dict[str, str]:
        time_ms = now_ms() if time_ms is None else time_ms
        nonce = nonce or secrets.token_hex(16)
        self.last_nonce = nonce
        message = request_message(
            method="POST", path=path, node=self.code, time_ms=time_ms, nonce=nonce, body=body
        )
        return {
            meta(H_NODE): self.code,
            meta(H_TIME): str(time_ms),
            meta(H_NONCE): nonce,
            meta(H_SIGNATURE): crypto.sign(self.private_key, message),
        }

    def send(self, path: str, body: bytes, headers: dict[str, str], **environ: Any) -> Any:
        return self.client.generic(
            "POST", path, data=body, content_type=CONTENT_TYPE, **headers, **environ
        )

    def post(self, path: str, payload: dict[str, Any], **kwargs: Any) -> Any:
        body = pack(payload)
        return self.send(path, body, self.headers(path, body, **kwargs))

    def push(self, payload: dict[str, Any]) -> Any:
        return self.post(PUSH, payload)

    # --- replies ----------------------------------------------------------------------

    def signed(self, response: Any) -> bool:
        """Whether the reply carries the hub's valid signature for the last request."""
        signature = response.get(H_SIGNATURE, "")
        hub_time = response.get(H_TIME, "")
        message = reply_message(
            node=self.code,
            nonce=self.last_nonce,
            status=response.status_code,
            time_ms=int(hub_time),
            body=response.content,
        )
        return crypto.verify(self.hub_public_key, message, signature)

    @staticmethod
    def data(response: Any) -> dict[str, Any]:
        if response["Content-Type"].startswith(CONTENT_TYPE):
            return unpack(response.content)
        return dict(response.json())


class CountingStream:
    """A request body that counts what the server read of it."""

    def __init__(self, data: bytes) -> None:
        self.payload = FakePayload(data)
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.payload.read(size) if size >= 0 else self.payload.read()
        self.read_bytes += len(chunk)
        return bytes(chunk)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


class ShortStream:
    """A body that ends early, as when the connection drops mid-request."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else min(len(self.data), self.pos + size)
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def truncated_zlib(payload: dict[str, Any]) -> bytes:
    """A compressed batch cut in the middle (a signed but broken body)."""
    body = pack(payload)
    return body[: len(body) // 2]


def node_officer(post: str = "motaain") -> Any:
    """A desk officer of ``post``, made at the hub (as every account is)."""
    from django.test import override_settings

    from lintas.accounts.models import User
    from lintas.accounts.roles import Role
    from tests.factories import make_user

    officer = User.objects.filter(username=f"desk.{post}").first()
    if officer is None:
        with override_settings(LINTAS_NODE="hub"):
            officer = make_user(
                Role.POST_OFFICER, post=Post.objects.get(pk=post), username=f"desk.{post}"
            )
    return officer


def node_change(label: str, *, post: str = "motaain") -> Any:
    """One change at this node, through a desk service: a crossing group of the post."""
    from lintas.crossings.services import crossing_group_create

    return crossing_group_create(actor=node_officer(post), label=label)
