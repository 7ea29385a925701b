"""Alerts and screening results over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lintas.accounts.decorators import signed_in_user
from lintas.common.api_errors import errors
from lintas.common.errors import NotFound, ValidationFailed
from lintas.screening import selectors, services
from lintas.screening.models import Alert, AlertOutcome, AlertStatus

router = Router()


class AlertOut(Schema):
    id: UUID
    kind: str
    level: str
    status: str
    post: str | None
    crossing_id: UUID | None
    created_at: datetime
    acknowledged_at: datetime | None
    outcome: str
    summary: dict[str, Any]


def _out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.pk,
        kind=a.kind,
        level=a.level,
        status=a.status,
        post=a.post_id,
        crossing_id=a.crossing_id,
        created_at=a.created_at,
        acknowledged_at=a.acknowledged_at,
        outcome=a.outcome,
        summary=a.summary,
    )


@router.get(
    "/alerts", response={200: list[AlertOut], **errors(400, 401, 422)}, summary="Alerts I may see"
)
def alerts(request: HttpRequest, status: str = AlertStatus.OPEN) -> list[AlertOut]:
    if status and status not in AlertStatus.values:
        raise ValidationFailed(_("Unknown status."), field_errors={"status": _("Unknown status.")})
    return [
        _out(a) for a in selectors.alerts_queue(user=signed_in_user(request), status=status)[:500]
    ]


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Acknowledge",
)
def acknowledge(request: HttpRequest, alert_id: UUID) -> AlertOut:
    return _out(services.alert_acknowledge(actor=signed_in_user(request), alert_id=alert_id))


class CloseIn(Schema):
    outcome: str = Field(max_length=20, json_schema_extra={"enum": list(AlertOutcome.values)})
    note: str = Field("", max_length=500)


@router.post(
    "/alerts/{alert_id}/close",
    response={200: AlertOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Close with an outcome",
)
def close(request: HttpRequest, alert_id: UUID, payload: CloseIn) -> AlertOut:
    return _out(
        services.alert_close(
            actor=signed_in_user(request),
            alert_id=alert_id,
            outcome=payload.outcome,
            note=payload.note,
        )
    )


class ScreeningOut(Schema):
    crossing_id: UUID
    level: str
    next_step: str
    ruleset_version: int
    reasons: list[dict[str, Any]]


@router.get(
    "/screening/{crossing_id}",
    response={200: ScreeningOut, **errors(400, 401, 403, 404, 422)},
    summary="A crossing's screening",
)
def screening_of(request: HttpRequest, crossing_id: UUID) -> ScreeningOut:
    from lintas.crossings.selectors import crossing_for_desk

    crossing = crossing_for_desk(user=signed_in_user(request), crossing_id=crossing_id)
    result = getattr(crossing, "screening", None)
    if result is None:
        raise NotFound("No screening for this crossing.")
    return ScreeningOut(
        crossing_id=crossing.pk,
        level=result.level,
        next_step=result.next_step,
        ruleset_version=result.ruleset_version,
        reasons=result.reasons,
    )
