"""The phone app on a phone-sized Chromium: a week on Sabu without signal, then the hub.

Signs in once with signal, sets a PIN, goes offline (``context.set_offline``), records three
activities and a community report, reloads and reopens the app offline, and finds each
record at the hub once when the signal returns, even when the link drops in the middle of
a send. Five wrong PINs, and an account disabled at the hub, erase what the phone keeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.models import PhoneKey, User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, FollowUp, Tip, TipChannel
from lintas.outreach.models import Activity, CommunityReport
from tests.factories import PASSWORD, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "482915"
MENIA = "53.20.01.2002"  # Menia, Sabu Barat, Sabu Raijua


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="id-ID",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers="allow",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def worker(reference: None) -> User:
    agency = make_agency(type=AgencyType.INTERNATIONAL, name="IOM Kupang")
    return make_user(Role.OUTREACH_COORDINATOR, agency=agency, username="penyuluh.sabu")


def _shots(tmp_path: Path) -> Path:
    # LINTAS_SCREENSHOTS keeps the pictures for a person to look at; otherwise a temp folder.
    return Path(os.environ.get("LINTAS_SCREENSHOTS", tmp_path))


def _sign_in(page: Page, url: str, username: str, agency: str = "IOM Kupang") -> None:
    page.goto(f"{url}/m/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simpan PIN")
    page.get_by_label("Buat PIN (6 angka)").fill(PIN)
    page.get_by_label("Ulangi PIN").fill(PIN)
    page.get_by_role("button", name="Simpan PIN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lintas Lapangan")
    expect(page.locator(".who")).to_contain_text(agency)
    # The shell is cached before the signal goes.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")


def _visit_due() -> tuple[User, Case, FollowUp]:
    """A shelter's case worker, their case of one survivor, and its visit due a month on."""
    from lintas.cases.services import PersonData, case_open, case_person_add
    from lintas.cases.support import follow_ups_schedule

    agency = make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")
    worker = make_user(Role.CASE_WORKER, agency=agency, username="pendamping.rpk")
    case = case_open(actor=worker, summary="Kasus uji")
    victim = case_person_add(
        actor=worker, case=case, data=PersonData(role="victim", first_name="Yosefina")
    )
    start = timezone.localdate() - timedelta(days=35)
    (visit,) = follow_ups_schedule(actor=worker, person=victim, months=(1,), start=start)
    return worker, case, visit


