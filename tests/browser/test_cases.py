"""A shelter's case worker accepts a referral and records a follow-up, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.accounts.services import user_create
from lintas.cases.models import FollowUp, Referral
from lintas.cases.referrals import referral_create
from lintas.cases.services import PersonData, case_open, case_person_add, consent_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_worker_accepts_a_referral_and_records_a_follow_up(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    demo_accounts_seed()
    owner = User.objects.get(username="pendamping.ppa")
    shelter = Agency.objects.get(code="rumah-perempuan-kupang")
    worker = user_create(
        actor=None,
        agency=shelter,
        username="pendamping.rpk",
        full_name="Marta Ndun",
        role=Role.CASE_WORKER,
        password=DEMO_PASSWORD,
    )
    case = case_open(actor=owner, summary="Korban dipulangkan dari Malaysia")
    victim = case_person_add(
        actor=owner,
        case=case,
        data=PersonData(
            role="victim",
            first_name="Agustina",
            second_name="Bere",
            trafficking_status="ActualVictimOfTrafficking",
        ),
    )
    consent_record(actor=owner, person=victim, kind="disclose", agency=shelter, method="written")
    referral_create(actor=owner, case=case, to_agency=shelter, reason="AdditionalServicesRequired")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(worker.username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Rujukan").first.click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(case.reference)
    expect(row).not_to_contain_text("Agustina")
    row.get_by_role("button", name="Terima").click()
    expect(page.locator(".messages")).to_contain_text("Rujukan diterima")
    expect(page.locator("main")).to_contain_text("Agustina Bere")
    assert Referral.objects.get().status == "accepted"

    schedule = page.locator("form", has=page.get_by_role("heading", name="Jadwalkan pemantauan"))
    start = timezone.localdate() - timedelta(days=40)
    schedule.get_by_label("Dari").fill(start.isoformat())
    schedule.get_by_role("button", name="Jadwalkan").click()
    expect(page.locator(".messages")).to_contain_text("Perubahan disimpan.")
    assert FollowUp.objects.count() == 4

    page.get_by_role("link", name="Pemantauan lanjutan").first.click()
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("terlambat")
    first.get_by_label("Hasil").select_option("safe")
    first.get_by_label("Catatan").fill("Sudah bekerja di Kupang, aman")
    first.get_by_role("button", name="Catat").click()
    expect(page.locator(".messages")).to_contain_text("Pemantauan tercatat.")
    done = FollowUp.objects.exclude(done_on=None).get()
    assert (done.outcome, done.note) == ("safe", "Sudah bekerja di Kupang, aman")
