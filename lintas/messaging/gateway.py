"""The Lintas end of the SMS gateway: checking signed calls, and sending to the bridge.

Settings (Django settings first, else the environment):

- ``LINTAS_GATEWAY_URL``: the bridge beside Kannel (``http://127.0.0.1:13080``);
- ``LINTAS_GATEWAY_SECRET``: the shared signing secret (24 characters or more);
- ``LINTAS_GATEWAY_SENDER``: the number or short code messages go out from.

Unset, no call is accepted and nothing is sent (messages wait in the queue).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from lintas.messaging import signing
from lintas.messaging.models import GatewayNonce

SEND_TIMEOUT_SECONDS = 15


def gateway_setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def gateway_secret() -> str:
    secret = gateway_setting("LINTAS_GATEWAY_SECRET")
    return secret if len(secret) >= signing.MIN_SECRET_LENGTH else ""


def number_key(e164: str) -> str:
    """A keyed digest of a number: finds the same sender again without decrypting rows."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"lintas.messaging.number", hashlib.sha256)
    return hmac.new(key.digest(), e164.encode("utf-8"), hashlib.sha256).hexdigest()


def nonce_remember(nonce: str) -> bool:
    """Store the nonce of a signed call; False if it was already used (a replay)."""
    now = timezone.now()
    GatewayNonce.objects.filter(
        seen_at__lt=now - timedelta(seconds=2 * signing.WINDOW_SECONDS)
    ).delete()
    try:
        with transaction.atomic():
            GatewayNonce.objects.create(nonce=nonce, seen_at=now)
    except IntegrityError:
        return False
    return True


def request_verify(request: HttpRequest, *, secret: str) -> None:
    """Refuse (``SignatureRefused``) a call that is unsigned, forged, stale or replayed."""
    signing.verify(
        secret,
        headers=dict(request.headers.items()),
        method=request.method or "",
        path=request.path,
        body=request.body,
    )
    nonce = request.headers.get(signing.NONCE_HEADER, "")
    if not nonce_remember(nonce):
        raise signing.SignatureRefused("replayed call")


@dataclass(frozen=True)
class SendResult:
    """The bridge's answer: ``accepted``, ``unknown`` (taken earlier, not confirmed),
    ``refused`` (for good) or ``retry`` (not taken; try later)."""

    status: str
    answer: str


def bridge_send(*, key: str, to: str, text: str, coding: int) -> SendResult:
    """Hand one message to the bridge with its idempotency key; never raises on the network."""
    base, secret = gateway_setting("LINTAS_GATEWAY_URL"), gateway_secret()
    if not base or not secret:
        return SendResult("retry", "gateway not configured")
    body = json.dumps({"key": key, "to": to, "text": text, "coding": coding}).encode()
    headers = signing.sign_headers(secret, method="POST", path="/send", body=body)
    request = urllib.request.Request(  # noqa: S310 - http(s) URL from the operator
        base.rstrip("/") + "/send",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code in (400, 401):
            return SendResult("refused", f"bridge refused the call ({error.code})")
        return SendResult("retry", f"bridge answered {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        # Sent or not, the key makes the next try safe: the bridge sends a key once.
        return SendResult("retry", str(error)[:200])
    status = str(answer.get("status", "retry"))
    if status not in ("accepted", "unknown", "refused", "retry"):
        status = "retry"
    return SendResult(status, str(answer.get("answer", ""))[:200])