def _unlock(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Lintas Lapangan")
    page.get_by_label("PIN").fill(PIN)
    page.get_by_role("button", name="Buka").click()
    expect(page.locator(".counts")).to_be_visible()


def _activity(page: Page, *, day: str, women: str, men: str, concerns: str) -> None:
    page.get_by_role("button", name="Catat kegiatan").click()
    page.get_by_label("Jenis kegiatan").select_option(label="Sosialisasi")
    page.get_by_label("Tanggal").fill(day)
    page.get_by_label("Kabupaten/kota").select_option("53.20")
    page.get_by_label("Kecamatan").select_option("53.20.01")
    page.get_by_label("Desa/kelurahan").select_option(MENIA)
    page.get_by_label("Perempuan (18 ke atas)").fill(women)
    page.get_by_label("Laki-laki (18 ke atas)").fill(men)
    page.get_by_label("Calon pekerja migran").check()
    page.get_by_label("Pertanyaan dan keprihatinan yang muncul").fill(concerns)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#flash")).to_have_text("Disimpan di ponsel. Dikirim saat ada sinyal.")


def test_a_week_offline_on_sabu_reaches_the_hub_once(
    worker: User, live_server: LiveServer, phone: BrowserContext, tmp_path: Path
) -> None:
    from lintas.outreach.models import Meeting
    from lintas.outreach.services import group_register

    shots = _shots(tmp_path)
    group = group_register(
        actor=worker,
        id="01900000-0000-7000-8000-0000000000a1",
        kind="migrant_workers",
        name="Kelompok Buruh Migran Menia",
        village_code=MENIA,
        member_count=18,
    )
    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username)
    phone.set_offline(True)
    expect(page.locator("#status")).to_have_text("Tanpa sinyal")

    today = timezone.localdate()
    # Bad input first: a negative count and a future date are refused on the phone.
    page.get_by_role("button", name="Catat kegiatan").click()
    page.get_by_label("Tanggal").fill(str(today + timedelta(days=2)))
    page.get_by_label("Perempuan (18 ke atas)").fill("-3")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#flash")).to_have_text("Periksa kolom yang ditandai.")
    form = page.locator("form.record")
    expect(form.locator('[data-field="held_on"] .error')).to_have_text(
        "Tanggal tidak boleh di masa depan."
    )
    expect(form.locator('[data-field="women"] .error')).to_have_text(
        "Isi angka bulat 0 sampai 100.000."
    )
    expect(form.locator('[data-field="kind"] .error')).to_have_text("Wajib diisi.")
    page.screenshot(path=str(shots / "mobile-refused.png"), full_page=True)
    page.get_by_role("button", name="Kembali").click()

    for n, (women, men) in enumerate([("12", "9"), ("30", "4"), ("7", "7")]):
        day = str(today - timedelta(days=6 - n))
        _activity(page, day=day, women=women, men=men, concerns=f"Calo di pasar, minggu {n}")
    page.get_by_role("button", name="Laporan masyarakat").click()
    page.get_by_label("Apa yang didengar").fill(
        "Seorang perekrut menjanjikan kerja di Malaysia kepada tiga anak perempuan."
    )
    page.get_by_label("Kabupaten/kota").select_option("53.20")
    page.get_by_label("Kecamatan").select_option("53.20.01")
    page.get_by_label("Desa/kelurahan").select_option(MENIA)
    page.get_by_label("Siapa yang berisiko").select_option("child")
    page.get_by_role("button", name="Simpan di ponsel").click()
    page.get_by_role("button", name="Catat pertemuan kelompok").click()
    page.get_by_label("Kelompok").select_option(label="Kelompok Buruh Migran Menia")
    page.get_by_label("Tanggal").fill(str(today - timedelta(days=2)))
    page.get_by_label("Perempuan (18 ke atas)").fill("11")
    page.get_by_label("Laki-laki (18 ke atas)").fill("3")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#counts")).to_contain_text("5 menunggu dikirim")
    page.screenshot(path=str(shots / "mobile-queue-offline.png"), full_page=True)
    assert Activity.objects.count() == 0
    assert CommunityReport.objects.count() == 0

    # Reloaded without signal, the app opens from the cache and the records are still there.
    page.reload()
    _unlock(page)
    expect(page.locator("#counts")).to_contain_text("5 menunggu dikirim")
    # Closed and reopened, still without signal.
    page.close()
    page = phone.new_page()
    page.goto(f"{live_server.url}/m/")
    _unlock(page)
    expect(page.locator("li.record")).to_have_count(5)
    expect(page.locator("li.record.waiting")).to_have_count(5)

    # Without signal, "send now" keeps everything and says so.
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#flash")).to_have_text(
        "Belum ada sinyal. Catatan disimpan di ponsel dan dikirim nanti."
    )

    # The signal comes back and the phone sends by itself, but the link drops after the hub
    # saved the first record and before its answer reached the phone.
    cut: list[str] = []

    def drop_first_answer(route: Route) -> None:
        if not cut:
            cut.append(route.request.url)
            route.fetch()  # the hub receives and saves it
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/outreach/**", drop_first_answer)
    with page.expect_event("requestfailed"):
        phone.set_offline(False)
    assert cut == [f"{live_server.url}/api/outreach/activities"]
    expect(page.locator("#counts")).to_have_text("5 menunggu dikirim · 0 terkirim")
    assert Activity.objects.count() == 1
    # The worker tries again: the record the hub already has is answered, not stored twice.
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#counts")).to_have_text("0 menunggu dikirim · 5 terkirim")
    page.screenshot(path=str(shots / "mobile-sent.png"), full_page=True)
    assert cut == [f"{live_server.url}/api/outreach/activities"]

    activities = sorted(Activity.objects.all(), key=lambda a: a.held_on)
    assert [(a.held_on, a.women, a.men, a.village_id) for a in activities] == [
        (today - timedelta(days=6), 12, 9, MENIA),
        (today - timedelta(days=5), 30, 4, MENIA),
        (today - timedelta(days=4), 7, 7, MENIA),
    ]
    assert {a.created_by_id for a in activities} == {worker.pk}
    report = CommunityReport.objects.get()
    tip = Tip.objects.get()
    assert (tip.channel, tip.village_id, tip.at_risk, report.tip_id) == (
        TipChannel.OUTREACH,
        MENIA,
        "child",
        tip.pk,
    )
    assert AuditEntry.objects.filter(action="outreach.activity_record").count() == 3
    meeting = Meeting.objects.get()
    assert (meeting.group_id, meeting.women, meeting.men) == (group.pk, 11, 3)
    group.refresh_from_db()
    assert group.last_met_on == today - timedelta(days=2)
    # The ids are the ones the phone made: UUIDv7, in the order they were recorded.
    ids = [str(a.pk) for a in activities]
    assert all(i[14] == "7" for i in ids)
    assert ids == sorted(ids)


def test_five_wrong_pins_erase_the_phone(
    worker: User, live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username)
    phone.set_offline(True)
    _activity(page, day=str(timezone.localdate()), women="3", men="2", concerns="")
    page.get_by_role("button", name="Kunci").click()
    for left in (4, 3, 2, 1):
        page.get_by_label("PIN").fill("000000")
        page.get_by_role("button", name="Buka").click()
        expect(page.locator("#flash")).to_have_text(f"PIN salah. Sisa {left} kali percobaan.")
    page.get_by_label("PIN").fill("000000")
    page.get_by_role("button", name="Buka").click()
    expect(page.locator("#flash")).to_have_text(
        "Data di ponsel ini sudah dihapus. Masuk lagi saat ada sinyal."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    databases = page.evaluate("() => indexedDB.databases().then(d => d.map(x => x.name))")
    assert databases == []
    phone.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    assert Activity.objects.count() == 0


def test_an_account_disabled_at_the_hub_erases_the_phone(
    worker: User, live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username)
    phone.set_offline(True)
    _activity(page, day=str(timezone.localdate()), women="3", men="2", concerns="")
    User.objects.filter(pk=worker.pk).update(is_active=False)
    # With the signal back, the phone asks the hub by itself and learns of it.
    phone.set_offline(False)
    expect(page.locator("#flash")).to_have_text(
        "Akun ini dinonaktifkan: data di ponsel ini dihapus."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    assert page.evaluate("() => indexedDB.databases().then(d => d.length)") == 0
    assert Activity.objects.count() == 0
    assert PhoneKey.objects.filter(user=worker).count() == 1


def test_the_app_is_installable(
    worker: User, live_server: LiveServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username)
    session = phone.new_cdp_session(page)
    # Test contexts are incognito, which alone keeps Chromium from offering the install;
    # a missing icon, manifest field or service worker would be listed here too.
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors] == ["in-incognito"]
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"] == f"{live_server.url}/m/manifest.webmanifest"


def test_a_case_worker_records_a_visit_offline_in_english(
    reference: None, live_server: LiveServer, phone: BrowserContext, tmp_path: Path
) -> None:

    worker, case, visit = _visit_due()

    page = phone.new_page()
    page.goto(f"{live_server.url}/m/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Choose a PIN (6 digits)").fill(PIN)
    page.get_by_label("Repeat the PIN").fill(PIN)
    page.get_by_role("button", name="Save PIN").click()
    expect(page.locator(".who")).to_contain_text("Rumah Perempuan Kupang")
    # A case worker records visits; outreach forms are not offered.
    expect(page.locator(".menu button")).to_have_text(["Follow-up visit"])
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    phone.set_offline(True)

    page.get_by_role("button", name="Follow-up visit").click()
    expect(page.get_by_label("Scheduled visit")).to_contain_text(f"{case.reference} · due")
    assert "Yosefina" not in page.content()
    page.get_by_label("Scheduled visit").select_option(str(visit.pk))
    page.get_by_label("Outcome of the visit").select_option("at_risk")
    page.get_by_role("button", name="Save on the phone").click()
    expect(page.locator('[data-field="note"] .error')).to_have_text(
        "Write a note for any outcome other than safe."
    )
    page.get_by_label("Note").fill("A recruiter came back to the village last week.")
    page.get_by_role("button", name="Save on the phone").click()
    expect(page.locator("#counts")).to_have_text("1 waiting to be sent · 0 sent")
    # The hub gave the form's choices in the language the worker chose.
    expect(page.locator("li.record")).to_contain_text(
        f"{case.reference} · At risk: approached by recruiters or in hardship"
    )
    page.screenshot(path=str(_shots(tmp_path) / "mobile-visit-en.png"), full_page=True)

    phone.set_offline(False)  # the phone sends by itself when the signal returns
    expect(page.locator("#counts")).to_have_text("0 waiting to be sent · 1 sent")
    visit.refresh_from_db()
    assert (visit.done_on, visit.outcome, visit.note) == (
        timezone.localdate(),
        "at_risk",
        "A recruiter came back to the village last week.",
    )
    assert FollowUp.objects.filter(done_on__isnull=False).count() == 1


def test_a_refused_record_is_corrected_and_a_conflict_kept_as_new(
    worker: User, live_server: LiveServer, phone: BrowserContext, tmp_path: Path
) -> None:
    from lintas.outreach.services import activity_record

    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username)
    phone.set_offline(True)
    # 2014 is before the hub's records begin: the phone takes it, the hub refuses it.
    _activity(page, day="2014-05-01", women="5", men="5", concerns="")
    # A record whose id the hub already holds with other content.
    taken = activity_record(
        actor=worker,
        id="01900000-0000-7000-8000-00000000c0de",
        kind="awareness",
        held_on=str(timezone.localdate()),
        village_code=MENIA,
        reached={"women": 40},
    )
    _activity(page, day=str(timezone.localdate()), women="8", men="6", concerns="")

    def same_id_as_taken(route: Route) -> None:
        body = route.request.post_data_json
        if body["women"] == 8:
            body["id"] = str(taken.pk)
        route.continue_(post_data=body)

    page.route("**/api/outreach/activities", same_id_as_taken)
    phone.set_offline(False)
    expect(page.locator("#counts")).to_have_text(
        "0 menunggu dikirim · 0 terkirim · 2 perlu diperiksa"
    )
    refused = page.locator("li.record.refused")
    expect(refused.locator(".state")).to_have_text("Ditolak pusat")
    expect(refused.locator(".error")).to_have_text(
        ["Mohon perbaiki isian yang ditandai.", "Tanggal: Tanggal ini sebelum 2015."]
    )
    conflict = page.locator("li.record.conflict")
    expect(conflict.locator(".state")).to_have_text("Bentrok dengan catatan di pusat")
    page.screenshot(path=str(_shots(tmp_path) / "mobile-attention.png"), full_page=True)
    assert Activity.objects.count() == 1

    refused.get_by_role("button", name="Perbaiki dan kirim lagi").click()
    expect(page.locator('[data-field="held_on"] .error')).to_have_text("Tanggal ini sebelum 2015.")
    page.get_by_label("Tanggal").fill(str(timezone.localdate() - timedelta(days=1)))
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.locator("#counts")).to_have_text(
        "0 menunggu dikirim · 1 terkirim · 1 perlu diperiksa"
    )
    page.unroute("**/api/outreach/activities")
    conflict.get_by_role("button", name="Simpan sebagai catatan baru").click()
    expect(page.locator("#counts")).to_have_text("0 menunggu dikirim · 2 terkirim")
    counts = sorted((a.women, a.men) for a in Activity.objects.all())
    assert counts == [(5, 5), (8, 6), (40, 0)]
    taken.refresh_from_db()
    assert taken.women == 40


