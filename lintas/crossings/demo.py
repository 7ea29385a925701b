"""Invented crossings and market visits for the demo (``lintas seed-demo``, LINTAS_DEBUG only).

Every person, document and number here is made up. The volumes follow the study where it
gives a figure (Motaain is the busiest post of the province; about 655 market visitors a
week at Motaain) and are plausible guesses elsewhere.

The rows are written with ``bulk_create`` in one transaction, because registering some
16,000 crossings one by one through ``crossing_register`` takes minutes. What the service
guarantees is kept by construction: UUIDv7 ids made in crossing order, ``origin`` and
``created_by`` (the demo officer of the post), documents that pass the document rules on
the day of each crossing, border passes only where the post accepts them and only for
eligible districts and listed destinations, and each inbound crossing linked to the
traveller's last crossing when that one was outbound. The whole seed writes one audit
entry instead of one per row (the two extra desk officers get theirs from the accounts
service), and no outbox events: demo records are not meant to travel. Nor are the demo
crossings screened: screening results are left to the screening service.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from django.db import transaction
from django.utils import timezone

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.accounts.services import user_create
from lintas.audit.models import AuditEntry
from lintas.audit.services import audit_append
from lintas.crossings import mrz
from lintas.crossings.models import (
    Crossing,
    CrossingGroup,
    Direction,
    DocumentKind,
    MarketVisit,
    PlbDestination,
    PlbDistrict,
    PlbDistrictStatus,
    PostPlbPolicy,
    Sex,
    TravelDocument,
    Traveller,
)
from lintas.places.models import EntryPoint, Post, Village

SEED_ACTION: Final = "demo.seed_crossings"
SEED_OBJECT: Final = ("crossings.demo", "seed")

# username, full name, agency code, post code: one desk officer per post. Motaain's comes
# with the demo accounts; the Atambua immigration office also staffs Wini and Motamasin.
DEMO_POST_OFFICERS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("petugas.motaain", "Yohanes Bria", "imigrasi-atambua", "motaain"),
    ("petugas.wini", "Fransiska Sanam", "imigrasi-atambua", "wini"),
    ("petugas.motamasin", "Dominikus Klau", "imigrasi-atambua", "motamasin"),
)
MARKET_REGISTRAR: Final = "pasar.motaain"

# Mean crossings a day, both directions, on an ordinary weekday.
DAILY_CROSSINGS: Final[dict[str, int]] = {"motaain": 120, "wini": 40, "motamasin": 25}
# Individual trips started per crossing wanted: a trip is mostly two crossings (out and
# back); at Motaain the coaches and Wini's transit travellers add their own, and Wini's
# transit travellers leave through Motaain. Measured over 90 days: about 120, 40 and 25
# crossings a day.
TRIPS_PER_CROSSING: Final[dict[str, float]] = {"motaain": 0.36, "wini": 0.56, "motamasin": 0.5}
# Monday..Sunday: Friday and Saturday are busier, Sunday is church and a quiet desk.
WEEKDAY_FACTOR: Final = (1.0, 1.0, 0.95, 0.95, 1.1, 1.15, 0.45)
# Motaain market days (chosen for the demo) and their share of the week's visitors:
# Tuesday, and Friday, the bigger one.
MARKET_WEEKDAYS: Final[dict[int, float]] = {1: 0.45, 4: 0.55}
MARKET_VISITS_PER_WEEK: Final = 655
OPENS, CLOSES = time(8, 0), time(16, 0)
TEN_YEAR_PASSPORTS_SINCE: Final = date(2022, 10, 12)
# Trips that began this many days before the window still bring travellers back inside it.
LEAD_IN_DAYS: Final = 16
# Long stays (work) that do not come back inside any window.
AWAY: Final = 10_000
NEVER: Final = datetime.max.replace(tzinfo=UTC)

# --- names ------------------------------------------------------------------------------


def _names(text: str) -> tuple[str, ...]:
    """Names separated by commas (a name may have several words)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


