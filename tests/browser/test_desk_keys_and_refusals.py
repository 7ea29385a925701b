"""The desk with a real browser: one key for direction and purpose, a refusal, the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import demo_accounts_seed
from lintas.crossings.models import Crossing
from tests.browser.test_desk import sign_in
from tests.crossings.conftest import passport_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page: Page) -> None:
    for line in passport_lines(surname="DOS SANTOS", given="ANA PAULA", sex="F"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(page.locator("#id_surname")).to_have_value("DOS SANTOS")


def test_officer_refuses_with_the_keyboard_and_sees_it_at_the_next_scan(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    sign_in(page, live_server, "petugas.motaain")
    page.goto(f"{live_server.url}/crossings/desk/")
    scan(page)
    checked = page.locator('input[name="direction"]:checked')
    before = checked.get_attribute("value")
    page.keyboard.press("F2")
    expect(checked).to_have_attribute("value", "in" if before == "out" else "out")
    page.keyboard.press("F2")
    expect(checked).to_have_attribute("value", before or "")
    purpose = page.locator("#id_purpose")
    start = purpose.input_value()
    page.keyboard.press("F4")
    assert purpose.input_value() != start
    page.keyboard.press("Shift+F4")
    expect(purpose).to_have_value(start)
    page.locator("#id_purpose").select_option("work")
    reason = page.get_by_label("Alasan penolakan")
    expect(reason).to_be_hidden()  # only a refusal has a reason
    page.get_by_label("Ditolak", exact=True).check()
    expect(reason).to_be_visible()
    page.get_by_role("button", name="Simpan perlintasan").click()
    expect(page.locator(".field-refusal_reason")).to_contain_text("Isi alasan penolakan.")
    assert Crossing.objects.count() == 0
    page.get_by_label("Alasan penolakan").select_option("no_placement_papers")
    page.get_by_role("button", name="Simpan perlintasan").click()
    expect(page.locator(".messages")).to_have_text(
        "Penolakan tersimpan: ANA PAULA DOS SANTOS, Keluar Indonesia."
    )
    refused = Crossing.objects.get()
    assert (refused.outcome, refused.refusal_reason, refused.purpose) == (
        "refused",
        "no_placement_papers",
        "work",
    )
    page.locator("#scan").focus()
    scan(page)
    history = page.locator("[data-history]")
    expect(history).to_contain_text("Pelintas sudah dikenal")
    rows = history.locator("[data-history-crossing]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ditolak")
    expect(rows.first).to_contain_text("Pekerja migran tanpa dokumen penempatan")