def test_a_visit_recorded_meanwhile_at_the_hub_is_a_conflict_to_discard(
    reference: None, live_server: LiveServer, phone: BrowserContext
) -> None:
    from lintas.cases.support import follow_up_record

    worker, _case, visit = _visit_due()
    page = phone.new_page()
    _sign_in(page, live_server.url, worker.username, agency="Rumah Perempuan Kupang")
    phone.set_offline(True)
    page.get_by_role("button", name="Kunjungan tindak lanjut").click()
    page.get_by_label("Kunjungan yang dijadwalkan").select_option(str(visit.pk))
    page.get_by_label("Hasil kunjungan").select_option("safe")
    page.get_by_role("button", name="Simpan di ponsel").click()
    # Meanwhile a colleague records the same visit at the hub, with another outcome.
    follow_up_record(actor=worker, follow_up_id=visit.pk, outcome="unreachable", note="Pindah")
    phone.set_offline(False)
    conflict = page.locator("li.record.conflict")
    expect(conflict.locator(".state")).to_have_text("Bentrok dengan catatan di pusat")
    # One visit per follow-up at the hub: keeping it as new would only conflict again.
    expect(conflict.get_by_role("button")).to_have_text(["Buang"])
    page.once("dialog", lambda dialog: dialog.accept())
    conflict.get_by_role("button", name="Buang").click()
    expect(page.locator("li.record")).to_have_count(0)
    visit.refresh_from_db()
    assert (visit.outcome, visit.note) == ("unreachable", "Pindah")