IDN_MEN: Final = _names(
    "Yohanes, Agustinus, Fransiskus, Kornelis, Benediktus, Dominikus, Paulus, Petrus, "
    "Antonius, Yakobus, Yosef, Bernadus, Aloysius, Emanuel, Gregorius, Hendrikus, Ignasius, "
    "Kristoforus, Lukas, Markus, Matheus, Nikolaus, Rofinus, Stefanus, Vinsensius, Wilhelmus, "
    "Yoseph, Florianus, Siprianus"
)
IDN_WOMEN: Final = _names(
    "Maria, Yosefina, Marselina, Theresia, Adriana, Agnes, Anastasia, Bernadeta, Elisabeth, "
    "Fransiska, Helena, Katarina, Klara, Lusia, Magdalena, Margaretha, Martina, Modesta, "
    "Natalia, Paulina, Regina, Rosalia, Veronika, Yuliana, Florentina, Skolastika, Oktaviana"
)
# Second baptismal names ("Maria" is given to boys too).
IDN_MIDDLE_MEN: Final = _names("Maria, Don Bosco, Yosef, Paulus")
IDN_MIDDLE_WOMEN: Final = _names("Goreti, Imakulata, Fatima, Maria")
# Timorese clan names, by the regency the post serves.
SURNAMES: Final[dict[str, tuple[str, ...]]] = {
    "motaain": _names(
        "Bria, Seran, Nahak, Mau, Bere, Atok, Luruk, Klau, Manek, Hale, Fahik, Bau, Leki, "
        "Kehi, Mali, Asa, Tae, Lelo, Berek, Loe"
    ),
    "wini": _names(
        "Tefa, Kolo, Taek, Sanam, Oki, Neno, Abi, Anin, Bana, Nesi, Salu, Ukat, Tanouf, Kefi, "
        "Atini, Naben, Sila, Lake"
    ),
    "motamasin": _names(
        "Seran, Bere, Klau, Nahak, Fahik, Manek, Mau, Bria, Luan, Kehi, Taek, Hoar, Tahu, Nurak"
    ),
}
# Timor-Leste: Portuguese names (as printed in the MRZ, without accents) and Tetum ones.
TLS_MEN: Final = _names(
    "Jose, Joao, Manuel, Antonio, Francisco, Domingos, Joaquim, Agostinho, Mateus, Tomas, "
    "Zacarias, Marcelino, Jacinto, Abilio, Cipriano, Florindo, Armando, Julio, Luis, Celestino"
)
TLS_WOMEN: Final = _names(
    "Maria, Ana, Joana, Rosa, Isabel, Teresa, Filomena, Madalena, Lucia, Juliana, Natalia, "
    "Olinda, Ermelinda, Graciana, Angelina, Felismina, Aurora, Delfina"
)
TLS_SURNAMES: Final = _names(
    "da Costa, dos Santos, Soares, Pereira, Ximenes, Guterres, da Silva, Martins, Belo, "
    "Amaral, Fernandes, de Araujo, Sarmento, Correia, Freitas, Lopes, Mendonca, Tilman, "
    "Marques, do Rosario, Bere, Mau, Seran, Nahak"
)
# Oecusse (across from Wini) has its own Baikeno clan names next to the Portuguese ones.
OECUSSE_SURNAMES: Final = _names("Colo, Lelan, Punef, Bobo, Ote, Nitbani, Sila, Taek")

# --- places across the border ------------------------------------------------------------

OUT_DESTINATIONS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "motaain": (("Dili", 5), ("Batugade", 2), ("Maliana", 1.5), ("Balibo", 1), ("Liquica", 0.5)),
    "wini": (("Pante Makassar", 6), ("Oesilo", 1), ("Nitibe", 1)),
    "motamasin": (("Suai", 5), ("Salele", 2), ("Zumalai", 1), ("Dili", 1)),
}
IN_DESTINATIONS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "motaain": (("Atambua", 6), ("Kupang", 2.5), ("Halilulik", 0.5), ("Kefamenanu", 0.5)),
    "wini": (("Kefamenanu", 5), ("Kupang", 2), ("Atambua", 1)),
    "motamasin": (("Betun", 5), ("Atambua", 2), ("Kupang", 1.5)),
}
# Border-pass destinations (names as in plb_destinations.csv) by the post that leads there.
PLB_DESTINATIONS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "motaain": (("Balibo", 4), ("Maliana", 3), ("Lolotoi", 1), ("Suai Kota", 0.5)),
    "wini": (("Pante Makassar", 4), ("Nitibe", 2), ("Oesilo", 2), ("Passabe", 1)),
}
# Regencies (first five characters of the district code) where the travellers of a post
# live: Belu and Kupang city for Motaain (the Kupang-Dili road), TTU for Wini, Malaka for
# Motamasin. Border-pass holders of Malaka (Kobalima) cross at Motaain, since Motamasin
# refuses border passes.
HOME_REGENCIES: Final[dict[str, tuple[str, ...]]] = {
    "motaain": ("53.04", "53.71"),
    "wini": ("53.03",),
    "motamasin": ("53.21",),
}
PLB_REGENCIES: Final[dict[str, tuple[str, ...]]] = {
    "motaain": ("53.04", "53.21"),
    "wini": ("53.03",),
    "motamasin": (),
}
# Sucos of Bobonaro near Motaain where market visitors come from.
MARKET_VILLAGES: Final = _names(
    "Batugade, Sanirin, Leohito, Cowa, Balibo Vila, Leolima, Aidabaleten, Rairobo, Hataz, "
    "Atabae, Ritabou, Odomau, Holsa, Lahomea"
)
EMPLOYERS: Final = (
    "CV Timor Jaya Konstruksi, Dili",
    "Toko Bangunan Sinar Lorosae, Dili",
    "Rumah Makan Padang Sederhana, Dili",
    "PT Bangun Timor Leste, Comoro",
    "Bengkel Motor Maju Jaya, Maliana",
    "Restoran Surabaya, Dili",
)
PLACEMENT_LICENCES: Final = ("P3MI-2021-0457", "P3MI-2022-1180", "")
ISSUING_OFFICES: Final[dict[str, tuple[str, ...]]] = {
    "IDN": ("Kantor Imigrasi Atambua", "Kantor Imigrasi Kupang"),
    "TLS": ("Servico de Migracao, Dili", "Servico de Migracao, Maliana"),
}
KTP_OFFICES: Final[dict[str, str]] = {
    "53.04": "Disdukcapil Belu",
    "53.03": "Disdukcapil Timor Tengah Utara",
    "53.21": "Disdukcapil Malaka",
}

