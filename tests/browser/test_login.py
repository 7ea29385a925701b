"""A demo officer signs in with a real browser and sees the home page in Bahasa Indonesia."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
def test_demo_officer_signs_in_and_sees_home_in_indonesian(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    # Every asset is served from here: the Content-Security-Policy blocks nothing the page needs.
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("Masuk ke Lintas")
    # The username field has focus: the officer types straight away.
    page.keyboard.type("petugas.motaain")
    page.get_by_label("Kata sandi").fill("salah-sekali-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(
        "Nama pengguna atau kata sandi salah, atau terlalu banyak percobaan gagal: "
        "tunggu beberapa menit."
    )
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Selamat datang, Yohanes Bria")
    table = page.locator("main table").first
    expect(table).to_contain_text("Kantor Imigrasi Atambua")
    expect(table).to_contain_text("PLBN Motaain")
    expect(table).to_contain_text("Petugas pos")
    expect(page.get_by_role("link", name="Pos lintas batas dan wilayah").first).to_be_visible()
    expect(page.get_by_role("link", name="Pengguna")).to_have_count(0)
    assert page.locator("html").get_attribute("lang") == "id"
    # Switch to English and back.
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Welcome, Yohanes Bria")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("h1")).to_have_text("Selamat datang, Yohanes Bria")
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator(".messages")).to_contain_text("Anda telah keluar.")
    assert violations == []


def test_agency_admin_filters_users_with_htmx(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("admin.motaain")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Pengguna").first.click()
    rows = page.locator("#user-rows tr")
    expect(rows).to_have_count(3)  # the agency's own users only
    page.get_by_label("Cari nama pengguna atau nama").fill("pasar")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("pasar.motaain")
