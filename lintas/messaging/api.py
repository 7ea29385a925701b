"""The gateway's calls into Lintas: ``/api/messaging/inbound`` and ``/api/messaging/report``.

Both take signed JSON (``lintas.messaging.signing``) with the secret of
``LINTAS_GATEWAY_SECRET``: an unsigned, forged, stale or replayed call is refused with 401
before its body is read as a message, and changes nothing.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader

from lintas.common.api_errors import errors
from lintas.common.errors import LintasError
from lintas.messaging import signing
from lintas.messaging.gateway import gateway_secret, request_verify
from lintas.messaging.outbound import report_apply
from lintas.messaging.services import inbound_receive

router = Router()


class GatewayNotConfigured(LintasError):
    status = 503
    code = "not_configured"


class GatewayRefused(LintasError):
    status = 401
    code = "unauthenticated"


class SignedCall(APIKeyHeader):
    """The HMAC signature of the call, checked with its time window and nonce."""

    param_name = signing.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> str:
        secret = gateway_secret()
        if not secret:
            raise GatewayNotConfigured(
                "The SMS gateway is not configured on this server (LINTAS_GATEWAY_SECRET)."
            )
        try:
            request_verify(request, secret=secret)
        except signing.SignatureRefused as refused:
            raise GatewayRefused(f"Gateway call refused: {refused.reason}.") from refused
        return "sms-gateway"


class InboundIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=100)
    sender: str = Field(..., alias="from", max_length=40)
    to: str = Field("", max_length=40)
    text: str = Field("", max_length=40_000)
    gateway: Literal["kannel"] = "kannel"


class InboundOut(Schema):
    status: Literal["created", "duplicate"]
    handling: str


class ReportIn(Schema):
    key: str = Field(..., max_length=64)
    status: str = Field(..., max_length=8)
    answer: str = Field("", max_length=200)


class ReportOut(Schema):
    state: str | None


@router.post(
    "/inbound",
    auth=SignedCall(),
    response={200: InboundOut, **errors(400, 401, 422, 503)},
    summary="An SMS the gateway received",
)
def inbound(request: HttpRequest, payload: InboundIn) -> InboundOut:
    """Keep the message (once per gateway id) and queue the answer to it."""
    received = inbound_receive(
        gateway=payload.gateway,
        message_id=payload.message_id,
        sender=payload.sender,
        text=payload.text,
    )
    return InboundOut(
        status="duplicate" if received.duplicate else "created",
        handling=received.message.handling,
    )


@router.post(
    "/report",
    auth=SignedCall(),
    response={200: ReportOut, **errors(400, 401, 422, 503)},
    summary="A delivery report of an outbound message",
)
def report(request: HttpRequest, payload: ReportIn) -> ReportOut:
    """Move the message to the reported state (delivered and failed are final)."""
    return ReportOut(
        state=report_apply(key=payload.key, status=payload.status, answer=payload.answer)
    )
