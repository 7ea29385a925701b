"""How an audit entry is hashed; shared by append and verify so the two never drift."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
# Made once: ``json.dumps`` with options builds a new encoder on every call.
_PARTS = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
_CHANGE = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=True)


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    node: str,
    seq: int,
    kind: str,
    at: datetime,
    actor_id: UUID | None,
    action: str,
    object_type: str,
    object_id: str,
    fields: str,
    digest: str,
    prev_hash: str,
    at_text: str | None = None,
) -> str:
    """SHA-256 over every stored field of the entry and the previous entry's hash.

    ``at_text``, when the caller has it already, is ``format_time(at)``.
    """
    parts = [
        node,
        str(seq),
        kind,
        format_time(at) if at_text is None else at_text,
        str(actor_id) if actor_id else "",
        action,
        object_type,
        object_id,
        fields,
        digest,
        prev_hash,
    ]
    payload = _PARTS.encode(parts)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def change_digest(key: bytes, change: dict[str, Any]) -> str:
    """Keyed digest of the change: proves what was written without storing it in clear.

    A plain hash of a short value such as a name could be reversed by guessing; the key
    (derived from the secret key) prevents that.
    """
    payload = _CHANGE.encode(change)
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()
