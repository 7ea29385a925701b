"""A border-pass holder's stay extended from 10 to 30 days, and what the overstays page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.crossings import selectors
from lintas.crossings.models import Crossing
from lintas.crossings.stays import plb_stay_extend
from lintas.places.models import Post
from tests.crossings.conftest import register
from tests.crossings.test_register import counts, plb, resident, to

pytestmark = pytest.mark.django_db


def left_days_ago(officer: User, days: int, number: str = "PLB0001") -> Crossing:
    crossing = register(
        officer,
        traveller=resident("53.04.02"),
        document=plb(number),
        crossing=to("Balibo"),
    )
    Crossing.objects.filter(pk=crossing.pk).update(crossed_at=timezone.now() - timedelta(days=days))
    crossing.refresh_from_db()
    return crossing


def test_an_extended_stay_is_allowed_thirty_days(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("motaain")
    crossing = left_days_ago(officer, 14)
    assert [
        (r.days_abroad, r.days_allowed, r.days_over) for r in selectors.plb_overstays(user=officer)
    ] == [(14, 10, 4)]
    plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="  Duka keluarga di Maliana ")
    crossing.refresh_from_db()
    assert (
        crossing.stay_extended_to,
        crossing.stay_extended_by_id,
        crossing.stay_extension_reason,
    ) == (
        30,
        officer.pk,
        "Duka keluarga di Maliana",
    )
    assert selectors.plb_overstays(user=officer) == []
    assert [
        (r.days_abroad, r.days_allowed, r.days_over) for r in selectors.plb_abroad(user=officer)
    ] == [(14, 30, 0)]
    entry = AuditEntry.objects.filter(action="crossing.stay_extend").get()
    assert (entry.object_id, entry.actor_id) == (str(crossing.pk), officer.pk)
    Crossing.objects.filter(pk=crossing.pk).update(crossed_at=timezone.now() - timedelta(days=33))
    assert [r.days_over for r in selectors.plb_overstays(user=officer)] == [3]


def test_extension_refusals_change_nothing(
    officer_at: Callable[[str], User], user_factory: Callable[..., User]
) -> None:
    officer = officer_at("motaain")
    crossing = left_days_ago(officer, 5)
    passport = register(officer)
    wini = officer_at("wini")
    registrar = user_factory(Role.MARKET_REGISTRAR, post=Post.objects.get(code="motaain"))
    before = counts()
    with pytest.raises(ValidationFailed) as empty:
        plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="   ")
    assert {k: str(v) for k, v in empty.value.field_errors.items()} == {
        "reason": "Isi alasan perpanjangan tinggal."
    }
    with pytest.raises(ValidationFailed) as nul:
        plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="a\x00b")
    assert {k: str(v) for k, v in nul.value.field_errors.items()} == {
        "reason": "Karakter null tidak diizinkan."
    }
    with pytest.raises(ValidationFailed) as not_plb:
        plb_stay_extend(actor=officer, crossing_id=passport.pk, reason="Duka")
    assert str(not_plb.value) == (
        "Hanya keluarnya pemegang PLB yang masa tinggalnya dapat diperpanjang."
    )
    for days in (10, 31, 0, -5):
        with pytest.raises(ValidationFailed) as too_long:
            plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="Duka", days=days)
        assert {k: str(v) for k, v in too_long.value.field_errors.items()} == {
            "days": "Masa tinggal PLB dapat diperpanjang menjadi 11 sampai 30 hari."
        }
    with pytest.raises(NotFound):
        plb_stay_extend(actor=wini, crossing_id=crossing.pk, reason="Duka")
    with pytest.raises(NotFound):
        plb_stay_extend(actor=officer, crossing_id="bukan-uuid", reason="Duka")
    with pytest.raises(PermissionDenied):
        plb_stay_extend(actor=registrar, crossing_id=crossing.pk, reason="Duka")
    assert counts() == before
    plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="Duka")
    with pytest.raises(Conflict) as again:
        plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="Duka")
    assert str(again.value) == "Masa tinggal ini sudah diperpanjang."


def test_a_holder_back_home_has_no_stay_to_extend(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("motaain")
    crossing = left_days_ago(officer, 5)
    register(officer, traveller=resident("53.04.02"), document=plb(), crossing=to("", "in"))
    with pytest.raises(ValidationFailed) as back:
        plb_stay_extend(actor=officer, crossing_id=crossing.pk, reason="Duka")
    assert str(back.value) == "Pelintas sudah kembali."
    assert selectors.plb_abroad(user=officer) == []


def test_the_overstays_page_extends_from_the_row(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    over = left_days_ago(officer, 14, "PLB0001")
    within = left_days_ago(officer, 3, "PLB0002")
    client = login_client(officer)
    html = client.get("/crossings/overstays/").content.decode()
    tables = dict(re.findall(r"<table (data-overstays|data-within)>(.*?)</table>", html, re.S))
    assert re.findall(r'data-abroad="([^"]+)"', tables["data-overstays"]) == [str(over.pk)]
    assert re.findall(r'data-abroad="([^"]+)"', tables["data-within"]) == [str(within.pk)]
    empty = client.post("/crossings/overstays/extend/", {"crossing_id": str(within.pk)})
    assert empty.status_code == 302
    page = client.get("/crossings/overstays/").content.decode()
    assert "Isi alasan perpanjangan tinggal." in page
    saved = client.post(
        "/crossings/overstays/extend/",
        {"crossing_id": str(over.pk), "reason": "Sakit", "days": "31"},
    )
    assert saved.status_code == 302
    page = client.get("/crossings/overstays/").content.decode()
    assert "Masa tinggal PLB dapat diperpanjang menjadi 11 sampai 30 hari." in page
    assert Crossing.objects.filter(stay_extended_to__isnull=False).count() == 0
    saved = client.post(
        "/crossings/overstays/extend/",
        {"crossing_id": str(over.pk), "reason": "Sakit", "days": "21"},
    )
    assert saved.status_code == 302
    page = client.get("/crossings/overstays/").content.decode()
    assert "Masa tinggal diperpanjang menjadi 21 hari: Maria Seran." in page
    tables = dict(re.findall(r"<table (data-overstays|data-within)>(.*?)</table>", page, re.S))
    # 14 days abroad of the 21 allowed: within the stay now
    assert "data-abroad" not in tables["data-overstays"]
    assert tables["data-within"].count("data-extended") == 1