type Weighted = Sequence[tuple[str, float]]

# Person kinds: which document a traveller carries and which way their trip starts
# (Indonesians leave first and come back, Timorese come in first and go home). Border
# passes are Indonesian only here: Timor-Leste holders would leave Indonesia "outbound"
# on their way home, and plb_overstays (written for Indonesian holders abroad) would list
# every one of them as an overstay.
PLB_IDN, PASSPORT_IDN, PASSPORT_TLS, KTP, TRANSIT = (
    "plb_idn",
    "passport_idn",
    "passport_tls",
    "ktp",
    "transit",
)
# Share of the individual trips at each post, by person kind.
TRIP_MIX: Final[dict[str, Weighted]] = {
    "motaain": ((PLB_IDN, 33), (PASSPORT_IDN, 26), (PASSPORT_TLS, 36), (KTP, 5)),
    "wini": ((PLB_IDN, 45), (PASSPORT_IDN, 15), (PASSPORT_TLS, 25), (TRANSIT, 10), (KTP, 5)),
    "motamasin": ((PASSPORT_IDN, 45), (PASSPORT_TLS, 45), (KTP, 10)),
}
PURPOSES: Final[dict[str, Weighted]] = {
    PLB_IDN: (("family", 55), ("market", 20), ("trade", 15), ("other", 10)),
    PASSPORT_IDN: (
        ("family", 32),
        ("trade", 22),
        ("tourism", 15),
        ("work", 4),
        ("study", 4),
        ("other", 8),
    ),
    PASSPORT_TLS: (
        ("family", 30),
        ("trade", 22),
        ("market", 15),
        ("study", 8),
        ("tourism", 12),
        ("other", 13),
    ),
    KTP: (("family", 60), ("other", 40)),
    TRANSIT: (("other", 100),),
}
# How often a trip is made by someone who crossed before (border residents cross often).
REPEAT_SHARE: Final[dict[str, float]] = {
    PLB_IDN: 0.6,
    PASSPORT_IDN: 0.25,
    PASSPORT_TLS: 0.3,
    KTP: 0.3,
    TRANSIT: 0.2,
}


@dataclass(eq=False)
class _Person:
    kind: str
    post: str
    nationality: str
    surname: str
    given_names: str
    sex: str
    birth_date: date
    district: str | None
    village: str | None
    doc_kind: str
    doc_number: str
    doc_state: str
    issued_on: date | None
    expiry_date: date | None
    issuing_office: str
    mrz_format: str
    free_from: datetime  # back home: free for the next trip from then on


@dataclass(eq=False)
class _Group:
    post: str
    label: str


@dataclass(eq=False)
class _Leg:
    person: _Person
    post: str
    direction: str
    at: datetime
    purpose: str
    destination: str = ""
    group: _Group | None = None
    employer_name: str = ""
    recruiter_name: str = ""
    placement_agency_licence: str = ""
    goods_value_idr: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class _Reference:
    """What the generator reads from the database once."""

    entry_points: dict[str, list[str]]
    plb_posts: set[str]
    plb_districts: dict[str, list[str]]  # post -> eligible district codes
    home_districts: dict[str, list[str]]  # post -> district codes of its regencies
    villages: dict[str, list[str]]  # district code -> village codes
    plb_names: set[str]
    taken_numbers: set[tuple[str, str, str]]
    taken_visit_numbers: set[str]


def demo_crossings_seed(
    *, days: int = 90, seed: int = 7, today: date | None = None
) -> dict[str, int]:
    """Create ``days`` days of invented crossings at the three posts and Motaain market visits.

    Returns the number of records created by kind. A second call finds the audit entry
    of the first and creates nothing (all counts 0). The demo accounts are created first
    if missing, and a desk officer for Wini and for Motamasin.
    """
    if not 1 <= days <= 365:
        # A border pass is valid for a year: a longer window cannot keep its holders valid.
        raise ValueError("days must be between 1 and 365")
    counts = {
        "officers": 0,
        "travellers": 0,
        "documents": 0,
        "crossing_groups": 0,
        "crossings": 0,
        "market_visits": 0,
    }
    with transaction.atomic():
        if AuditEntry.objects.filter(action=SEED_ACTION).exists():
            return counts
        demo_accounts_seed()
        officers, counts["officers"] = _post_officers()
        registrar = User.objects.get(username=MARKET_REGISTRAR)
        rng = random.Random(seed)
        now = timezone.now()
        today = today or timezone.localdate(now)
        ref = _reference()
        generator = _Generator(rng=rng, ref=ref, today=today, days=days, now=now)
        legs = generator.run()
        groups, travellers, documents, crossings = _records(legs, officers, rng)
        visits = _market_visits(rng, ref, registrar, today=today, days=days, now=now)
        CrossingGroup.objects.bulk_create(groups, batch_size=2000)
        Traveller.objects.bulk_create(travellers, batch_size=2000)
        TravelDocument.objects.bulk_create(documents, batch_size=2000)
        Crossing.objects.bulk_create(crossings, batch_size=2000)
        MarketVisit.objects.bulk_create(visits, batch_size=2000)
        counts.update(
            travellers=len(travellers),
            documents=len(documents),
            crossing_groups=len(groups),
            crossings=len(crossings),
            market_visits=len(visits),
        )
        audit_append(actor=None, action=SEED_ACTION, obj=SEED_OBJECT, changed=dict(counts))
    return counts


