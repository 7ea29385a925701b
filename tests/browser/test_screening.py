"""A watch-listed traveller crosses; the desk shows why; the post supervisor acknowledges."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from lintas.accounts.models import User
from lintas.screening.models import Alert
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from tests.crossings.conftest import passport_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def test_watch_listed_traveller_raises_an_alert_the_supervisor_acknowledges(
    reference: None, live_server: LiveServer, page: Page, browser: Browser
) -> None:
    demo_accounts_seed()
    investigator = User.objects.get(username="penyidik.polda")
    wanted = watch_list_create(actor=investigator, kind="wanted_suspect", name="DPO Polda NTT")
    watch_entry_add(
        actor=investigator,
        watch_list=wanted,
        fields={
            "full_name": "Dominggus Laka",
            "birth_date": "1970-01-01",
            "sex": "M",
            "nationality": "IDN",
            "source": "DPO/12/XI/2026",
        },
    )

    sign_in(page, live_server, "petugas.motaain")
    page.goto(f"{live_server.url}/crossings/desk/")
    for line in passport_lines(
        number="B7001234", surname="LAKA", given="DOMINGUS", state="IDN", born=date(1970, 1, 1)
    ):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(page.locator("#id_surname")).to_have_value("LAKA")
    page.keyboard.press("Enter")
    panel = page.locator("[data-screening]")
    expect(panel).to_contain_text("Tinggi")
    expect(panel).to_contain_text("DPO Polda NTT")
    expect(panel).to_contain_text("Lakukan wawancara kedua sekarang")

    other = browser.new_context(locale="en-US")
    supervisor = other.new_page()
    sign_in(supervisor, live_server, "supervisor.motaain")
    supervisor.get_by_role("link", name="Peringatan").first.click()
    rows = supervisor.locator("#alert-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("DOMINGUS LAKA")
    rows.first.get_by_role("link").click()
    expect(supervisor.locator("main")).to_contain_text("DPO Polda NTT")
    supervisor.get_by_role("button", name="Tindak lanjuti: saya yang menangani").click()
    expect(supervisor.locator(".messages")).to_contain_text("Peringatan ditindaklanjuti.")
    expect(supervisor.locator("main table").first).to_contain_text("supervisor.motaain")
    alert = Alert.objects.get()
    assert (alert.status, alert.acknowledged_by.username) == ("acknowledged", "supervisor.motaain")
    other.close()
