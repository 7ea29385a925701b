"""Every refused API request answers with the one documented error shape, in Bahasa Indonesia."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def test_unauthenticated_answer() -> None:
    response = Client().get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Silakan masuk terlebih dahulu.",
        "fields": {},
    }


def test_unreadable_body_answer(officer: User, login_client: Callable[[User], Client]) -> None:
    response = login_client(officer).post(
        "/api/mrz", data=b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "Isi permintaan tidak dapat dibaca.",
        "fields": {},
    }


def test_csrf_refusal_answer(officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    signed_in = client.post(
        "/accounts/login/",
        {"username": officer.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302
    response = client.post("/api/mrz", {"lines": ["P<IDN"]}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "Permintaan ditolak (pemeriksaan CSRF gagal).",
        "fields": {},
    }


def test_schema_validation_answer(officer: User, login_client: Callable[[User], Client]) -> None:
    response = login_client(officer).post(
        "/api/alerts/not-a-uuid/close", {"outcome": "x" * 21}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("validation", "Masukan tidak valid.")
    assert sorted(body["fields"]) == ["alert_id", "outcome"]


def test_every_operation_documents_its_errors_with_one_schema() -> None:
    # 400: an unreadable body, or a NUL character anywhere in the request.
    schema = Client().get("/api/openapi.json").json()
    assert sorted(schema["components"]["schemas"]["ErrorOut"]["required"]) == [
        "code",
        "fields",
        "message",
    ]
    documented = {
        f"{method.upper()} {path}": sorted(
            int(status)
            for status, answer in operation["responses"].items()
            if int(status) >= 400 and answer["content"]["application/json"]["schema"] == ERROR_REF
        )
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert documented == {
        "GET /api/accounts/me": [400, 401],
        "GET /api/accounts/users": [400, 401, 403],
        "GET /api/places/posts": [400, 401],
        "GET /api/places/regencies": [400, 401],
        "GET /api/places/regencies/{code}/districts": [400, 401],
        "GET /api/places/districts/{code}/villages": [400, 401],
        "POST /api/crossings": [400, 401, 403, 409, 422],
        "GET /api/crossings/today": [400, 401, 403],
        "POST /api/mrz": [400, 401, 403, 422],
        "POST /api/market/visits": [400, 401, 403, 409, 422],
        "POST /api/market/visits/{number}/checkout": [400, 401, 403, 404, 409],
        "GET /api/market/open": [400, 401, 403],
        "POST /api/kilb": [400, 401, 403, 409, 422],
        "GET /api/alerts": [400, 401, 422],
        "POST /api/alerts/{alert_id}/acknowledge": [400, 401, 403, 404, 409, 422],
        "POST /api/alerts/{alert_id}/close": [400, 401, 403, 404, 409, 422],
        "GET /api/screening/{crossing_id}": [400, 401, 403, 404, 422],
        "POST /api/portal/sms": [400, 401, 422, 503],
        "POST /api/outreach/activities": [400, 401, 403, 409, 422],
        "GET /api/outreach/activities": [400, 401, 403],
        "GET /api/outreach/groups": [400, 401, 403],
        "POST /api/outreach/groups": [400, 401, 403, 409, 422],
        "POST /api/outreach/meetings": [400, 401, 403, 404, 409, 422],
        "POST /api/outreach/reports": [400, 401, 403, 404, 409, 422],
        "GET /api/outreach/reports": [400, 401, 403],
        "GET /api/outreach/coverage": [400, 401, 403],
        "POST /api/mobile/keys": [400, 401, 422],
        "DELETE /api/mobile/keys/current": [400, 401],
        "GET /api/mobile/bootstrap": [400, 401],
        "GET /api/mobile/places": [400, 401],
        "POST /api/mobile/follow-ups/{follow_up_id}": [400, 401, 403, 404, 409, 422],
        "POST /api/messaging/inbound": [400, 401, 422, 503],
        "POST /api/messaging/report": [400, 401, 422, 503],
    }