def _post_officers() -> tuple[dict[str, User], int]:
    """The desk officer of each post, created through the service when missing."""
    officers: dict[str, User] = {}
    created = 0
    for username, full_name, agency_code, post_code in DEMO_POST_OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                agency=Agency.objects.get(code=agency_code),
                username=username,
                full_name=full_name,
                role=Role.POST_OFFICER,
                post=Post.objects.get(code=post_code),
                password=DEMO_PASSWORD,
            )
            created += 1
        officers[post_code] = user
    return officers, created


def _reference() -> _Reference:
    entry_points: dict[str, list[str]] = defaultdict(list)
    for post_id, code in EntryPoint.objects.order_by("post_id", "position").values_list(
        "post_id", "code"
    ):
        entry_points[post_id].append(code)
    refusing = set(
        PostPlbPolicy.objects.filter(accepts_plb=False).values_list("post_id", flat=True)
    )
    eligible = list(
        PlbDistrict.objects.filter(status=PlbDistrictStatus.ELIGIBLE)
        .order_by("district_id")
        .values_list("district_id", flat=True)
    )
    wanted = {c for codes in (*HOME_REGENCIES.values(), *PLB_REGENCIES.values()) for c in codes}
    villages: dict[str, list[str]] = defaultdict(list)
    for code, district_id in Village.objects.filter(district__regency_id__in=wanted).values_list(
        "code", "district_id"
    ):
        villages[district_id].append(code)
    for codes in villages.values():
        codes.sort()
    plb_districts = {
        post: [c for c in eligible if c[:5] in PLB_REGENCIES[post] and c in villages]
        for post in DAILY_CROSSINGS
    }
    home_districts = {
        post: sorted(d for d in villages if d[:5] in HOME_REGENCIES[post])
        for post in DAILY_CROSSINGS
    }
    return _Reference(
        entry_points=dict(entry_points),
        plb_posts={p for p in DAILY_CROSSINGS if p not in refusing},
        plb_districts=plb_districts,
        home_districts=home_districts,
        villages=dict(villages),
        plb_names=set(PlbDestination.objects.values_list("name", flat=True)),
        taken_numbers=set(TravelDocument.objects.values_list("kind", "issuing_state", "number")),
        taken_visit_numbers=set(MarketVisit.objects.values_list("visit_number", flat=True)),
    )


def _pick(rng: random.Random, weighted: Weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone()).astimezone(UTC)


