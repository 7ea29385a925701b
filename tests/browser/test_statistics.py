"""The analyst publishes the public statistics; a visitor on a phone reads them, in Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.roles import Role
from lintas.insights.models import PublicRelease
from tests.factories import PASSWORD, make_user
from tests.insights import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_publishes_and_a_phone_reads_the_figures_in_tetum(
    reference: None, live_server: LiveServer, page: Page, browser: Browser, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("LINTAS_SCREENSHOTS", tmp_path))
    owner = make_user(Role.CASE_WORKER)
    world.cases(owner, 2025, "53.04", 15)
    world.cases(owner, 2026, "53.04", 30)
    world.cases(owner, 2026, "53.71", 20)
    world.cases(owner, 2026, "53.17", 4)
    analyst = make_user(Role.ANALYST, username="analis.satgas")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(analyst.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.get_by_role("link", name="Statistik publik", exact=True).click()
    expect(
        page.get_by_text("Belum ada yang diterbitkan: portal menyatakan demikian.")
    ).to_be_visible()
    page.get_by_role("button", name="Terbitkan angka baru").click()
    expect(page.locator(".messages")).to_contain_text("Angka baru diterbitkan:")
    release = PublicRelease.objects.get()
    assert release.generated_by == analyst
    row = page.locator("[data-release-tables] tbody tr", has_text="Kasus menurut kabupaten/kota")
    cells = release.payload["tables"][0]["cells"]
    hidden = sum(1 for c in cells if c["suppressed"])
    expect(row.locator("td")).to_have_text(
        ["Kasus menurut kabupaten/kota dan tahun", str(len(cells)), str(hidden), "69"]
    )
    page.screenshot(path=str(shots / "statistics-analyst.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="tet")
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}/publik/")
    visitor.get_by_role("link", name="Tetun").click()
    visitor.get_by_role("navigation", name="Menu prinsipál").get_by_role(
        "link", name="Estatístika"
    ).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Tráfiku ema iha númeru")
    cases = visitor.get_by_role("region", name="Kazu tuir munisípiu no tinan")
    by_key = {(c["key"]["year"], c["key"]["regency"]): c["count"] for c in cells}
    belu = [by_key[(2025, "53.04")], by_key[(2026, "53.04")], by_key[(None, "53.04")]]
    assert belu.count(None) in (0, 3)  # shown whole, or hidden whole (the 4 takes partners)
    expect(cases.locator("tr", has_text="Kabupaten Belu").locator("td")).to_have_text(
        ["—subar" if n is None else str(n) for n in belu]
    )
    sumba = cases.locator("tr", has_text="Kabupaten Sumba Tengah")
    expect(sumba.locator("td")).to_have_text(["—subar"] * 3)
    totals = cases.locator("tr.total td")
    expect(totals.last).to_have_text("69")
    # The wide tables scroll inside their own box: the page itself does not scroll sideways.
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    visitor.screenshot(path=str(shots / "statistics-phone-tet.png"), full_page=True)
    phone.close()
