"""The SMS/WhatsApp gateway webhook: secret, normalised numbers, one tip per message, reply."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from lintas.cases.models import Tip
from lintas.portal.models import TipIntake
from tests.portal.helpers import RECEIPT_RE

pytestmark = pytest.mark.django_db

URL = "/api/portal/sms"
TOKEN = "gateway-secret-for-tests-0123456789"


def send(payload: dict[str, Any], token: str | None = TOKEN, **extra: Any) -> Any:
    headers: dict[str, Any] = {"HTTP_X_LINTAS_GATEWAY_TOKEN": token} if token is not None else {}
    return Client().post(
        URL, data=json.dumps(payload), content_type="application/json", **headers, **extra
    )


def message(**overrides: Any) -> dict[str, Any]:
    payload = {
        "message_id": "gw-2026-000123",
        "channel": "sms",
        "from": "0812-3456-7890",
        "text": "Ada calo bawa 4 nona ke Kupang malam ini, mobil putih.",
    }
    payload.update(overrides)
    return payload


@override_settings(LINTAS_SMS_GATEWAY_TOKEN="")
def test_without_a_configured_secret_every_call_is_refused(reference: None) -> None:
    response = send(message())
    assert response.status_code == 503
    assert response.json()["code"] == "not_configured"
    with override_settings(LINTAS_SMS_GATEWAY_TOKEN="short"):
        assert send(message(), token="short").status_code == 503
    assert Tip.objects.count() == 0


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_a_wrong_or_missing_secret_is_refused_before_the_body_is_read(reference: None) -> None:
    for token in (None, "", "gateway-secret-for-tests-0123456788"):
        response = send({"not": "even valid"}, token=token)
        assert response.status_code == 401, token
        assert response.json() == {
            "code": "unauthenticated",
            "message": "Wrong or missing gateway token.",
            "fields": {},
        }
    assert Tip.objects.count() == 0


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_an_sms_becomes_a_tip_with_the_number_encrypted_and_a_reply(reference: None) -> None:
    response = send(message())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert body["reply_to"] == "+6281234567890"
    assert body["language"] == "id"
    match = RECEIPT_RE.search(body["reply_text"])
    assert match is not None
    assert body["reply_text"] == (
        f"Lintas: laporan diterima. Kode tanda terima {match[1]}. Rahasiakan; dengan kode ini "
        "Anda dapat membaca balasan dan menambah informasi."
    )
    tip = Tip.objects.get()
    assert (tip.channel, tip.contact_phone, tip.contact_phone_masked, tip.language) == (
        "sms",
        "+6281234567890",
        "+62812*****890",
        "id",
    )
    status = Client().post("/publik/cek/", {"code": match[1]})
    page = status.content.decode()
    assert "Kami mungkin menghubungi Anda di +62812*****890." in page
    assert "3456" not in page


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
@pytest.mark.parametrize(
    ("sender", "e164", "masked"),
    [
        ("+62 812 3456 7890", "+6281234567890", "+62812*****890"),
        ("6281234567890", "+6281234567890", "+62812*****890"),
        ("081234567890", "+6281234567890", "+62812*****890"),
        ("(0380) 821 234", "+62380821234", "+62380***234"),
    ],
)
def test_indonesian_numbers_are_normalised_to_e164(
    reference: None, sender: str, e164: str, masked: str
) -> None:
    body = send(message(**{"from": sender})).json()
    assert body["reply_to"] == e164
    tip = Tip.objects.get()
    assert (tip.contact_phone, tip.contact_phone_masked) == (e164, masked)


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_a_timor_leste_number_gets_the_reply_in_tetum(reference: None) -> None:
    body = send(message(**{"from": "+670 7723 4567", "channel": "whatsapp"})).json()
    assert (body["reply_to"], body["language"]) == ("+67077234567", "tet")
    assert body["reply_text"].startswith("Lintas: ami simu ona relatoriu. Kodigu resibu ")
    assert Tip.objects.get().channel == "whatsapp"
    english = send(message(message_id="gw-2", language="en")).json()
    assert english["reply_text"].startswith("Lintas: report received. Receipt code ")


# The GSM 03.38 basic alphabet (printable part): a reply outside it goes as UCS-2, at 70
# characters a segment instead of 160.
GSM7 = set(
    "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
@pytest.mark.parametrize("language", ["id", "en", "tet"])
def test_the_reply_fits_in_one_sms_in_every_language(reference: None, language: str) -> None:
    reply = send(message(language=language)).json()["reply_text"]
    assert len(reply) <= 160
    assert set(reply) <= GSM7


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_a_gateway_retry_makes_one_tip_and_repeats_the_same_reply(reference: None) -> None:
    first = send(message())
    retry = send(message())
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["status"] == "duplicate"
    assert retry.json()["reply_text"] == first.json()["reply_text"]
    assert Tip.objects.count() == 1
    # A gateway that reuses an id for another message does not merge two reporters.
    other = send(message(text="Pesan lain dari orang lain.", **{"from": "081399998888"}))
    assert other.status_code == 201
    assert other.json()["reply_text"] != first.json()["reply_text"]
    assert Tip.objects.count() == 2
    assert TipIntake.objects.filter(kind="sms").count() == 2


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_an_unparseable_sender_still_files_the_tip_without_a_number(reference: None) -> None:
    body = send(message(**{"from": "TELKOMSEL"})).json()
    assert body["reply_to"] == ""
    tip = Tip.objects.get()
    assert (tip.contact_phone, tip.contact_phone_masked) == ("", "")


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        (message(text=""), "body", 422),
        (message(text="x" * 6000), "body", 422),
        # Refused before the webhook runs, for every form and API (tests/common/test_nul.py).
        (message(text="ada\x00nul"), "text", 400),
        (message(message_id=""), "message_id", 422),
        (message(message_id="\x07bell"), "message_id", 422),
        (message(channel="telegram"), "channel", 422),
        ({"message_id": "x", "text": "tanpa pengirim"}, "from", 422),
    ],
)
def test_bad_messages_are_refused_and_nothing_written(
    reference: None, payload: dict[str, Any], field: str, status: int
) -> None:
    response = send(payload)
    assert response.status_code == status
    assert field in response.json()["fields"]
    assert Tip.objects.count() == 0


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_the_webhook_is_in_the_openapi_schema(reference: None) -> None:
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    operation = schema.json()["paths"][URL]["post"]
    assert operation["summary"] == "A tip received by SMS or WhatsApp through the gateway"


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=TOKEN)
def test_an_sms_that_looks_like_ciphertext_is_kept_as_sent(reference: None) -> None:
    response = send(message(text="enc1:abc calo di Motaain"))
    assert response.status_code == 201
    assert response.json()["status"] == "created"
    assert Tip.objects.get().body == "enc1:abc calo di Motaain"