def _clock(hours: float) -> time:
    seconds = max(0, min(int(hours * 3600), 24 * 3600 - 1))
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Generator:
    """Simulates trips day by day so that a traveller never starts a trip while abroad."""

    def __init__(
        self, *, rng: random.Random, ref: _Reference, today: date, days: int, now: datetime
    ) -> None:
        self.rng = rng
        self.ref = ref
        self.today = today
        self.start = today - timedelta(days=days - 1)
        self.window_start = _local(self.start, time.min)
        # Nothing after the present: a crossing cannot be in the future.
        self.window_end = min(now, _local(today + timedelta(days=1), time.min))
        self.legs: list[_Leg] = []
        self.pool: dict[tuple[str, str], list[_Person]] = defaultdict(list)
        self.taken = set(ref.taken_numbers)

    # -- driving -------------------------------------------------------------------------

    def run(self) -> list[_Leg]:
        day = self.start - timedelta(days=LEAD_IN_DAYS)
        while day <= self.today:
            for post in DAILY_CROSSINGS:
                self._day_at(post, day)
            day += timedelta(days=1)
        self._plant_overstays()
        return sorted(
            (leg for leg in self.legs if self.window_start <= leg.at <= self.window_end),
            key=lambda leg: leg.at,
        )

    def _day_at(self, post: str, day: date) -> None:
        rng = self.rng
        mean = DAILY_CROSSINGS[post] * WEEKDAY_FACTOR[day.weekday()] * TRIPS_PER_CROSSING[post]
        trips = max(0, round(rng.gauss(mean, mean**0.5)))
        for _ in range(trips):
            self._individual_trip(post, day, _pick(rng, TRIP_MIX[post]))
        if post == "motaain" and day.weekday() in (0, 2, 4):
            self._bus(day, outbound=True)
        if post == "motaain" and day.weekday() in (1, 3, 5):
            self._bus(day, outbound=False)
        if rng.random() < {"motaain": 0.5, "wini": 0.25, "motamasin": 0.15}[post]:
            self._family(post, day)

    # -- people and documents ------------------------------------------------------------

    def _person(self, kind: str, post: str, at: datetime) -> _Person:
        """Someone who crossed before and is home now, or a new traveller."""
        pool = self.pool[(post, kind)]
        if pool and self.rng.random() < REPEAT_SHARE[kind]:
            for _ in range(4):
                person = self.rng.choice(pool)
                if person.free_from <= at:
                    return person
        person = self._new_person(kind, post, at.date())
        pool.append(person)
        return person

    def _new_person(
        self,
        kind: str,
        post: str,
        first_day: date,
        *,
        surname: str = "",
        age: tuple[int, int] = (18, 68),
    ) -> _Person:
        rng = self.rng
        idn = kind in (PLB_IDN, PASSPORT_IDN, KTP)
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        if idn:
            first = IDN_MEN if sex == Sex.MALE else IDN_WOMEN
            second = IDN_MIDDLE_MEN if sex == Sex.MALE else IDN_MIDDLE_WOMEN
            given = self._given_names(first, second, 0.2)
            surname = surname or rng.choice(SURNAMES[post])
        else:
            first = TLS_MEN if sex == Sex.MALE else TLS_WOMEN
            given = self._given_names(first, first, 0.3)
            names = TLS_SURNAMES + (OECUSSE_SURNAMES if post == "wini" else ())
            surname = surname or rng.choice(names)
        birth = self.today - timedelta(days=rng.randint(age[0] * 365 + 10, age[1] * 365))
        district = village = None
        if idn:
            homes = self.ref.plb_districts[post] if kind == PLB_IDN else []
            district = rng.choice(homes or self.ref.home_districts[post])
            village = rng.choice(self.ref.villages[district])
        person = _Person(
            kind=kind,
            post=post,
            nationality="IDN" if idn else "TLS",
            surname=surname,
            given_names=given,
            sex=sex,
            birth_date=birth,
            district=district,
            village=village,
            doc_kind="",
            doc_number="",
            doc_state="IDN" if idn else "TLS",
            issued_on=None,
            expiry_date=None,
            issuing_office="",
            mrz_format="",
            free_from=self.window_start - timedelta(days=LEAD_IN_DAYS + 1),
        )
        self._document(person, first_day)
        return person

    def _given_names(self, first: Sequence[str], second: Sequence[str], share: float) -> str:
        name = self.rng.choice(first)
        if self.rng.random() < share:
            other = self.rng.choice(second)
            if other != name:
                name += " " + other
        return name

    def _document(self, person: _Person, first_day: date) -> None:
        rng = self.rng
        state = person.doc_state
        if person.kind == PLB_IDN:
            person.doc_kind = DocumentKind.PLB
            # Issued before the first crossing and valid (one year) past the last one.
            earliest = max(self.today - timedelta(days=364), first_day - timedelta(days=300))
            person.issued_on = earliest + timedelta(
                days=rng.randint(0, max(0, (first_day - earliest).days))
            )
            person.expiry_date = person.issued_on + timedelta(days=364)
            person.issuing_office = "Kantor Imigrasi Atambua"
            person.doc_number = self._unique(DocumentKind.PLB, state, "PLB", 7)
        elif person.kind == KTP:
            person.doc_kind = DocumentKind.KTP
            assert person.district is not None
            person.doc_number = self._nik(person)
            person.issuing_office = KTP_OFFICES.get(person.district[:5], "Disdukcapil")
        else:
            person.doc_kind = DocumentKind.PASSPORT
            person.mrz_format = "TD3"
            # Indonesia issues ten-year passports since October 2022; Timor-Leste five-year.
            years = 10 if state == "IDN" and rng.random() < 0.6 else 5
            issued = first_day - timedelta(days=rng.randint(30, years * 365 - 400))
            if years == 10 and issued < TEN_YEAR_PASSPORTS_SINCE:
                years, issued = 5, first_day - timedelta(days=rng.randint(30, 5 * 365 - 400))
            person.issued_on = issued
            # Valid at least a year past the first crossing, so through the whole window.
            person.expiry_date = _add_years(issued, years) - timedelta(days=1)
            person.issuing_office = rng.choice(ISSUING_OFFICES[state])
            letter = rng.choice("BCEX") if state == "IDN" else "K"
            person.doc_number = self._unique(DocumentKind.PASSPORT, state, letter, 7)

    def _unique(self, kind: str, state: str, prefix: str, digits: int) -> str:
        while True:
            number = f"{prefix}{self.rng.randrange(10**digits):0{digits}d}"
            if (kind, state, number) not in self.taken:
                self.taken.add((kind, state, number))
                return number

    def _nik(self, person: _Person) -> str:
        """District code, birth date (day + 40 for women) and a serial, as Dukcapil does."""
        assert person.district is not None
        born = person.birth_date
        day = born.day + (40 if person.sex == Sex.FEMALE else 0)
        head = f"{person.district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randint(1, 9999):04d}"
            if (DocumentKind.KTP, "IDN", number) not in self.taken:
                self.taken.add((DocumentKind.KTP, "IDN", number))
                return number

    # -- trips ---------------------------------------------------------------------------

    def _start_time(self, day: date, purpose: str) -> datetime:
        # Same-day trips (market, trade) leave in the morning to be back by closing time.
        if purpose in ("market", "trade"):
            return _local(day, _clock(self.rng.uniform(8.0, 11.0)))
        return _local(day, _clock(self.rng.triangular(8.0, 16.0, 10.0)))

    def _stay(self, person: _Person, purpose: str) -> int:
        rng = self.rng
        if person.kind == TRANSIT or purpose == "market":
            return 0
        if purpose == "trade":
            return 0 if rng.random() < 0.7 else rng.randint(1, 2)
        if purpose == "work":
            return AWAY
        if purpose == "study":
            return rng.randint(30, 150)
        if person.kind == PLB_IDN:
            # Well within the ten days a border pass allows; the overstays are planted apart.
            return rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 7))
        if person.kind == KTP or purpose == "other":
            return rng.randint(0, 3)
        return rng.randint(2, 14)

    def _return_time(self, start: datetime, stay: int, latest: float = 15.75) -> datetime:
        local = timezone.localtime(start)
        earliest = local.hour + local.minute / 60 + 2.0
        if stay == 0 and earliest < latest:
            return _local(local.date(), _clock(self.rng.uniform(earliest, latest)))
        # Left too late to be back the same day: back tomorrow.
        day = local.date() + timedelta(days=max(stay, 1))
        if day.weekday() == 6 and self.rng.random() < 0.6:
            day += timedelta(days=1)  # Sunday is for church; many travel back on Monday
        return _local(day, _clock(self.rng.triangular(8.0, latest, 13.0)))

    def _individual_trip(self, post: str, day: date, kind: str) -> None:
        rng = self.rng
        purpose = _pick(rng, PURPOSES[kind])
        start = self._start_time(day, purpose)
        if kind == TRANSIT:
            # Oecusse residents crossing Indonesia by road to the rest of Timor-Leste: in at
            # Wini in the morning, out at Motaain about five hours later.
            start = _local(day, _clock(rng.uniform(8.0, 10.0)))
        person = self._person(kind, post, start)
        first = Direction.OUTBOUND if person.nationality == "IDN" else Direction.INBOUND
        leg = _Leg(person, post, first, start, purpose)
        leg.destination = self._destination(person, post, first)
        if purpose == "trade":
            leg.goods_value_idr = rng.randrange(500_000, 20_000_000, 50_000)
        if purpose == "work" and person.nationality == "IDN":
            leg.employer_name = rng.choice(EMPLOYERS)
            leg.recruiter_name = f"{rng.choice(IDN_MEN)} {rng.choice(SURNAMES[post])}"
            leg.placement_agency_licence = rng.choice(PLACEMENT_LICENCES)
        if kind == TRANSIT:
            leg.notes = "Transit darat Oecusse - Dili"
        self._maybe_mrz_problem(leg)
        self.legs.append(leg)
        stay = self._stay(person, purpose)
        back_post = "motaain" if kind == TRANSIT else post
        self._close_trip(leg, stay, back_post)

    def _close_trip(self, leg: _Leg, stay: int, back_post: str) -> None:
        person = leg.person
        if stay >= AWAY:
            person.free_from = NEVER
            return
        back = (
            leg.at + timedelta(hours=self.rng.uniform(4.0, 5.5))
            if person.kind == TRANSIT
            else self._return_time(leg.at, stay)
        )
        other = Direction.INBOUND if leg.direction == Direction.OUTBOUND else Direction.OUTBOUND
        ret = _Leg(person, back_post, other, back, leg.purpose)
        if other == Direction.OUTBOUND and (
            person.doc_kind == DocumentKind.PLB or person.kind == TRANSIT
        ):
            ret.destination = self._destination(person, back_post, other)
        self.legs.append(ret)
        person.free_from = back + timedelta(hours=1)

    def _destination(self, person: _Person, post: str, direction: str) -> str:
        if person.kind == TRANSIT:
            return "Dili" if direction == Direction.OUTBOUND else "Motaain (transit)"
        if direction == Direction.OUTBOUND:
            if person.doc_kind == DocumentKind.PLB:
                names = [(n, w) for n, w in PLB_DESTINATIONS[post] if n in self.ref.plb_names]
                return _pick(self.rng, names)
            return _pick(self.rng, OUT_DESTINATIONS[post])
        return _pick(self.rng, IN_DESTINATIONS[post])

    def _maybe_mrz_problem(self, leg: _Leg) -> None:
        """About one passport in 150: a worn MRZ fails a check; the officer confirms by hand."""
        person = leg.person
        if person.doc_kind != DocumentKind.PASSPORT or self.rng.random() >= 1 / 150:
            return
        assert person.expiry_date is not None
        lines = mrz.compose(
            "TD3",
            issuing_state=person.doc_state,
            document_number=person.doc_number,
            surname=_ascii(person.surname),
            given_names=_ascii(person.given_names),
            nationality=person.nationality,
            birth_date=person.birth_date,
            expiry_date=person.expiry_date,
            sex="M" if person.sex == Sex.MALE else "F",
        )
        # One digit misread in the number, the birth date or the expiry date.
        line = lines[1]
        spots = [i for i in (*range(1, 9), *range(13, 19), *range(21, 27)) if line[i].isdigit()]
        spot = self.rng.choice(spots)
        wrong = self.rng.choice([d for d in "0123456789" if d != line[spot]])
        result = mrz.parse_mrz([lines[0], line[:spot] + wrong + line[spot + 1 :]])
        leg.problems = list(result.errors)
        leg.notes = "MRZ rusak: data dicocokkan manual dengan halaman biodata paspor"

    def _bus(self, day: date, *, outbound: bool) -> None:
        """The Kupang-Dili coach: Indonesians out on Mon/Wed/Fri, Timorese in the other days."""
        rng = self.rng
        at = _local(day, _clock(rng.uniform(10.5, 12.0)))
        route = "Kupang - Dili" if outbound else "Dili - Kupang"
        group = _Group("motaain", f"Bus {route} {day:%d/%m}")
        kind = PASSPORT_IDN if outbound else PASSPORT_TLS
        direction = Direction.OUTBOUND if outbound else Direction.INBOUND
        for _ in range(rng.randint(10, 24)):
            at += timedelta(seconds=rng.randint(30, 90))
            person = self._person(kind, "motaain", at)
            purpose = _pick(rng, (("family", 4), ("tourism", 3), ("trade", 2), ("other", 1)))
            leg = _Leg(person, "motaain", direction, at, purpose, group=group)
            leg.destination = "Dili" if outbound else "Kupang"
            self._maybe_mrz_problem(leg)
            self.legs.append(leg)
            self._close_trip(leg, rng.randint(3, 14), "motaain")

    def _family(self, post: str, day: date) -> None:
        """Parents and children visiting relatives across the border; back together too."""
        rng = self.rng
        kind = PLB_IDN if post in self.ref.plb_posts else PASSPORT_IDN
        surname = rng.choice(SURNAMES[post])
        label = f"Keluarga {surname}"
        at = _local(day, _clock(rng.uniform(8.0, 11.0)))
        size = rng.randint(3, 6)
        members = [self._new_person(kind, post, day, surname=surname, age=(28, 55))]
        members += [
            self._new_person(kind, post, day, surname=surname, age=(3, 17)) for _ in range(size - 1)
        ]
        home = members[0]
        for child in members[1:]:
            # A household shares its address.
            child.district, child.village = home.district, home.village
        going, coming = _Group(post, label), _Group(post, f"{label} (kembali)")
        stay = rng.randint(2, 6)
        # Back before 15:45, so that the last of the family still crosses before closing.
        back = self._return_time(at, stay, latest=15.5)
        purpose = "family"
        destination = self._destination(home, post, Direction.OUTBOUND)
        # Only the parent may cross again alone later; children travel with their family.
        self.pool[(post, kind)].append(home)
        for person in members:
            at += timedelta(seconds=rng.randint(40, 120))
            leg = _Leg(person, post, Direction.OUTBOUND, at, purpose, destination, going)
            self.legs.append(leg)
            back += timedelta(seconds=rng.randint(40, 120))
            self.legs.append(_Leg(person, post, Direction.INBOUND, back, purpose, group=coming))
            person.free_from = back + timedelta(hours=1)

    def _plant_overstays(self) -> None:
        """A few border-pass holders who left 11 to 40 days ago and have not come back."""
        latest = self.today - timedelta(days=11)
        earliest = max(self.start, self.today - timedelta(days=40))
        if latest < earliest:
            return
        for post, count in (("motaain", 3), ("wini", 2)):
            if post not in self.ref.plb_posts:
                continue
            for _ in range(count):
                day = earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
                at = self._start_time(day, "family")
                person = self._new_person(PLB_IDN, post, day)
                leg = _Leg(person, post, Direction.OUTBOUND, at, "family")
                leg.destination = self._destination(person, post, Direction.OUTBOUND)
                self.legs.append(leg)
                person.free_from = NEVER


