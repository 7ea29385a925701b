"""Crossings and market visits over HTTP: the desk's operations for devices and scripts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from lintas.accounts.decorators import signed_in_user
from lintas.common.api_errors import errors
from lintas.common.errors import ValidationFailed
from lintas.crossings import kilb, selectors, services
from lintas.crossings.models import (
    Crossing,
    Direction,
    DocumentKind,
    MarketVisit,
    Outcome,
    Purpose,
    RefusalReason,
    Sex,
)
from lintas.crossings.mrz import MrzFormatError, parse_mrz

router = Router()


class TravellerIn(Schema):
    surname: str = Field(max_length=100)
    given_names: str = Field("", max_length=150)
    sex: str = Field("X", max_length=1, json_schema_extra={"enum": list(Sex.values)})
    birth_date: date | None = None
    nationality: str = Field("IDN", max_length=3)
    residence_district_code: str = Field("", max_length=8)


class DocumentIn(Schema):
    kind: str = Field(max_length=10, json_schema_extra={"enum": list(DocumentKind.values)})
    number: str = Field(max_length=30)
    issuing_state: str = Field(max_length=3)
    expiry_date: date | None = None
    issued_on: date | None = None
    mrz_format: str = Field("", max_length=4)
    mrz_errors: list[str] = Field(default_factory=list, max_length=8)


class CrossingIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "direction": "out",
                    "purpose": "family",
                    "entry_point": "motaain-motaain",
                    "destination": "Batugade",
                    "traveller": {
                        "surname": "Bria",
                        "given_names": "Yohanes",
                        "sex": "M",
                        "birth_date": "1985-05-01",
                        "nationality": "IDN",
                    },
                    "document": {
                        "kind": "passport",
                        "number": "C7654321",
                        "issuing_state": "IDN",
                        "expiry_date": "2030-01-01",
                    },
                }
            ]
        }
    )

    id: UUID | None = Field(None, description="Made by the client; a re-send is idempotent")
    direction: str = Field(max_length=3, json_schema_extra={"enum": list(Direction.values)})
    purpose: str = Field(max_length=10, json_schema_extra={"enum": list(Purpose.values)})
    outcome: str = Field(
        Outcome.CROSSED,
        max_length=8,
        description="refused: entry or exit refused, with its refusal_reason",
        json_schema_extra={"enum": list(Outcome.values)},
    )
    refusal_reason: str = Field(
        "", max_length=24, json_schema_extra={"enum": ["", *RefusalReason.values]}
    )
    document_reason: str = Field(
        "", max_length=200, description="Why an expired document is accepted"
    )
    entry_point: str = Field(
        max_length=60,
        description="Code of an entry point of your post",
        examples=["motaain-motaain"],
    )
    traveller: TravellerIn
    document: DocumentIn
    destination: str = Field("", max_length=150)
    employer_name: str = Field("", max_length=150)
    recruiter_name: str = Field("", max_length=150)
    placement_agency_licence: str = Field("", max_length=60)
    goods_value_idr: int | None = Field(None, ge=0, le=10**12)
    kilb_number: str = Field("", max_length=30)
    sponsor_phone: str = Field("", max_length=25)
    observations: list[str] = Field(default_factory=list, max_length=20)
    notes: str = Field("", max_length=500)
    group_id: UUID | None = None
    accept_document_problems: bool = False


class CrossingOut(Schema):
    id: UUID
    traveller_id: UUID
    document_id: UUID
    post: str
    entry_point: str
    direction: str
    outcome: str
    refusal_reason: str
    purpose: str
    crossed_at: datetime
    document_problems: list[str]
    outbound_id: UUID | None


def _crossing_out(c: Crossing) -> CrossingOut:
    return CrossingOut(
        id=c.pk,
        traveller_id=c.traveller_id,
        document_id=c.document_id,
        post=c.post_id,
        entry_point=c.entry_point.code,
        direction=c.direction,
        outcome=c.outcome,
        refusal_reason=c.refusal_reason,
        purpose=c.purpose,
        crossed_at=c.crossed_at,
        document_problems=list(c.document_problems),
        outbound_id=c.outbound_id,
    )


@router.post(
    "/crossings",
    response={201: CrossingOut, **errors(400, 401, 403, 409, 422)},
    summary="Register a crossing",
)
def crossing_register(request: HttpRequest, payload: CrossingIn) -> Status[CrossingOut]:
    actor = signed_in_user(request)
    crossing = services.crossing_register(
        actor=actor,
        traveller=services.TravellerData(**payload.traveller.dict()),
        document=services.DocumentData(
            **{**payload.document.dict(), "mrz_errors": tuple(payload.document.mrz_errors)}
        ),
        crossing=services.CrossingData(
            direction=payload.direction,
            purpose=payload.purpose,
            entry_point_code=payload.entry_point,
            destination=payload.destination,
            employer_name=payload.employer_name,
            recruiter_name=payload.recruiter_name,
            placement_agency_licence=payload.placement_agency_licence,
            goods_value_idr=payload.goods_value_idr,
            kilb_number=payload.kilb_number,
            notes=payload.notes,
            group_id=payload.group_id,
            sponsor_phone=payload.sponsor_phone,
            observations=tuple(payload.observations),
            outcome=payload.outcome,
            refusal_reason=payload.refusal_reason,
            document_reason=payload.document_reason,
        ),
        crossing_id=payload.id,
        accept_document_problems=payload.accept_document_problems,
    )
    return Status(201, _crossing_out(crossing))


@router.get(
    "/crossings/today",
    response={200: list[CrossingOut], **errors(400, 401, 403)},
    summary="Today's crossings at my post",
)
def crossings_today(
    request: HttpRequest, direction: str = "", kind: str = "", q: str = ""
) -> list[CrossingOut]:
    rows = selectors.crossings_of_day(
        user=signed_in_user(request), direction=direction, kind=kind, search=q
    )
    return [_crossing_out(c) for c in rows[:500]]


class MrzIn(Schema):
    lines: list[str] = Field(
        min_length=1,
        max_length=3,
        examples=[
            [
                "P<TLSDA<COSTA<<JOSE<MARIA<<<<<<<<<<<<<<<<<<<",
                "B1234567<3TLS9003141M3101012<<<<<<<<<<<<<<<8",
            ]
        ],
    )


@router.post(
    "/mrz",
    response={200: dict[str, Any], **errors(400, 401, 403, 422)},
    summary="Read an MRZ (no record is written)",
)
def mrz_read(request: HttpRequest, payload: MrzIn) -> dict[str, Any]:
    signed_in_user(request)
    try:
        return parse_mrz(payload.lines).as_dict()
    except MrzFormatError as exc:
        raise ValidationFailed(
            exc.message, field_errors={"lines": exc.message}, code=f"mrz_{exc.code}"
        ) from exc


class VisitIn(Schema):
    full_name: str = Field(max_length=150, examples=["Maria Soares"])
    origin_village: str = Field(max_length=100, examples=["Batugade"])
    id_number: str = Field("", max_length=30)


class VisitOut(Schema):
    id: UUID
    visit_number: str
    full_name: str
    origin_village: str
    checked_in_at: datetime
    checked_out_at: datetime | None


def _visit_out(v: MarketVisit) -> VisitOut:
    return VisitOut(
        id=v.pk,
        visit_number=v.visit_number,
        full_name=v.full_name,
        origin_village=v.origin_village,
        checked_in_at=v.checked_in_at,
        checked_out_at=v.checked_out_at,
    )


@router.post(
    "/market/visits",
    response={201: VisitOut, **errors(400, 401, 403, 409, 422)},
    summary="Check a market visitor in",
)
def market_check_in(request: HttpRequest, payload: VisitIn) -> Status[VisitOut]:
    visit = services.market_visit_register(actor=signed_in_user(request), **payload.dict())
    return Status(201, _visit_out(visit))


@router.post(
    "/market/visits/{number}/checkout",
    response={200: VisitOut, **errors(400, 401, 403, 404, 409)},
    summary="Check out by slip",
)
def market_check_out(request: HttpRequest, number: str) -> VisitOut:
    return _visit_out(
        services.market_visit_checkout(actor=signed_in_user(request), visit_number=number)
    )


@router.get(
    "/market/open",
    response={200: list[VisitOut], **errors(400, 401, 403)},
    summary="Visitors not checked out today",
)
def market_open(request: HttpRequest) -> list[VisitOut]:
    return [_visit_out(v) for v in selectors.market_visits_open(user=signed_in_user(request))]


class KilbIn(Schema):
    number: str = Field(max_length=30)
    plb_number: str = Field(max_length=30)
    monthly_limit_idr: int = Field(gt=0, le=10**10)
    expiry_date: date


class KilbOut(Schema):
    id: UUID
    number: str
    holder_id: UUID
    monthly_limit_idr: int
    expiry_date: date
    used_this_month_idr: int


@router.post(
    "/kilb",
    response={201: KilbOut, **errors(400, 401, 403, 409, 422)},
    summary="Issue a KILB card to a PLB holder",
)
def kilb_issue(request: HttpRequest, payload: KilbIn) -> Status[KilbOut]:
    card = kilb.kilb_card_issue(actor=signed_in_user(request), **payload.dict())
    return Status(
        201,
        KilbOut(
            id=card.pk,
            number=card.number,
            holder_id=card.holder_id,
            monthly_limit_idr=card.monthly_limit_idr,
            expiry_date=card.expiry_date,
            used_this_month_idr=kilb.kilb_month_used(card=card, on=timezone.localdate()),
        ),
    )
