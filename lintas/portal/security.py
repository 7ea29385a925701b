"""Protections of the public forms that keep nothing about the visitor on disk.

- One-time form tokens: a signed random nonce and the time the form was shown. The nonce
  seeds the tip's receipt code and its idempotency key (``cases.tips``), so a double submit
  writes one tip; the time gives the minimum fill time and the token's age limit.
- A rate limit in memory, per process, keyed by an HMAC of the client address with a secret
  drawn at random each day and never written anywhere: at midnight (UTC) the secret and
  every counter are dropped, so even a memory dump links nothing across days.
- A CSRF check that reports failure to the view instead of answering Django's bare 403,
  so that the view can show the form again with what was typed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware

logger = logging.getLogger("lintas.portal")

FORM_TOKEN_SALT = "lintas.portal.form-token"  # noqa: S105 - a signing salt, not a secret
FORM_TOKEN_MAX_AGE = 24 * 60 * 60
DEFAULT_MIN_FILL_SECONDS = 3.0

# (count, seconds): tips saved, and receipt-code checks (each costs an Argon2 verification).
TIP_LIMIT = (10, 60 * 60)
RECEIPT_LIMIT = (30, 60 * 60)
MAX_BUCKETS = 100_000


def portal_setting(name: str, default: str = "") -> str:
    """A setting of the portal: from Django settings if defined there, else the environment."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def min_fill_seconds() -> float:
    """Seconds a person needs at least between seeing the form and sending it."""
    raw = portal_setting("LINTAS_TIP_MIN_FILL_SECONDS", str(DEFAULT_MIN_FILL_SECONDS))
    try:
        return max(0.0, float(raw))
    except ValueError:
        return DEFAULT_MIN_FILL_SECONDS


# --- one-time form tokens -------------------------------------------------------------------


@dataclass(frozen=True)
class FormToken:
    nonce: bytes
    issued_at: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.issued_at


def form_token_issue(*, now: float | None = None) -> str:
    """A new signed token with a random 128-bit nonce and the time the form was shown."""
    nonce = base64.urlsafe_b64encode(os.urandom(16)).decode("ascii")
    issued = int(time.time() if now is None else now)
    return signing.dumps({"n": nonce, "t": issued}, salt=FORM_TOKEN_SALT)


def form_token_read(token: str, *, now: float | None = None) -> FormToken | None:
    """The token's nonce and time, or None when it is forged, malformed, expired or future."""
    if not isinstance(token, str) or not 20 <= len(token) <= 300:
        return None
    try:
        data: Any = signing.loads(token, salt=FORM_TOKEN_SALT)
        nonce = base64.urlsafe_b64decode(str(data["n"]).encode("ascii"))
        issued = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    parsed = FormToken(nonce=nonce, issued_at=issued)
    if len(nonce) != 16 or not -60 <= parsed.age(now) <= FORM_TOKEN_MAX_AGE:
        return None
    return parsed


# --- rate limit ------------------------------------------------------------------------------


class RateLimiter:
    """Sliding-window counters in this process's memory, keyed by a daily-keyed HMAC.

    With several worker processes each keeps its own counts (a limit of N allows up to N
    per worker); that is enough against a flood and keeps nothing on disk.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day = ""
        self._secret = b""
        self._hits: dict[str, list[float]] = {}

    def _key(self, action: str, address: str) -> str:
        day = time.strftime("%Y-%m-%d", time.gmtime())
        if day != self._day:
            self._day, self._secret = day, secrets.token_bytes(32)
            self._hits.clear()
        message = f"{action}\0{address}".encode("utf-8", "replace")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def _recent(self, key: str, window: float, now: float) -> list[float]:
        hits = [t for t in self._hits.get(key, []) if now - t < window]
        if hits:
            self._hits[key] = hits
        else:
            self._hits.pop(key, None)
        return hits

    def allows(self, action: str, address: str, *, limit: tuple[int, int]) -> bool:
        """Whether one more ``action`` from ``address`` stays within ``limit``; counts nothing."""
        count, window = limit
        now = time.monotonic()
        with self._lock:
            return len(self._recent(self._key(action, address), window, now)) < count

    def record(self, action: str, address: str, *, limit: tuple[int, int]) -> None:
        """Count one ``action`` from ``address``."""
        _count, window = limit
        now = time.monotonic()
        with self._lock:
            self._add(self._key(action, address), window, now)

    def take(self, action: str, address: str, *, limit: tuple[int, int]) -> bool:
        """Count one ``action`` if within ``limit``; False (and nothing counted) if over it."""
        count, window = limit
        now = time.monotonic()
        with self._lock:
            key = self._key(action, address)
            if len(self._recent(key, window, now)) >= count:
                return False
            self._add(key, window, now)
            return True

    def _add(self, key: str, window: float, now: float) -> None:
        hits = self._recent(key, window, now)
        hits.append(now)
        self._hits[key] = hits
        if len(self._hits) > MAX_BUCKETS:
            # A flood of addresses: forget them all rather than grow without bound.
            self._hits = {key: hits}

    def reset(self) -> None:
        """Forget every counter and the day's secret (tests; an operator's restart does it too)."""
        with self._lock:
            self._day, self._secret = "", b""
            self._hits.clear()


limiter = RateLimiter()


def client_address(request: HttpRequest) -> str:
    """The address the limiter keys on; used in memory only, never stored or logged."""
    return str(request.META.get("REMOTE_ADDR", ""))


# --- CSRF without losing the form --------------------------------------------------------------


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check; a failure comes back as a marker instead of the 403 page."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponseForbidden:
        logger.warning("Public form refused by the CSRF check (%s): %s", reason, request.path)
        return HttpResponseForbidden()


def _protected_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


def csrf_passes(request: HttpRequest) -> bool:
    """Whether the POST passes Django's CSRF check (token, cookie, origin)."""
    get_response: Callable[[HttpRequest], HttpResponse] = _protected_view
    return _CsrfCheck(get_response).process_view(request, _protected_view, (), {}) is None
