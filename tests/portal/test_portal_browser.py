"""In Chromium: a member of the public reports, keeps the code, comes back, reads, adds."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.cases import triage
from lintas.cases.models import Tip, TipMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$")


def fits_320(page: Page) -> bool:
    """Nothing sticks out sideways on a 320 px wide screen."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= 320"))


@override_settings(LINTAS_TIP_MIN_FILL_SECONDS=0)
def test_a_person_reports_and_comes_back_with_the_receipt(
    reference: None,
    live_server: LiveServer,
    browser: Browser,
    user_factory: Callable[..., User],
) -> None:
    context = browser.new_context(locale="en-US", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    for path in ("pos/", "pos/motaain/", "dokumen/", "migrasi-aman/", "agensi/?q=x", "cek/"):
        page.goto(f"{live_server.url}/publik/{path}")
        assert fits_320(page), path
    page.goto(f"{live_server.url}/publik/")
    expect(page.locator("h1")).to_have_text("Melintas batas dan bekerja di luar negeri dengan aman")
    assert fits_320(page)
    # The first Tab reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke isi")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Crossing the border and working abroad safely")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Report", exact=True
    ).click()
    expect(page.locator("h1")).to_have_text("Report without giving your name")
    assert fits_320(page)

    page.get_by_label("What happened?").fill(
        "A man offered my cousin work in Malaysia and keeps her passport."
    )
    page.get_by_label("Regency or city (kabupaten/kota)").select_option("53.04")
    # htmx swaps in the districts of Belu, then the villages of Tasifeto Timur.
    district = page.get_by_label("District (kecamatan)")
    expect(district.locator('option[value="53.04.02"]')).to_have_count(1)
    district.select_option("53.04.02")
    village = page.get_by_label("Village (desa/kelurahan)")
    expect(village.locator('option[value="53.04.02.2001"]')).to_have_count(1)
    village.select_option("53.04.02.2001")
    page.get_by_label("When did it happen?").fill("2026-11-01")
    page.get_by_label("A woman").check()
    page.get_by_role("button", name="Send the report").click()

    expect(page.locator("h1")).to_have_text("Thank you. Your report was received.")
    code = page.locator("#receipt").inner_text().strip()
    assert CODE.match(code), code
    assert fits_320(page)
    tip = Tip.objects.get()
    assert (tip.village_id, tip.at_risk, tip.language) == ("53.04.02.2001", "woman", "en")

    # Meanwhile an investigator checks the tip and replies.
    triager = user_factory(Role.INVESTIGATOR)
    triage.tip_verify(actor=triager, tip_id=tip.pk)
    triage.tip_reply(actor=triager, tip_id=tip.pk, text="Thank you. Please tell us the town.")

    page.get_by_role("link", name="Check your report").first.click()
    page.get_by_label("Receipt code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("h1")).to_have_text("Your report")
    expect(page.locator(".status")).to_have_text("Status: Being checked")
    expect(page.locator(".reply")).to_contain_text("Thank you. Please tell us the town.")
    assert fits_320(page)
    page.get_by_label("What else do you want to tell us?").fill("She is in Tawau, Sabah.")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Your information was added. Thank you.")
    expect(page.locator("main")).to_contain_text("Information you added: 1 (last on ")
    assert TipMessage.objects.filter(from_reporter=True).get().body == "She is in Tawau, Sabah."
    context.close()


@override_settings(LINTAS_TIP_MIN_FILL_SECONDS=0)
def test_without_javascript_the_report_still_works_in_tetum(
    reference: None, live_server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/publik/bahasa/tet/?next=/publik/lapor/")
    expect(page.locator("h1")).to_have_text("Relata la ho Ita-nia naran")
    page.get_by_label("Saida mak akontese?").fill("Ema ida lori labarik na'in-rua liu dalan ki'ik.")
    page.get_by_label("Kabupaten ka sidade (kabupaten/kota)").select_option("53.04")
    page.get_by_role("button", name="Hatudu kecamatan no suku").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Lista sira atualiza ona. Seidauk haruka buat ida."
    )
    expect(page.get_by_label("Saida mak akontese?")).to_have_value(
        "Ema ida lori labarik na'in-rua liu dalan ki'ik."
    )
    page.get_by_label("Kecamatan").select_option("53.04.01")
    page.get_by_label("Labarik ida").check()
    page.get_by_role("button", name="Haruka relatóriu").click()
    expect(page.locator("h1")).to_have_text("Obrigadu. Ami simu ona Ita-nia relatóriu.")
    assert CODE.match(page.locator("#receipt").inner_text().strip())
    tip = Tip.objects.get()
    assert (tip.district_id, tip.at_risk, tip.language) == ("53.04.01", "child", "tet")
    context.close()
