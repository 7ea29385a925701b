"""Border passes in a real browser: destinations offered at the desk, a stay extended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import demo_accounts_seed
from lintas.accounts.models import User
from lintas.crossings.models import Crossing, PlbDestination
from tests.browser.test_desk import sign_in
from tests.crossings.conftest import register
from tests.crossings.test_register import plb, resident, to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_extends_a_holders_stay_and_sees_the_destinations(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    officer = User.objects.get(username="petugas.motaain")
    crossing = register(
        officer, traveller=resident("53.04.02"), document=plb("PLB4242"), crossing=to("Balibo")
    )
    Crossing.objects.filter(pk=crossing.pk).update(crossed_at=timezone.now() - timedelta(days=13))
    sign_in(page, live_server, "petugas.motaain")
    page.goto(f"{live_server.url}/crossings/desk/")
    destination = page.locator("#id_destination")
    expect(destination).to_have_attribute("list", "plb-destinations")
    expect(page.locator("#plb-destinations option")).to_have_count(PlbDestination.objects.count())
    expect(page.locator('#plb-destinations option[value="Balibo"]')).to_have_count(1)

    page.goto(f"{live_server.url}/crossings/overstays/")
    row = page.locator(f'[data-overstays] [data-abroad="{crossing.pk}"]')
    expect(row).to_contain_text("Maria Seran")
    expect(row.locator("td.num.bad")).to_have_text("3")
    row.get_by_placeholder("Alasan (duka, sakit)").fill("Duka keluarga di Maliana")
    row.get_by_label("Jumlah hari").fill("31")
    row.get_by_role("button", name="Perpanjang masa tinggal").click()
    # the browser's own limit (max 30) keeps the form from being sent
    assert Crossing.objects.get(pk=crossing.pk).stay_extended_to is None
    row.get_by_label("Jumlah hari").fill("20")
    row.get_by_role("button", name="Perpanjang masa tinggal").click()
    expect(page.locator(".messages")).to_have_text(
        "Masa tinggal diperpanjang menjadi 20 hari: Maria Seran."
    )
    within = page.locator(f'[data-within] [data-abroad="{crossing.pk}"]')
    expect(within).to_contain_text("Diperpanjang: Duka keluarga di Maliana")
    expect(page.locator("[data-overstays]")).to_contain_text(
        "Tidak ada yang melewati batas tinggal."
    )
    assert Crossing.objects.get(pk=crossing.pk).stay_extended_to == 20
