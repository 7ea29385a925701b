"""The desk pages: scan, save, today's list, overstays, and the market desk."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing, DocumentKind, MarketVisit
from lintas.crossings.services import DocumentData, TravellerData
from lintas.places.models import Post
from tests.crossings.conftest import passport_lines, register

pytestmark = pytest.mark.django_db


def field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


ROW_NAME_RE = re.compile(r'<td>([^<]*?) <span class="muted">[A-Z]{3}</span></td>')


def names_in(rows: str) -> list[str]:
    """The travellers' names in the rows of today's list, in order."""
    return ROW_NAME_RE.findall(rows)


def desk_post(**overrides: str) -> dict[str, str]:
    data = {
        "crossing_id": str(uuid7()),
        "direction": "out",
        "entry_point": "motaain-turiskain",
        "purpose": "family",
        "kind": "passport",
        "number": "B1234567",
        "issuing_state": "TLS",
        "expiry_date": "2031-01-01",
        "surname": "DA COSTA",
        "given_names": "JOSE MARIA",
        "sex": "M",
        "birth_date": "1990-03-14",
        "nationality": "TLS",
        "destination": "Batugade",
    }
    data.update(overrides)
    return data


@pytest.fixture
def desk_client(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> Client:
    return login_client(officer_at("motaain"))


def test_scan_fills_the_form_from_an_mrz(desk_client: Client) -> None:
    scan = "\n".join(passport_lines())
    html = desk_client.post("/crossings/desk/scan/", {"scan": scan}).content.decode()
    assert field_value(html, "number") == "B1234567"
    assert field_value(html, "surname") == "DA COSTA"
    assert field_value(html, "given_names") == "JOSE MARIA"
    assert field_value(html, "birth_date") == "1990-03-14"
    assert field_value(html, "expiry_date") == "2031-01-01"
    assert "data-autofocus" in html
    assert "data-problem" not in html


def test_scan_with_a_broken_check_digit_marks_the_field(desk_client: Client) -> None:
    line1, line2 = passport_lines()
    broken = line2[:19] + ("0" if line2[19] != "0" else "1") + line2[20:]
    html = desk_client.post(
        "/crossings/desk/scan/", {"scan": f"{line1}\n{broken}"}
    ).content.decode()
    assert "data-problem" in html
    assert "Periksa" in html  # the check failed, in Bahasa Indonesia
    assert 'name="accept_document_problems"' in html
    assert field_value(html, "mrz_errors") == "birth_date check digit,composite check digit"


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        ("", "Pindai dokumen"),
        (
            "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\nl898902c36uto7408122f1204159ze184226b<<<<<10",
            "huruf kapital",
        ),
        ("P<UTOERIKSSON<<ANNA\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", "panjang"),
        ("x" * 10_000, "jauh lebih panjang"),
        ("ZZ999999", "Belum ada dokumen"),
        (
            "P<UTO\u0415RIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
            "karakter",
        ),
    ],
    ids=["empty", "lowercase", "truncated", "huge", "unknown-number", "cyrillic"],
)
def test_bad_scans_get_a_clear_message(desk_client: Client, scan: str, message: str) -> None:
    before = Crossing.objects.count()
    response = desk_client.post("/crossings/desk/scan/", {"scan": scan})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Crossing.objects.count() == before


def test_returning_traveller_is_found_by_document_number(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    register(
        officer,
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number="C7654321",
            issuing_state="IDN",
            expiry_date=date(2030, 1, 1),
        ),
    )
    html = (
        login_client(officer).post("/crossings/desk/scan/", {"scan": "c7654321"}).content.decode()
    )
    assert field_value(html, "surname") == "Bria"
    assert field_value(html, "number") == "C7654321"


def test_desk_saves_and_lists_the_crossing(desk_client: Client) -> None:
    data = desk_post()
    response = desk_client.post("/crossings/desk/", data)
    assert response.status_code == 302
    crossing = Crossing.objects.get(pk=data["crossing_id"])
    assert (crossing.entry_point.code, crossing.traveller.surname) == (
        "motaain-turiskain",
        "DA COSTA",
    )
    page = desk_client.get("/crossings/desk/").content.decode()
    assert "Tersimpan" in page
    assert "JOSE MARIA DA COSTA" in page
    # The desk remembers direction, entry point and purpose for the next traveller.
    assert 'value="motaain-turiskain" selected' in page
    # A double submit of the same form saves nothing more.
    assert desk_client.post("/crossings/desk/", data).status_code == 302
    assert Crossing.objects.filter(traveller__surname="DA COSTA").count() == 1


def test_desk_errors_show_next_to_fields_and_save_nothing(desk_client: Client) -> None:
    response = desk_client.post("/crossings/desk/", desk_post(surname="", expiry_date="2020-01-01"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bidang ini tidak boleh kosong." in html
    assert Crossing.objects.count() == 0
    response = desk_client.post("/crossings/desk/", desk_post(expiry_date="2020-01-01"))
    assert response.status_code == 400
    assert "Dokumen sudah kedaluwarsa." in response.content.decode()
    assert Crossing.objects.count() == 0


def test_confirmed_mrz_problem_is_saved_with_the_crossing(desk_client: Client) -> None:
    data = desk_post(mrz_format="TD3", mrz_errors="birth_date check digit")
    assert desk_client.post("/crossings/desk/", data).status_code == 400
    data["accept_document_problems"] = "on"
    assert desk_client.post("/crossings/desk/", data).status_code == 302
    assert Crossing.objects.get().document_problems == ["birth_date check digit"]


def test_today_list_filters(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    register(officer)
    register(
        officer,
        traveller=TravellerData(surname="Seran", nationality="IDN"),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number="X1",
            issuing_state="IDN",
            expiry_date=date(2030, 1, 1),
        ),
    )
    client = login_client(officer)
    assert client.get("/crossings/today/").status_code == 200
    rows = client.get("/crossings/today/", HTTP_HX_REQUEST="true").content.decode()
    assert sorted(names_in(rows)) == ["Seran", "Yohanes Bria"]
    rows = client.get("/crossings/today/?q=seran", HTTP_HX_REQUEST="true").content.decode()
    assert names_in(rows) == ["Seran"]
    rows = client.get("/crossings/today/?direction=in", HTTP_HX_REQUEST="true").content.decode()
    assert "Belum ada perlintasan." in rows


def test_today_list_shows_only_own_post(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    wini = officer_at("wini")
    from lintas.crossings.services import CrossingData

    register(
        wini, crossing=CrossingData(direction="out", purpose="family", entry_point_code="wini-wini")
    )
    motaain = officer_at("motaain")
    register(
        motaain,
        traveller=TravellerData(surname="Seran", given_names="Maria", nationality="IDN"),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number="X2",
            issuing_state="IDN",
            expiry_date=date(2030, 1, 1),
        ),
    )
    client = login_client(motaain)
    page = client.get("/crossings/today/")
    assert page.status_code == 200
    # Motaain's crossing is listed, and Wini's (Yohanes Bria) is not.
    assert names_in(page.content.decode()) == ["Maria Seran"]
    rows = client.get("/crossings/today/", HTTP_HX_REQUEST="true").content.decode()
    assert names_in(rows) == ["Maria Seran"]
    assert names_in(login_client(wini).get("/crossings/today/").content.decode()) == [
        "Yohanes Bria"
    ]


def test_overstays_list(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    from lintas.crossings.services import CrossingData

    officer = officer_at("motaain")
    issued = date.today() - timedelta(days=60)
    crossing = register(
        officer,
        traveller=TravellerData(
            surname="Nahak", given_names="Agustina", sex="F", residence_district_code="53.04.02"
        ),
        document=DocumentData(
            kind=DocumentKind.PLB,
            number="PLB77",
            issuing_state="IDN",
            issued_on=issued,
            expiry_date=issued + timedelta(days=364),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="family",
            entry_point_code="motaain-motaain",
            destination="Maliana",
        ),
    )
    Crossing.objects.filter(pk=crossing.pk).update(crossed_at=timezone.now() - timedelta(days=14))
    html = login_client(officer).get("/crossings/overstays/").content.decode()
    assert "Agustina Nahak" in html
    assert re.search(r'class="num bad">[34]</td>', html)


def test_market_check_in_slip_and_check_out(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    registrar = user_factory(Role.MARKET_REGISTRAR, post=Post.objects.get(code="motaain"))
    client = login_client(registrar)
    response = client.post(
        "/crossings/market/", {"full_name": "Joana Soares", "origin_village": "Batugade"}
    )
    assert response.status_code == 302
    visit = MarketVisit.objects.get()
    assert re.fullmatch(r"MOT\d{6}-0001", visit.visit_number)
    slip = client.get(response["Location"]).content.decode()
    assert "<svg" in slip
    assert visit.visit_number in slip
    page = client.get("/crossings/market/").content.decode()
    assert "Joana Soares" in page.split('id="open-visits"')[1]
    response = client.post(
        "/crossings/market/checkout/", {"visit_number": visit.visit_number.lower()}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.checked_out_at is not None
    again = client.post("/crossings/market/checkout/", {"visit_number": visit.visit_number})
    assert again.status_code == 400
    assert "sudah" in again.content.decode()
    unknown = client.post("/crossings/market/checkout/", {"visit_number": "MOT000000-9999"})
    assert unknown.status_code == 400
    assert "Tidak ada kunjungan" in unknown.content.decode()


def test_market_rejects_bad_input(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    registrar = user_factory(Role.MARKET_REGISTRAR, post=Post.objects.get(code="motaain"))
    client = login_client(registrar)
    for data in (
        {"full_name": "", "origin_village": "Batugade"},
        {"full_name": "Joana\x00", "origin_village": "Batugade"},
        {"full_name": "J" * 200_000, "origin_village": "Batugade"},
    ):
        assert client.post("/crossings/market/", data).status_code == 400
    assert MarketVisit.objects.count() == 0


@pytest.mark.parametrize("role", Role.values)
def test_desk_pages_by_role(
    role: str, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    post = Post.objects.get(code="motaain")
    user = user_factory(
        role,
        post=post if role in (Role.POST_OFFICER, Role.MARKET_REGISTRAR, Role.SUPERVISOR) else None,
    )
    client = login_client(user)
    expected = {
        "/crossings/desk/": {Role.POST_OFFICER},
        "/crossings/today/": {Role.POST_OFFICER, Role.SUPERVISOR},
        "/crossings/overstays/": {Role.POST_OFFICER, Role.SUPERVISOR},
        "/crossings/market/": {Role.MARKET_REGISTRAR},
    }
    for url, allowed in expected.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (url, role)
    saved = client.post("/crossings/desk/", desk_post()).status_code
    assert saved == (302 if role == Role.POST_OFFICER else 403)


def test_overstay_list_leaves_out_timor_leste_holders_going_home(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    from lintas.crossings.services import CrossingData

    officer = officer_at("motaain")
    issued = date.today() - timedelta(days=60)
    crossing = register(
        officer,
        traveller=TravellerData(surname="Guterres", given_names="Ana", sex="F", nationality="TLS"),
        document=DocumentData(
            kind=DocumentKind.PLB,
            number="TLPLB9",
            issuing_state="TLS",
            issued_on=issued,
            expiry_date=issued + timedelta(days=364),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="family",
            entry_point_code="motaain-motaain",
            destination="Balibo",
        ),
    )
    Crossing.objects.filter(pk=crossing.pk).update(crossed_at=timezone.now() - timedelta(days=20))
    html = login_client(officer).get("/crossings/overstays/").content.decode()
    assert "Guterres" not in html
    assert "Tidak ada yang melewati batas tinggal." in html
