"""Demo tips, cases, referrals and follow-ups in every state, with invented people."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from lintas.accounts.demo import DEMO_PASSWORD
from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.accounts.services import user_create
from lintas.cases import referrals, support, triage
from lintas.cases.models import Case, FollowUp, Tip
from lintas.cases.services import (
    PersonData,
    case_event_add,
    case_open,
    case_person_add,
    case_set_status,
    consent_record,
)
from lintas.places.models import District, Regency

TIPS = (
    (
        "web",
        "53.04",
        "Dua perempuan muda dari desa kami dijanjikan kerja di restoran di "
        "Malaysia oleh seorang agen. Mereka berangkat minggu lalu tanpa paspor.",
        "woman",
    ),
    (
        "sms",
        "53.17",
        "Anak SMP tetangga dibawa om-nya ke Kalimantan. Keluarga terima uang sirih pinang.",
        "child",
    ),
    (
        "web",
        "53.71",
        "Ada mobil travel menjemput beberapa gadis di terminal malam hari, "
        "katanya untuk kerja di Batam.",
        "group",
    ),
    (
        "whatsapp",
        "53.20",
        "Saya ingin tahu apakah agen P3MI yang datang ke desa kami resmi.",
        "unknown",
    ),
    (
        "outreach",
        "53.03",
        "Kelompok dukungan desa melaporkan perekrut yang menawarkan kerja "
        "di kebun sawit tanpa kontrak.",
        "man",
    ),
)


def _user(username: str, full_name: str, role: str, agency_code: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    return user_create(
        actor=None,
        agency=Agency.objects.get(code=agency_code),
        username=username,
        full_name=full_name,
        role=role,
        password=DEMO_PASSWORD,
    )


def demo_cases_seed() -> dict[str, int]:
    """Create the demo reporting data once; a second call adds nothing."""
    if Case.objects.exists() or Tip.objects.exists():
        return {"tips": 0, "cases": 0}
    triager = User.objects.get(username="penyidik.polda")
    owner = User.objects.get(username="pendamping.ppa")
    shelter_worker = _user(
        "pendamping.rpk", "Marta Ndun", Role.CASE_WORKER, "rumah-perempuan-kupang"
    )
    iom = _user("pendamping.iom", "Selvina Lay", Role.CASE_WORKER, "iom-kupang")
    shelter = shelter_worker.agency
    today = timezone.localdate()
    with transaction.atomic():
        tips = [
            Tip.objects.create(
                channel=channel,
                body=body,
                at_risk=at_risk,
                regency=Regency.objects.get(code=regency),
                happened_on=today - timedelta(days=7 * i),
            )
            for i, (channel, regency, body, at_risk) in enumerate(TIPS)
        ]
        triage.tip_verify(actor=triager, tip_id=tips[0].pk)
        triage.tip_reply(
            actor=triager,
            tip_id=tips[0].pk,
            text="Terima kasih. Polda NTT sedang menindaklanjuti laporan Anda.",
        )
        triage.tip_close(
            actor=triager,
            tip_id=tips[3].pk,
            reason="Pertanyaan informasi: dijawab dengan daftar P3MI resmi",
        )
        triage.tip_merge(actor=triager, tip_id=tips[2].pk, into_id=tips[0].pk)
        triage.tip_open_case(actor=triager, tip_id=tips[1].pk)

        # A survivor's case at UPTD PPA, referred to the shelter and to IOM.
        case = case_open(
            actor=owner,
            summary="Perempuan 19 tahun dipulangkan dari Sabah "
            "setelah dua tahun kerja tanpa upah; paspor ditahan majikan.",
            regency=Regency.objects.get(code="53.04"),
        )
        victim = case_person_add(
            actor=owner,
            case=case,
            data=PersonData(
                role="victim",
                first_name="Agustina",
                second_name="Nahak",
                birth_date=date(2006, 2, 11),
                phone="081338000111",
                gender="Feminine",
                citizenship="IDN",
                residence_district_code="53.04.02",
                trafficking_status="ActualVictimOfTrafficking",
                age_when_trafficked=17,
                recruitment_methods=["ThroughFriendsOrSocialEvents"],
                methods_of_control=["WithholdsDocuments", "TakesEarnings", "DebtBondage"],
                exploitation_types=["ForcedLabour"],
                vulnerabilities=["Poverty", "Education"],
            ),
        )
        case_person_add(
            actor=owner,
            case=case,
            data=PersonData(
                role="suspect",
                first_name="Yakobus",
                second_name="Lede",
                roles_in_process=["RecruiterOrIntermediary"],
            ),
        )
        case_event_add(
            actor=owner,
            case=case,
            type="Recruitment",
            date_=date(2023, 5, 2),
            country="IDN",
            regency=Regency.objects.get(code="53.04"),
            district=District.objects.get(code="53.04.02"),
            description="Dijanjikan kerja di restoran oleh kenalan di pesta desa",
        )
        case_event_add(
            actor=owner,
            case=case,
            type="Transit",
            date_=date(2023, 5, 20),
            country="IDN",
            city="Nunukan",
        )
        case_event_add(
            actor=owner,
            case=case,
            type="Exploitation",
            date_=date(2023, 6, 1),
            country="MYS",
            city="Sabah",
            description="Kebun sawit, tanpa upah",
        )
        for agency in (shelter, iom.agency):
            consent_record(
                actor=owner, person=victim, kind="disclose", agency=agency, method="written"
            )
        consent_record(actor=owner, person=victim, kind="receive_services", method="written")
        to_shelter = referrals.referral_create(
            actor=owner,
            case=case,
            to_agency=shelter,
            reason="AdditionalServicesRequired",
            details="Rumah aman dan konseling",
        )
        referrals.referral_accept(actor=shelter_worker, referral_id=to_shelter.pk)
        referrals.referral_create(
            actor=owner,
            case=case,
            to_agency=iom.agency,
            reason="AdditionalServicesRequired",
            details="Reintegrasi ekonomi",
            covers_identity=False,
        )
        support.support_service_add(actor=owner, person=victim, type="shelter", provider=shelter)
        support.support_service_add(
            actor=owner, person=victim, type="psychosocial", provider=shelter
        )
        support.support_service_add(
            actor=owner, person=victim, type="economic", provider=iom.agency
        )
        visits = support.follow_ups_schedule(
            actor=shelter_worker, person=victim, start=today - timedelta(days=100)
        )
        support.follow_up_record(
            actor=shelter_worker,
            follow_up_id=visits[0].pk,
            outcome="safe",
            note="",
            done_on=visits[0].due_on,
        )
        case_set_status(actor=owner, case=case, status="FollowUp")

        # A closed case and a rejected referral, so every state shows.
        closed = case_open(
            actor=owner,
            summary="Laporan ternyata perjalanan kerja resmi.",
            regency=Regency.objects.get(code="53.71"),
        )
        person = case_person_add(
            actor=owner,
            case=closed,
            data=PersonData(
                role="victim",
                first_name="Mateus",
                second_name="Seran",
                trafficking_status="NotAVictimOfTrafficking",
            ),
        )
        consent_record(actor=owner, person=person, kind="disclose", agency=shelter, method="verbal")
        declined = referrals.referral_create(
            actor=owner, case=closed, to_agency=shelter, reason="Other"
        )
        referrals.referral_reject(
            actor=shelter_worker,
            referral_id=declined.pk,
            reason="Bukan korban; tidak perlu rumah aman",
        )
        case_set_status(
            actor=owner,
            case=closed,
            status="Closed",
            reason="Bukan TPPO: penempatan resmi melalui P3MI berizin",
        )
    return {
        "tips": len(tips),
        "cases": Case.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }
