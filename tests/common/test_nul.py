"""A NUL character (U+0000) anywhere in a request is refused with 400, and nothing is written.

PostgreSQL cannot hold U+0000 in text: before one central check, 14 of these requests
ended in a server error there. Each request below is otherwise valid (the same request
without the NUL is accepted, see the controls), so the NUL is the only reason to refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import models
from django.test import Client, override_settings

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, CasePerson, Tip, TipMessage
from lintas.crossings.models import Crossing, MarketVisit, TravelDocument, Traveller
from lintas.places.models import Post
from lintas.portal.models import TipIntake
from lintas.portal.security import limiter
from lintas.sync.models import OutboxEvent
from tests.crossings.test_api import payload as crossing_payload
from tests.crossings.test_desk import desk_post
from tests.portal.helpers import tip_data

pytestmark = pytest.mark.django_db

MESSAGE_ID = (
    "Permintaan ini memuat karakter NUL (U+0000), yang tidak diizinkan. Tidak ada yang diubah."
)
MESSAGE_EN = (
    "The request contains a NUL character (U+0000), which is not allowed. Nothing was changed."
)
FIELD_ID = "Nilai ini memuat karakter NUL (U+0000)."
GATEWAY = "gateway-secret-for-tests-0123456789"
COUNTED: tuple[type[models.Model], ...] = (
    Tip,
    TipMessage,
    TipIntake,
    Crossing,
    Traveller,
    TravelDocument,
    MarketVisit,
    Case,
    CasePerson,
    User,
    AuditEntry,
    OutboxEvent,
)


@dataclass(frozen=True)
class Call:
    """One request: who sends it, and how (``form``, ``json`` or ``raw`` JSON bytes)."""

    who: str
    method: str
    url: str
    kind: str = "form"
    data: Any = None
    where: str = ""  # the field the API names as holding the NUL
    headers: dict[str, str] = field(default_factory=dict)


def crossing(**overrides: Any) -> dict[str, Any]:
    return crossing_payload(**overrides)


def traveller(**overrides: Any) -> dict[str, Any]:
    base = crossing()["traveller"]
    return {**base, **overrides}


def raw_json(body: dict[str, Any], marker: str) -> bytes:
    """``body`` as JSON with ``marker`` in it replaced by a raw NUL byte (invalid JSON)."""
    return json.dumps(body).replace(marker, "\x00").encode("utf-8")


CALLS: dict[str, Call] = {
    # The public portal (anyone).
    "portal agencies search": Call("anonymous", "get", "/publik/agensi/?q=%00"),
    "portal agencies search tail": Call("anonymous", "get", "/publik/agensi/?q=PT%20Maju%00"),
    "portal areas": Call("anonymous", "get", "/publik/lapor/wilayah/?regency=53.04%00"),
    "portal post page": Call("anonymous", "get", "/publik/pos/motaain%00/"),
    "portal tip regency": Call(
        "anonymous", "post", "/publik/lapor/", "form", {"regency": "53.04\x00"}
    ),
    "portal tip district": Call(
        "anonymous", "post", "/publik/lapor/", "form", {"district": "53.04.02\x00"}
    ),
    "portal tip body": Call(
        "anonymous", "post", "/publik/lapor/", "form", {"body": "Perekrut\x00 di Atambua"}
    ),
    "portal tip contact": Call(
        "anonymous", "post", "/publik/lapor/", "form", {"contact_phone": "0812\x003456"}
    ),
    "portal tip field name": Call("anonymous", "post", "/publik/lapor/", "form", {"note\x00": "x"}),
    "portal check": Call("anonymous", "post", "/publik/cek/", "form", {"code": "ABCD\x00"}),
    "portal add information": Call(
        "anonymous",
        "post",
        "/publik/cek/tambah/",
        "form",
        {"code": "ABCD-EFGH-JKMN-PQRS-TVWX", "text": "Mobil\x00", "token": "x"},
    ),
    "portal language": Call("anonymous", "get", "/publik/bahasa/en%00/"),
    "sms gateway text": Call(
        "gateway",
        "post",
        "/api/portal/sms",
        "json",
        {"message_id": "gw-1", "channel": "sms", "from": "0812-3456-7890", "text": "Calo\x00"},
        where="text",
    ),
    "sms gateway message id": Call(
        "gateway",
        "post",
        "/api/portal/sms",
        "json",
        {"message_id": "gw-\x001", "channel": "sms", "from": "0812-3456-7890", "text": "Calo"},
        where="message_id",
    ),
    "sign-in user name": Call(
        "anonymous", "post", "/accounts/login/", "form", {"username": "a\x00", "password": "x"}
    ),
    # Crossing registration: the API and the desk.
    "api crossings today": Call("officer", "get", "/api/crossings/today?q=A%00", where="q"),
    "api regency districts": Call(
        "officer", "get", "/api/places/regencies/5%00/districts", where="path"
    ),
    "api crossing entry point": Call(
        "officer",
        "post",
        "/api/crossings",
        "json",
        crossing(entry_point="motaain-motaain\x00"),
        where="entry_point",
    ),
    "api crossing residence district": Call(
        "officer",
        "post",
        "/api/crossings",
        "json",
        crossing(traveller=traveller(residence_district_code="53.04\x00")),
        where="traveller.residence_district_code",
    ),
    "api crossing kilb number": Call(
        "officer",
        "post",
        "/api/crossings",
        "json",
        crossing(kilb_number="KILB\x001"),
        where="kilb_number",
    ),
    "api crossing document number": Call(
        "officer",
        "post",
        "/api/crossings",
        "json",
        crossing(document={**crossing()["document"], "number": "C11\x0022334"}),
        where="document.number",
    ),
    "api crossing observation": Call(
        "officer",
        "post",
        "/api/crossings",
        "json",
        crossing(observations=["alone", "\x00"]),
        where="observations.1",
    ),
    "api crossing raw nul byte": Call(
        "officer",
        "post",
        "/api/crossings",
        "raw",
        raw_json(crossing(destination="Kupang@NUL@"), "@NUL@"),
    ),
    "api mrz": Call(
        "officer", "post", "/api/mrz", "json", {"lines": ["P<IDN\x00"]}, where="lines.0"
    ),
    "desk entry point": Call(
        "officer", "post", "/crossings/desk/", "form", desk_post(entry_point="motaain-motaain\x00")
    ),
    "desk residence district": Call(
        "officer", "post", "/crossings/desk/", "form", desk_post(residence_district="53.04\x00")
    ),
    "desk kilb number": Call(
        "officer", "post", "/crossings/desk/", "form", desk_post(kilb_number="KILB\x001")
    ),
    "desk surname": Call(
        "officer", "post", "/crossings/desk/", "form", desk_post(surname="DA\x00COSTA")
    ),
    "desk scan": Call("officer", "post", "/crossings/desk/scan/", "form", {"scan": "P<TLS\x00"}),
    "desk today search": Call("officer", "get", "/crossings/today/?q=A%00"),
    "places regency page": Call("officer", "get", "/places/regency/53.04%00/"),
    "places district page": Call("officer", "get", "/places/district/53.04.02%00/"),
    # The market desk.
    "api market checkout": Call(
        "registrar", "post", "/api/market/visits/MOT%00/checkout", where="path"
    ),
    "api market check-in": Call(
        "registrar",
        "post",
        "/api/market/visits",
        "json",
        {"full_name": "Joana\x00 Soares", "origin_village": "Batugade"},
        where="full_name",
    ),
    "market check-in form": Call(
        "registrar",
        "post",
        "/crossings/market/",
        "form",
        {"full_name": "Joana Soares", "origin_village": "Bat\x00ugade"},
    ),
    "market checkout form": Call(
        "registrar", "post", "/crossings/market/checkout/", "form", {"visit_number": "MOT\x00"}
    ),
    "market slip": Call("registrar", "get", "/crossings/market/slip/MOT%00/"),
    # Accounts and cases.
    "api users search": Call("admin", "get", "/api/accounts/users?q=a%00", where="q"),
    "users search page": Call("admin", "get", "/accounts/users/?q=a%00"),
    "user create form": Call(
        "admin",
        "post",
        "/accounts/users/new/",
        "form",
        {"username": "baru\x00", "full_name": "Baru", "role": "case_worker", "password": "x"},
    ),
    "case open form": Call(
        "case_worker", "post", "/cases/new/", "form", {"summary": "Direkrut\x00 ke Malaysia"}
    ),
    "tip queue search": Call("case_worker", "get", "/cases/tips/?q=a%00"),
    "cookie": Call("anonymous", "get", "/publik/", headers={"HTTP_COOKIE": 'x="a\\000b"'}),
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def clients(user_factory: Callable[..., User]) -> Callable[[str], Client]:
    motaain = Post.objects.get(code="motaain")

    def client_for(who: str) -> Client:
        if who in ("anonymous", "gateway"):
            return Client()
        role, post = {
            "officer": (Role.POST_OFFICER, motaain),
            "registrar": (Role.MARKET_REGISTRAR, motaain),
            "admin": (Role.AGENCY_ADMIN, None),
            "case_worker": (Role.CASE_WORKER, None),
        }[who]
        client = Client()
        client.force_login(user_factory(role, post=post))
        return client

    return client_for


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in COUNTED}


def send(client: Client, call: Call, data: Any = None) -> Any:
    data = call.data if data is None else data
    headers = dict(call.headers)
    if call.who == "gateway":
        headers["HTTP_X_LINTAS_GATEWAY_TOKEN"] = GATEWAY
    if call.kind == "json":
        return getattr(client, call.method)(
            call.url, data=json.dumps(data), content_type="application/json", **headers
        )
    if call.kind == "raw":
        return client.post(call.url, data=data, content_type="application/json", **headers)
    if call.method == "post" and call.url == "/publik/lapor/":
        data = tip_data(**data)
    return getattr(client, call.method)(call.url, data, **headers)


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=GATEWAY)
@pytest.mark.parametrize("name", list(CALLS))
def test_a_nul_character_is_refused_and_changes_nothing(
    clients: Callable[[str], Client], name: str
) -> None:
    call = CALLS[name]
    client = clients(call.who)
    before = counts()
    response = send(client, call)
    assert response.status_code == 400, response.content[:300]
    assert counts() == before
    if call.url.startswith("/api/"):
        fields = {call.where: FIELD_ID} if call.where else {}
        assert response.json() == {"code": "nul_character", "message": MESSAGE_ID, "fields": fields}
    else:
        page = response.content.decode()
        assert f"<p>{MESSAGE_ID}</p>" in page
        assert response["Cache-Control"] == "no-store"


def test_the_refusal_speaks_the_users_language(clients: Callable[[str], Client]) -> None:
    client = Client()
    client.cookies["lintas_language"] = "en"
    page = client.get("/publik/agensi/?q=%00")
    assert page.status_code == 400
    assert f"<p>{MESSAGE_EN}</p>" in page.content.decode()
    assert "<h1>Bad request</h1>" in page.content.decode()
    client.cookies["lintas_language"] = "tet"
    page = client.get("/publik/agensi/?q=%00")
    assert page.status_code == 400
    assert "La muda buat ida." in page.content.decode()
    api = clients("officer")
    api.cookies["lintas_language"] = "en"
    answer = api.get("/api/crossings/today?q=A%00")
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "nul_character",
        "message": MESSAGE_EN,
        "fields": {"q": "This value contains a NUL character (U+0000)."},
    }
    staff = clients("officer").get("/crossings/today/?q=A%00")
    assert staff.status_code == 400
    assert f"<p>{MESSAGE_ID}</p>" in staff.content.decode()
    assert "<h1>Permintaan tidak valid</h1>" in staff.content.decode()


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=GATEWAY)
@pytest.mark.parametrize(
    ("name", "status", "written"),
    [
        ("portal tip regency", 200, "cases.Tip"),
        ("sms gateway text", 201, "cases.Tip"),
        ("api crossing entry point", 201, "crossings.Crossing"),
        ("api crossing document number", 201, "crossings.Crossing"),
        ("desk entry point", 302, "crossings.Crossing"),
        ("api market check-in", 201, "crossings.MarketVisit"),
    ],
)
def test_the_same_requests_without_the_nul_are_accepted(
    clients: Callable[[str], Client], name: str, status: int, written: str
) -> None:
    call = CALLS[name]

    def without_nul(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("\x00", "")
        if isinstance(value, dict):
            return {k: without_nul(v) for k, v in value.items()}
        if isinstance(value, list):
            return [without_nul(v) for v in value]
        return value

    before = counts()
    response = send(clients(call.who), call, without_nul(call.data))
    assert response.status_code == status, response.content[:300]
    assert counts()[written] == before[written] + 1


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(
    clients: Callable[[str], Client],
) -> None:
    body = crossing(destination="Folder C:\\u0000")  # the six characters \u0000, as text
    encoded = json.dumps(body)
    assert "\\\\u0000" in encoded
    response = clients("officer").post("/api/crossings", encoded, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Crossing.objects.get().destination == "Folder C:\\u0000"
