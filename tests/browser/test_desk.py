"""The desk with a real browser: a document reader types the MRZ, the officer saves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from lintas.crossings.models import Crossing, MarketVisit
from tests.crossings.conftest import passport_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def test_officer_scans_mrz_saves_and_finds_the_crossing(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    sign_in(page, live_server, "petugas.motaain")
    page.get_by_role("link", name="Meja pendaftaran").first.click()
    scan = page.locator("#scan")
    expect(scan).to_be_focused()
    # A document reader types each line and ends it with Enter.
    for line in passport_lines(surname="DOS SANTOS", given="ANA PAULA", sex="F"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(page.locator("#id_surname")).to_have_value("DOS SANTOS")
    expect(page.locator("#id_given_names")).to_have_value("ANA PAULA")
    save = page.get_by_role("button", name="Simpan perlintasan")
    expect(save).to_be_focused()
    page.keyboard.press("Enter")  # the one key the officer presses
    expect(page.locator(".messages")).to_contain_text("Tersimpan: ANA PAULA DOS SANTOS")
    expect(page.locator("#scan")).to_be_focused()
    assert Crossing.objects.filter(traveller__surname="DOS SANTOS").count() == 1
    page.get_by_role("link", name="semua, dengan penyaring").click()
    page.get_by_label("Nomor dokumen atau nama keluarga").fill("dos")
    rows = page.locator("#crossing-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ANA PAULA DOS SANTOS")


def test_broken_check_digit_is_shown_next_to_its_field(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    sign_in(page, live_server, "petugas.motaain")
    page.goto(f"{live_server.url}/crossings/desk/")
    line1, line2 = passport_lines()
    broken = line2[:9] + ("0" if line2[9] != "0" else "1") + line2[10:]
    page.locator("#scan").fill(f"{line1}\n{broken}")
    page.locator("#scan").press("End")
    page.keyboard.press("Enter")
    problem = page.locator(".field-number [data-problem]")
    expect(problem).to_contain_text("Periksa gagal")
    expect(page.locator("#id_number")).to_be_focused()
    assert Crossing.objects.count() == 0


def test_market_registrar_checks_a_visitor_in_and_out(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    sign_in(page, live_server, "pasar.motaain")
    page.get_by_role("link", name="Hari pasar").first.click()
    page.get_by_label("Nama", exact=True).fill("Joana Soares")
    page.get_by_label("Desa asal").fill("Batugade")
    page.keyboard.press("Enter")
    expect(page.locator(".slip svg")).to_be_visible()
    number = page.locator(".visit-number").inner_text().strip()
    assert re.fullmatch(r"MOT\d{6}-\d{4}", number)
    page.get_by_role("link", name="Pengunjung berikutnya").click()
    expect(page.locator("#open-visits")).to_contain_text("Joana Soares")
    # At the exit the scanner reads the slip's QR code and types its number.
    page.get_by_label("Pindai atau ketik nomor slip").fill(number)
    page.get_by_label("Pindai atau ketik nomor slip").press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"Tercatat keluar: {number}")
    expect(page.locator("#open-visits")).to_contain_text("Semua pengunjung sudah tercatat keluar.")
    page.get_by_label("Pindai atau ketik nomor slip").fill(number)
    page.get_by_label("Pindai atau ketik nomor slip").press("Enter")
    expect(page.locator(".errorlist, .nonfield").first).to_contain_text("sudah dicatat keluar")
    assert MarketVisit.objects.get().checked_out_at is not None
