"""Signed gateway calls: an HMAC over the time, a nonce and the body, both ways.

Every call between Lintas and an SMS gateway (the Kannel bridge, an Android SIM gateway)
carries three headers:

- ``X-Lintas-Timestamp``: Unix seconds when the call was signed;
- ``X-Lintas-Nonce``: 16 to 64 characters of ``[A-Za-z0-9_-]``, never used twice;
- ``X-Lintas-Signature``: ``v1=`` and the hex HMAC-SHA256, keyed with the shared secret, of
  ``v1\\n<timestamp>\\n<nonce>\\n<method> <path>\\n`` followed by the raw body.

A receiver refuses a call whose time is more than ``WINDOW_SECONDS`` away from its clock or
whose nonce it has seen within that window (the nonce store is the receiver's). So a call
captured on the wire cannot be played again, and a changed body, path or time breaks the
signature. This module needs the standard library only: the bridge beside Kannel imports it
without Django.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

SCHEME = "v1"
WINDOW_SECONDS = 300
MIN_SECRET_LENGTH = 24
TIMESTAMP_HEADER = "X-Lintas-Timestamp"
NONCE_HEADER = "X-Lintas-Nonce"
SIGNATURE_HEADER = "X-Lintas-Signature"
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureRefused(Exception):
    """The call is not signed, signed wrongly, too old, from the future or replayed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _message(timestamp: str, nonce: str, method: str, path: str, body: bytes) -> bytes:
    head = f"{SCHEME}\n{timestamp}\n{nonce}\n{method.upper()} {path}\n"
    return head.encode("ascii", "replace") + body


def signature(
    secret: str, *, timestamp: str, nonce: str, method: str, path: str, body: bytes
) -> str:
    """The ``v1=<hex>`` signature of one call."""
    mac = hmac.new(
        secret.encode("utf-8"), _message(timestamp, nonce, method, path, body), hashlib.sha256
    )
    return f"{SCHEME}={mac.hexdigest()}"


def sign_headers(
    secret: str, *, method: str, path: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """The three headers for a call of ``method`` to ``path`` with ``body``, signed now."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(18)
    return {
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(
            secret, timestamp=timestamp, nonce=nonce, method=method, path=path, body=body
        ),
    }


@dataclass(frozen=True)
class Signed:
    """A call whose signature and time were checked; the nonce is for the caller's store."""

    timestamp: int
    nonce: str


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower(), "")
    return value.strip() if isinstance(value, str) else ""


def verify(
    secret: str,
    *,
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    now: float | None = None,
) -> Signed:
    """Check the signature and the time of a call; the nonce is left for the store to check.

    Raises ``SignatureRefused`` with a short reason. An unset or short secret refuses all.
    """
    if len(secret) < MIN_SECRET_LENGTH:
        raise SignatureRefused("gateway secret not configured")
    timestamp = _header(headers, TIMESTAMP_HEADER)
    nonce = _header(headers, NONCE_HEADER)
    given = _header(headers, SIGNATURE_HEADER)
    if not timestamp or not nonce or not given:
        raise SignatureRefused("unsigned call")
    if not _TIMESTAMP.fullmatch(timestamp) or not _NONCE.fullmatch(nonce):
        raise SignatureRefused("malformed signature headers")
    expected = signature(
        secret, timestamp=timestamp, nonce=nonce, method=method, path=path, body=body
    )
    if not hmac.compare_digest(given.encode("ascii", "replace"), expected.encode("ascii")):
        raise SignatureRefused("wrong signature")
    clock = time.time() if now is None else now
    if abs(clock - int(timestamp)) > WINDOW_SECONDS:
        raise SignatureRefused("outside the time window")
    return Signed(timestamp=int(timestamp), nonce=nonce)


def url_token(secret: str, *, purpose: str, value: str) -> str:
    """A short keyed tag that binds a URL the bridge hands out (a report URL) to one value."""
    mac = hmac.new(secret.encode("utf-8"), f"{purpose}\n{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]