def _ascii(text: str) -> str:
    """Upper-case A-Z and spaces, as the MRZ prints a name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalpha() else " " for c in plain.upper())


def _records(
    legs: list[_Leg], officers: dict[str, User], rng: random.Random
) -> tuple[list[CrossingGroup], list[Traveller], list[TravelDocument], list[Crossing]]:
    """Model rows for the kept legs, made in crossing order so that ids sort the same way."""
    groups: dict[int, CrossingGroup] = {}
    travellers: dict[int, Traveller] = {}
    documents: dict[int, TravelDocument] = {}
    crossings: list[Crossing] = []
    last: dict[int, Crossing] = {}
    entry_point = _EntryPoints(rng)
    for leg in legs:
        person, officer = leg.person, officers[leg.post]
        key = id(person)
        if key not in travellers:
            travellers[key] = Traveller(
                surname=person.surname,
                given_names=person.given_names,
                sex=person.sex,
                birth_date=person.birth_date,
                nationality=person.nationality,
                residence_district_id=person.district,
                residence_village_id=person.village,
                created_by=officer,
            )
            documents[key] = TravelDocument(
                traveller=travellers[key],
                kind=person.doc_kind,
                number=person.doc_number,
                issuing_state=person.doc_state,
                issued_on=person.issued_on,
                expiry_date=person.expiry_date,
                issuing_office=person.issuing_office,
                mrz_format=person.mrz_format,
                created_by=officer,
            )
        group = None
        if leg.group is not None:
            group = groups.get(id(leg.group))
            if group is None:
                group = CrossingGroup(post_id=leg.group.post, label=leg.group.label)
                group.created_by = officer
                groups[id(leg.group)] = group
        previous = last.get(key)
        # As the service does: an inbound crossing points to the last one if it was outbound.
        outbound = (
            previous
            if leg.direction == Direction.INBOUND
            and previous is not None
            and previous.direction == Direction.OUTBOUND
            else None
        )
        crossing = Crossing(
            traveller=travellers[key],
            document=documents[key],
            post_id=leg.post,
            entry_point_id=entry_point.id_for(leg, person),
            direction=leg.direction,
            crossed_at=leg.at,
            purpose=leg.purpose,
            destination=leg.destination,
            employer_name=leg.employer_name,
            recruiter_name=leg.recruiter_name,
            placement_agency_licence=leg.placement_agency_licence,
            group=group,
            goods_value_idr=leg.goods_value_idr,
            outbound=outbound,
            document_problems=list(leg.problems),
            notes=leg.notes,
            created_by=officer,
        )
        crossings.append(crossing)
        last[key] = crossing
    return list(groups.values()), list(travellers.values()), list(documents.values()), crossings


class _EntryPoints:
    """Entry point ids by code (the code is unique; the id is an integer key)."""

    def __init__(self, rng: random.Random) -> None:
        self.ids = dict(EntryPoint.objects.values_list("code", "id"))
        self.rng = rng

    def id_for(self, leg: _Leg, person: _Person) -> int:
        main = f"{leg.post}-{leg.post}"
        if person.doc_kind != DocumentKind.PLB:
            return self.ids[main]
        # Border-pass holders also use the traditional crossing points of the post.
        others = sorted(code for code in self.ids if code.startswith(f"{leg.post}-"))
        code = main if self.rng.random() < 0.55 else self.rng.choice(others)
        return self.ids[code]


def _market_visits(
    rng: random.Random,
    ref: _Reference,
    registrar: User,
    *,
    today: date,
    days: int,
    now: datetime,
) -> list[MarketVisit]:
    """Check-ins at the Motaain market on its market days, numbered as the desk numbers them."""
    post = Post.objects.get(code="motaain")
    visits: list[MarketVisit] = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        share = MARKET_WEEKDAYS.get(day.weekday())
        if share is None:
            continue
        # Within 7% of the study's weekly figure, whatever the draw.
        count = round(MARKET_VISITS_PER_WEEK * share * rng.uniform(0.93, 1.07))
        times = sorted(_local(day, _clock(rng.triangular(8.0, 15.0, 9.5))) for _ in range(count))
        prefix = f"{post.code[:3].upper()}{day:%y%m%d}"
        seq = 0
        for checked_in in times:
            if checked_in > now:
                break
            seq += 1
            while f"{prefix}-{seq:04d}" in ref.taken_visit_numbers:
                seq += 1  # a visit registered at the desk already has this number
            leaves = min(
                checked_in + timedelta(minutes=rng.randint(60, 360)),
                _local(day, CLOSES) - timedelta(minutes=rng.randint(0, 20)),
            )
            # Still in the market, or (rarely) the slip was never handed back.
            stays = leaves > now or rng.random() < (0.04 if day == today else 0.01)
            out = None if stays else leaves
            sex_names = rng.choice((TLS_MEN, TLS_WOMEN))
            visits.append(
                MarketVisit(
                    post=post,
                    visit_number=f"{prefix}-{seq:04d}",
                    full_name=f"{rng.choice(sex_names)} {rng.choice(TLS_SURNAMES)}",
                    origin_village=rng.choice(MARKET_VILLAGES),
                    id_number=f"{rng.randrange(10**8, 10**9)}" if rng.random() < 0.6 else "",
                    checked_in_at=checked_in,
                    checked_out_at=out,
                    checked_out_by=registrar if out is not None else None,
                    created_by=registrar,
                )
            )
    return visits
