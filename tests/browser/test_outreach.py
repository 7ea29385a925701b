"""An outreach coordinator records an activity on Sabu and sees it in the coverage, in Chromium."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.roles import AgencyType, Role
from lintas.outreach.models import Activity
from tests.factories import PASSWORD, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_records_an_activity_and_sees_the_coverage(
    reference: None, live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    # LINTAS_SCREENSHOTS keeps the pictures for a person to look at; otherwise a temp folder.
    shots = Path(os.environ.get("LINTAS_SCREENSHOTS", tmp_path))
    agency = make_agency(type=AgencyType.INTERNATIONAL, name="IOM Kupang")
    coordinator = make_user(Role.OUTREACH_COORDINATOR, agency=agency, username="penyuluh.iom")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(coordinator.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/outreach/activities/")
    page.get_by_role("link", name="Catat kegiatan").click()
    page.get_by_label("Jenis kegiatan").select_option(
        label="Pelatihan migrasi aman atau pra-pemberangkatan"
    )
    page.get_by_label("Tanggal").fill(str(timezone.localdate() - timedelta(days=1)))
    page.get_by_label("Kode desa").fill("53.20.01.2002")
    page.get_by_label("Perempuan (18 ke atas)").fill("-3")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator(".errorlist")).to_contain_text("Jumlah tidak boleh negatif.")
    assert Activity.objects.count() == 0
    page.get_by_label("Perempuan (18 ke atas)").fill("34")
    page.get_by_label("Laki-laki (18 ke atas)").fill("21")
    page.get_by_label("Calon pekerja migran").check()
    page.get_by_label("Pertanyaan dan keprihatinan yang muncul").fill("Biaya paspor, calo di pasar")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator(".messages")).to_contain_text("Kegiatan disimpan.")
    expect(page.locator("tbody tr").first).to_contain_text("Menia")
    assert Activity.objects.get().people_reached == 55

    page.get_by_role("navigation", name="Penyuluhan").get_by_role(
        "link", name="Cakupan", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cakupan penyuluhan di provinsi")
    row = page.locator("table.coverage tbody tr", has_text="Sabu Barat")
    expect(row).to_contain_text("Pulau Sabu")
    expect(row.locator("td").nth(6)).to_have_text("1")
    expect(row.locator("td").nth(7)).to_have_text("55")
    expect(page.locator("table.coverage tbody tr").first).to_contain_text("Katiku Tana")
    expect(page.locator(".coverage-map svg circle[data-district]")).to_have_count(315)
    page.locator(".coverage-map").screenshot(path=str(shots / "peta-cakupan.png"))
    page.locator("table.coverage").screenshot(path=str(shots / "tabel-cakupan.png"))
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".subnav")).to_be_hidden()
    page.screenshot(path=str(shots / "cetak-cakupan.png"), full_page=True)
    pdf = page.pdf(path=str(shots / "cakupan.pdf"), landscape=True, format="A4")
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 2
