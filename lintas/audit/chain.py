"""How an audit entry is hashed; shared by append and verify so the two never drift."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64


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
) -> str:
    """SHA-256 over every stored field of the entry and the previous entry's hash."""
    parts = [
        node,
        str(seq),
        kind,
        format_time(at),
        str(actor_id) if actor_id else "",
        action,
        object_type,
        object_id,
        fields,
        digest,
        prev_hash,
    ]
    payload = json.dumps(parts, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def change_digest(key: bytes, change: dict[str, Any]) -> str:
    """Keyed digest of the change: proves what was written without storing it in clear.

    A plain hash of a short value such as a name could be reversed by guessing; the key
    (derived from the secret key) prevents that.
    """
    payload = json.dumps(change, sort_keys=True, default=str, ensure_ascii=True)
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()
