"""The SMS/WhatsApp gateway webhook: ``POST /api/portal/sms`` (format in docs/portal.md).

A local SIM gateway posts each incoming message as JSON with the shared secret in the
``X-Lintas-Gateway-Token`` header and sends the returned ``reply_text`` back to the
sender. Without ``LINTAS_SMS_GATEWAY_TOKEN`` (setting or environment) every call is
refused: an unset secret must not mean "open".
"""

from __future__ import annotations

import hmac
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyHeader

from lintas.cases import tips
from lintas.common.api_errors import errors
from lintas.common.errors import LintasError
from lintas.portal.security import portal_setting

TOKEN_HEADER = "X-Lintas-Gateway-Token"  # noqa: S105 - a header name, not a secret
MIN_TOKEN_LENGTH = 24

router = Router()


class GatewayNotConfigured(LintasError):
    status = 503
    code = "not_configured"


class GatewayRefused(LintasError):
    status = 401
    code = "unauthenticated"


def gateway_token() -> str:
    """The shared secret; shorter than ``MIN_TOKEN_LENGTH`` counts as unset."""
    token = portal_setting("LINTAS_SMS_GATEWAY_TOKEN")
    return token if len(token) >= MIN_TOKEN_LENGTH else ""


class GatewayToken(APIKeyHeader):
    param_name = TOKEN_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> str:
        expected = gateway_token()
        if not expected:
            raise GatewayNotConfigured(
                "The SMS gateway is not configured on this server (LINTAS_SMS_GATEWAY_TOKEN)."
            )
        if not key or not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
            raise GatewayRefused("Wrong or missing gateway token.")
        return "sms-gateway"


class SmsIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=tips.MESSAGE_ID_MAX)
    channel: Literal["sms", "whatsapp"] = "sms"
    sender: str = Field(..., alias="from", max_length=40)
    text: str
    language: Literal["id", "en", "tet"] | None = None


class SmsOut(Schema):
    status: Literal["created", "duplicate"]
    reply_to: str
    reply_text: str
    language: str


@router.post(
    "/sms",
    auth=GatewayToken(),
    response={200: SmsOut, 201: SmsOut, **errors(400, 401, 422, 503)},
    summary="A tip received by SMS or WhatsApp through the gateway",
)
def sms_tip(request: HttpRequest, payload: SmsIn) -> Status[SmsOut]:
    """Save the message as a tip (once per delivery) and return the reply to send back."""
    result = tips.tip_from_sms(
        message_id=payload.message_id,
        sender=payload.sender,
        text=payload.text,
        channel=payload.channel,
        language=payload.language or "",
    )
    out = SmsOut(
        status="duplicate" if result.duplicate else "created",
        reply_to=result.reply_to,
        reply_text=result.reply_text,
        language=result.language,
    )
    return Status(200 if result.duplicate else 201, out)
