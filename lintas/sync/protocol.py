"""Message formats of the sync protocol (version 1), shared by the node and the hub.

Bodies are zlib-compressed JSON objects. A request is signed over its method, path, node,
time, nonce and the SHA-256 of its compressed body; a reply over the node, the request's
nonce, the status, the hub's time and the SHA-256 of its body. See docs/sync.md.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lintas.common.errors import LintasError

VERSION = 1
REQUEST_LABEL = "lintas-sync/1"
REPLY_LABEL = "lintas-sync-reply/1"
CONTENT_TYPE = "application/vnd.lintas.sync+zlib"

H_NODE = "X-Lintas-Node"
H_TIME = "X-Lintas-Time"
H_NONCE = "X-Lintas-Nonce"
H_SIGNATURE = "X-Lintas-Signature"

# A batch of 1,000 events is about 200 kB compressed; 4 MB leaves room for big records and
# is refused before a byte of the body is read. The inflated limit stops zip bombs.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_INFLATED_BYTES = 48 * 1024 * 1024
MAX_ENROL_BYTES = 4096
PUSH_EVENTS = 1000
PUSH_AUDIT = 3000
MAX_EVENTS = 2000
MAX_AUDIT = 8000
PULL_LIMIT = 500
# Made once: ``json.dumps`` with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=True, separators=(",", ":"))
MAX_PULL_LIMIT = 2000


def clock_skew_ms() -> int:
    """How far a request's time may be from the hub's before it is refused as stale."""
    return int(getattr(settings, "LINTAS_SYNC_CLOCK_SKEW_SECONDS", 600)) * 1000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class SyncError(LintasError):
    """A sync request refused, or a sync round that failed; ``extra`` travels in the reply."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str,
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.extra: dict[str, Any] = dict(extra or {})

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), **self.extra}


class Resend(SyncError):
    """The hub knows less than the node thought (a restore): send again from its cursors."""

    def __init__(self, *, applied_seq: int, audit_seq: int) -> None:
        super().__init__(
            _("The hub knows events up to #%(seq)s only: send again from there.")
            % {"seq": applied_seq},
            code="resend",
            status=409,
            extra={"applied_seq": applied_seq, "audit_seq": audit_seq},
        )


def pack(obj: dict[str, Any]) -> bytes:
    """Compress a JSON object for the wire."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def unpack(body: bytes, *, limit: int = MAX_INFLATED_BYTES) -> dict[str, Any]:
    """Inflate and parse a body; a truncated, oversized or malformed one is refused."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise SyncError(
            _("The body is not a compressed batch."), code="malformed", status=400
        ) from exc
    if len(raw) > limit or inflater.unconsumed_tail:
        raise SyncError(_("The batch is too large."), code="too_large", status=413)
    if not inflater.eof:
        raise SyncError(_("The batch is truncated."), code="truncated", status=400)
    if inflater.unused_data:
        raise SyncError(_("The batch has data after its end."), code="malformed", status=400)
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SyncError(_("The batch is not valid JSON."), code="malformed", status=400) from exc
    if not isinstance(obj, dict):
        raise SyncError(_("The batch is not a JSON object."), code="malformed", status=400)
    return obj


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_message(
    *, method: str, path: str, node: str, time_ms: int, nonce: str, body: bytes
) -> bytes:
    """What a node signs: binds the body to the endpoint, the node, a time and a nonce."""
    parts = [REQUEST_LABEL, method.upper(), path, node, str(time_ms), nonce, body_hash(body)]
    return "\n".join(parts).encode("utf-8")


def reply_message(*, node: str, nonce: str, status: int, time_ms: int, body: bytes) -> bytes:
    """What the hub signs: binds the reply to the request it answers."""
    parts = [REPLY_LABEL, node, nonce, str(status), str(time_ms), body_hash(body)]
    return "\n".join(parts).encode("utf-8")


def event_digest(event: dict[str, Any]) -> str:
    """SHA-256 of an event's identity and content: a re-send must match it exactly."""
    canonical = {
        "seq": event["seq"],
        "event_id": event["event_id"],
        "model": event["model"],
        "record_id": event["record_id"],
        "op": event["op"],
        "payload": event["payload"],
    }
    text = _CANONICAL.encode(canonical)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def int_field(data: dict[str, Any], name: str, *, minimum: int = 0) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise SyncError(
            _("Field %(name)s must be a whole number.") % {"name": name},
            code="malformed",
            status=400,
        )
    return value


def list_field(data: dict[str, Any], name: str, *, limit: int) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise SyncError(
            _("Field %(name)s must be a list.") % {"name": name}, code="malformed", status=400
        )
    if len(value) > limit:
        raise SyncError(_("The batch is too large."), code="too_large", status=413)
    return value
