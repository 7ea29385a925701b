"""Demo outreach: a year of activities and groups, thin on Sumba, Alor and Sabu; a plan per NGO.

Made through the services with demo coordinators, so that coverage shows the real gaps the
study describes: most work happens on Timor, near the posts and Kupang, while the islands
without a post or immigration office get little. Runs once: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from lintas.accounts.demo import DEMO_PASSWORD
from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.accounts.services import user_create
from lintas.common.ids import uuid7
from lintas.outreach import planning, services
from lintas.outreach.coverage import coverage_compute
from lintas.outreach.models import Activity, ActivityKind, Audience, GroupKind
from lintas.places.models import Village

# regency code -> relative weight of outreach there (Timor heavy; Sumba, Alor, Sabu thin)
REGENCY_WEIGHTS: dict[str, float] = {
    "53.71": 8, "53.01": 6, "53.02": 6, "53.03": 7, "53.04": 8, "53.21": 6,
    "53.06": 2, "53.07": 3, "53.08": 2, "53.09": 1.5, "53.10": 2, "53.15": 2,
    "53.16": 1.5, "53.19": 1.5, "53.13": 1.5, "53.14": 2,
    "53.11": 0.4, "53.12": 0.25, "53.17": 0.15, "53.18": 0.25, "53.05": 0.5, "53.20": 0.4,
}  # fmt: skip

# agency code -> (coordinator username, name, regencies it works in; empty = anywhere)
COORDINATORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "iom-kupang": ("penyuluh.iom", "Theresia Lodo", ()),
    "rumah-perempuan-kupang": (
        "penyuluh.rpk",
        "Libby Sinlaeloe",
        ("53.71", "53.01", "53.02", "53.03", "53.04", "53.21"),
    ),
    "sinode-gks": ("penyuluh.gks", "Pdt. Umbu Ndapa", ("53.11", "53.12", "53.17", "53.18")),
    "plbn-motaain": ("penyuluh.motaain", "Hendrikus Mali", ("53.04",)),
    "plbn-wini": ("penyuluh.wini", "Yuliana Taek", ("53.03",)),
}

KINDS_BY_AGENCY: dict[str, tuple[str, ...]] = {
    "iom-kupang": (ActivityKind.PRE_DEPARTURE, ActivityKind.AWARENESS, ActivityKind.SCHOOL),
    "rumah-perempuan-kupang": (ActivityKind.AWARENESS, ActivityKind.COOPERATIVE),
    "sinode-gks": (ActivityKind.CHURCH, ActivityKind.AWARENESS),
    "plbn-motaain": (ActivityKind.POST_VISIT, ActivityKind.MARKET_DAY, ActivityKind.COOPERATIVE),
    "plbn-wini": (ActivityKind.POST_VISIT, ActivityKind.SKILLS),
}

# How much of the work each agency does (GKS's own work is on Sumba, and small).
AGENCY_SHARE = {"iom-kupang": 5.0, "sinode-gks": 0.5}

ACTIVITIES = 420
GROUPS = 36


def _coordinator(agency: Agency, username: str, name: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        actor=None,
        agency=agency,
        username=username,
        full_name=name,
        role=Role.OUTREACH_COORDINATOR,
        password=DEMO_PASSWORD,
    )


def demo_outreach_seed() -> dict[str, int]:
    """Seed demo outreach once; returns what was made."""
    if Activity.objects.exists():
        return {"outreach activities": 0}
    rng = random.Random(10)  # the same demo every time
    today = timezone.localdate()
    villages: dict[str, list[str]] = {}
    for code, regency in Village.objects.values_list("code", "district__regency_id"):
        villages.setdefault(regency, []).append(code)
    actors = {}
    for code, (username, name, regencies) in COORDINATORS.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is not None:
            actors[code] = (_coordinator(agency, username, name), regencies)
    if not actors:
        return {"outreach activities": 0}

    def pick_village(regencies: tuple[str, ...]) -> str:
        pool = list(regencies) or list(REGENCY_WEIGHTS)
        weights = [REGENCY_WEIGHTS[r] for r in pool]
        regency = rng.choices(pool, weights=weights)[0]
        return rng.choice(villages[regency])

    codes = list(actors)
    activities = 0
    for _n in range(ACTIVITIES):
        code = rng.choices(codes, weights=[AGENCY_SHARE.get(c, 2) for c in codes])[0]
        actor, regencies = actors[code]
        adults = rng.randint(8, 60)
        services.activity_record(
            actor=actor,
            id=uuid7(),
            kind=rng.choice(KINDS_BY_AGENCY[code]),
            held_on=today - timedelta(days=rng.randint(0, 364)),
            village_code=pick_village(regencies),
            reached={
                "women": adults // 2 + rng.randint(0, 5),
                "men": adults // 2,
                "girls": rng.randint(0, 15),
                "boys": rng.randint(0, 15),
            },
            audiences=rng.sample(list(Audience.values), k=2),
            language="Bahasa Indonesia",
            materials="Leaflet migrasi aman",
            concerns=rng.choice(["", "Biaya paspor", "Tawaran kerja lewat Facebook"]),
            follow_up_requested=rng.random() < 0.1,
        )
        activities += 1
    groups = []
    for n in range(GROUPS):
        code = rng.choice(codes)
        actor, regencies = actors[code]
        group = services.group_register(
            actor=actor,
            id=uuid7(),
            kind=rng.choice(list(GroupKind.values)),
            name=f"Kelompok Peduli Migran {n + 1}",
            village_code=pick_village(regencies),
            member_count=rng.randint(8, 40),
            contact_name=f"Kontak Kelompok {n + 1}",
        )
        groups.append((actor, group))
    meetings = 0
    for actor, group in groups:
        # A third of the groups stopped meeting more than 90 days ago: dormant.
        latest = rng.randint(0, 60) if rng.random() < 0.67 else rng.randint(100, 300)
        for k in range(rng.randint(1, 4)):
            services.meeting_record(
                actor=actor,
                id=uuid7(),
                group_id=group.pk,
                held_on=today - timedelta(days=latest + 30 * k),
                women=rng.randint(3, 20),
                men=rng.randint(2, 15),
            )
            meetings += 1
    reports = 0
    for actor, group in groups[:6]:
        services.community_report_file(
            actor=actor,
            id=uuid7(),
            body="Anggota kelompok mendengar ada perekrut menawarkan kerja di Malaysia tanpa "
            "dokumen kepada beberapa remaja di desa.",
            village_code=group.village_id,
            happened_on=today - timedelta(days=3),
            at_risk="group",
            group_id=group.pk,
        )
        reports += 1
    plans = _plans(actors)
    return {
        "outreach activities": activities,
        "support groups": len(groups),
        "group meetings": meetings,
        "community reports": reports,
        "outreach plans": plans,
    }


def _plans(actors: dict[str, tuple[User, tuple[str, ...]]]) -> int:
    year, quarter = planning.current_quarter()
    rows = coverage_compute()
    made = 0
    for code in ("iom-kupang", "rumah-perempuan-kupang", "sinode-gks"):
        if code not in actors:
            continue
        actor, regencies = actors[code]
        plan = planning.plan_create(
            actor=actor, id=uuid7(), year=year, quarter=quarter, note="Rencana demo"
        )
        made += 1
        suggested = planning.suggested_targets(coverage=rows, year=year, quarter=quarter, limit=40)
        mine = [r for r in suggested if not regencies or r.regency_code in regencies][:3]
        if len(mine) < 3:  # nothing left out where the agency works: its top-ranked places
            ranked = sorted(rows, key=lambda r: r.priority_rank)
            mine += [r for r in ranked if r.regency_code in regencies and r not in mine][
                : 3 - len(mine)
            ]
        for row in mine:
            planning.plan_target_add(
                actor=actor,
                id=uuid7(),
                plan_id=plan.pk,
                district_code=row.district_code,
                activities_planned=2,
                who=actor.full_name,
            )
    return made
