"""The crossings API: registration, idempotent re-sends, clear refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing, MarketVisit
from lintas.places.models import Post
from tests.crossings.conftest import passport_lines

pytestmark = pytest.mark.django_db


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid7()),
        "direction": "out",
        "purpose": "work",
        "entry_point": "motaain-motaain",
        "traveller": {
            "surname": "Nahak",
            "given_names": "Agustinus",
            "sex": "M",
            "birth_date": "1995-02-03",
            "nationality": "IDN",
        },
        "document": {
            "kind": "passport",
            "number": "C1122334",
            "issuing_state": "IDN",
            "expiry_date": "2030-05-05",
        },
        "destination": "Kuala Lumpur",
        "recruiter_name": "Bapak Yakobus",
    }
    body.update(overrides)
    return body


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api(officer_at: Callable[[str], User], login_client: Callable[[User], Client]) -> Client:
    return login_client(officer_at("motaain"))


def test_register_and_resend(api: Client) -> None:
    body = payload()
    first = post(api, "/api/crossings", body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert (data["id"], data["post"], data["direction"]) == (body["id"], "motaain", "out")
    again = post(api, "/api/crossings", body)
    assert again.status_code == 201
    assert again.json()["id"] == body["id"]
    assert Crossing.objects.count() == 1
    today = api.get("/api/crossings/today").json()
    assert [c["id"] for c in today] == [body["id"]]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (payload(direction="sideways"), 422, "direction"),
        (payload(entry_point="wini-wini"), 422, "entry_point"),
        (payload(traveller={"surname": "x" * 500}), 422, "traveller.surname"),
        (
            payload(
                document={
                    "kind": "passport",
                    "number": "C1",
                    "issuing_state": "IDN",
                    "expiry_date": "2001-01-01",
                }
            ),
            422,
            "expiry_date",
        ),
        (payload(goods_value_idr=-5), 422, "goods_value_idr"),
        (payload(id="not-a-uuid"), 422, "id"),
        ({"direction": "out"}, 422, "purpose"),
    ],
    ids=["direction", "other-post", "huge", "expired", "negative", "bad-id", "missing"],
)
def test_bad_payloads_are_refused_clearly(
    api: Client, body: dict[str, Any], status: int, field: str
) -> None:
    response = post(api, "/api/crossings", body)
    assert response.status_code == status, response.content
    error = response.json()
    assert error["code"] == "validation"
    assert any(field in key for key in error["fields"]), error
    assert Crossing.objects.count() == 0


def test_garbage_body_is_refused(api: Client) -> None:
    for raw in (b"{", b"\x00\x01", b"[]", b'"text"'):
        response = api.post("/api/crossings", data=raw, content_type="application/json")
        assert response.status_code in {400, 422}, raw
    assert Crossing.objects.count() == 0


def test_only_desk_roles_may_register(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(Role.CASE_WORKER))
    response = post(client, "/api/crossings", payload())
    assert response.status_code == 403
    assert Crossing.objects.count() == 0
    assert (
        Client()
        .post("/api/crossings", data=json.dumps(payload()), content_type="application/json")
        .status_code
        == 401
    )


def test_mrz_endpoint(api: Client) -> None:
    good = post(api, "/api/mrz", {"lines": list(passport_lines())}).json()
    assert (good["surname"], good["valid"]) == ("DA COSTA", True)
    bad = post(api, "/api/mrz", {"lines": ["hello"]})
    assert bad.status_code == 422
    assert bad.json()["code"] == "mrz_lowercase"


def test_market_api(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(
        user_factory(Role.MARKET_REGISTRAR, post=Post.objects.get(code="motaain"))
    )
    visit = post(
        client, "/api/market/visits", {"full_name": "Joana Soares", "origin_village": "Batugade"}
    )
    assert visit.status_code == 201
    number = visit.json()["visit_number"]
    assert [v["visit_number"] for v in client.get("/api/market/open").json()] == [number]
    out = client.post(f"/api/market/visits/{number}/checkout")
    assert out.status_code == 200
    assert out.json()["checked_out_at"] is not None
    twice = client.post(f"/api/market/visits/{number}/checkout")
    assert twice.status_code == 409
    assert client.get("/api/market/open").json() == []
    assert MarketVisit.objects.count() == 1


def test_a_refusal_through_the_api(api: Client) -> None:
    body = payload(outcome="refused", refusal_reason="")
    missing = post(api, "/api/crossings", body)
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"refusal_reason": "Isi alasan penolakan."}
    wrong = post(api, "/api/crossings", {**body, "refusal_reason": "bribe"})
    assert wrong.status_code == 422
    assert Crossing.objects.count() == 0
    body["refusal_reason"] = "no_placement_papers"
    saved = post(api, "/api/crossings", body)
    assert saved.status_code == 201, saved.content
    assert (saved.json()["outcome"], saved.json()["refusal_reason"]) == (
        "refused",
        "no_placement_papers",
    )
    assert post(api, "/api/crossings", body).status_code == 201  # the same id: the same crossing
    assert list(Crossing.objects.values_list("outcome", "refusal_reason")) == [
        ("refused", "no_placement_papers")
    ]
