"""Calls into Lintas from a gateway: signed, within the time window, never replayed."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from lintas.audit.models import AuditEntry
from lintas.messaging import signing
from lintas.messaging.models import InboundMessage, OutboundMessage
from tests.messaging.conftest import signed_post

SECRET = "s" * 32
PATH = "/api/messaging/inbound"
MESSAGE = {"message_id": "kannel-1", "from": "+6281234567890", "to": "1717", "text": "LAPOR"}


@pytest.fixture
def configured(settings: Any, reference: None) -> None:
    settings.LINTAS_GATEWAY_SECRET = SECRET
    settings.LINTAS_GATEWAY_URL = ""  # nothing is sent: replies wait in the queue


def _counts() -> tuple[int, int, int]:
    return (
        InboundMessage.objects.count(),
        OutboundMessage.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_signed_call_is_taken_once(configured: None) -> None:
    client = Client()
    first = signed_post(client, PATH, MESSAGE, secret=SECRET)
    assert first.status_code == 200
    assert first.json() == {"status": "created", "handling": "conversation"}
    # The gateway delivers the same message again (a retry): a fresh signature, same id.
    again = signed_post(client, PATH, MESSAGE, secret=SECRET)
    assert again.json() == {"status": "duplicate", "handling": "conversation"}
    assert InboundMessage.objects.count() == 1
    assert OutboundMessage.objects.count() == 1  # one question back, not two


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    ["unsigned", "wrong_secret", "body_changed", "too_old", "from_future", "bad_nonce", "path"],
)
def test_forged_call_is_refused_and_changes_nothing(configured: None, tamper: str) -> None:
    body = json.dumps(MESSAGE).encode()
    now = time.time()
    secret, path = SECRET, PATH
    if tamper == "wrong_secret":
        secret = "t" * 32
    if tamper == "too_old":
        now -= signing.WINDOW_SECONDS + 5
    if tamper == "from_future":
        now += signing.WINDOW_SECONDS + 5
    if tamper == "path":
        path = "/api/messaging/report"
    headers = signing.sign_headers(secret, method="POST", path=path, body=body, now=now)
    if tamper == "unsigned":
        headers = {}
    if tamper == "body_changed":
        body = body.replace(b"LAPOR", b"LAPOR!")
    if tamper == "bad_nonce":
        headers[signing.NONCE_HEADER] = "short"
    before = _counts()
    response = Client().post(PATH, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert _counts() == before


@pytest.mark.django_db
def test_replayed_call_is_refused(configured: None) -> None:
    body = json.dumps(MESSAGE).encode()
    headers = signing.sign_headers(SECRET, method="POST", path=PATH, body=body)
    client = Client()
    first = client.post(PATH, data=body, content_type="application/json", headers=headers)
    assert first.status_code == 200
    before = _counts()
    replay = client.post(PATH, data=body, content_type="application/json", headers=headers)
    assert replay.status_code == 401
    assert replay.json()["message"] == "Gateway call refused: replayed call."
    assert _counts() == before


@pytest.mark.django_db
def test_unconfigured_server_refuses_every_call(settings: Any, reference: None) -> None:
    settings.LINTAS_GATEWAY_SECRET = "short"
    response = signed_post(Client(), PATH, MESSAGE, secret="short" * 8)
    assert response.status_code == 503
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not json",
        b"[]",
        json.dumps({**MESSAGE, "message_id": ""}).encode(),
        json.dumps({**MESSAGE, "text": 5}).encode(),
        json.dumps({**MESSAGE, "from": "1" * 41}).encode(),
        json.dumps({**MESSAGE, "message_id": "a\x00b"}).encode(),
    ],
)
def test_bad_body_is_refused_without_a_500(configured: None, payload: bytes) -> None:
    response = signed_post(Client(), PATH, payload, secret=SECRET)
    assert response.status_code in (400, 422)
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_empty_text_is_kept_without_reply_and_nul_refused(configured: None) -> None:
    client = Client()
    empty = signed_post(client, PATH, {**MESSAGE, "text": "   "}, secret=SECRET)
    assert empty.json() == {"status": "created", "handling": "empty"}
    assert OutboundMessage.objects.count() == 0
    assert InboundMessage.objects.count() == 1
    # A NUL byte is refused by the server as a whole (the bridge drops NULs before sending).
    nul = signed_post(client, PATH, {**MESSAGE, "message_id": "k2", "text": "a\x00"}, secret=SECRET)
    assert nul.status_code == 400
    assert nul.json()["code"] == "nul_character"
    assert InboundMessage.objects.count() == 1
