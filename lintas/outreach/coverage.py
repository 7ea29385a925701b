"""Vulnerability, reach and the priority of each of the province's 315 districts.

The score is explained in ``docs/outreach.md``; in short, for one district:

- **vulnerability** (0..1) is a weighted mean of facts, each scaled 0..1 with 1 the most
  vulnerable: the regency's latest poverty rate (weight 2), whether its island has neither a
  border post nor an immigration office (weight 1), and each indicator an analyst imported
  (weight 1). A rate is scaled from the lowest to the highest regency rate (a regency
  without one counts as the mean of those that have it); an indicator likewise over the
  districts, with the latest year of each district.
- **reach** (0..1) in the last 365 days: ``0.4·min(1, activities/4) + 0.4·min(1,
  people/400) + 0.2·min(1, active groups)``.
- **signal** (0..1): ``min(1, (tips + cases)/3)`` from the district in the last 365 days.
- **priority** = ``(vulnerability + 0.25·signal) / 1.25 · (1 - reach)``; rank 1 is the
  highest priority (ties: higher vulnerability, fewer people reached, district code).
- **left out**: vulnerability at least 0.5 and reach under 0.25.

Everything is read in a fixed number of queries, whatever the number of districts.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lintas.cases.models import CasePerson, PersonRole, Tip, TipStatus
from lintas.insights.models import RegencyPovertyRate
from lintas.outreach.models import DORMANT_AFTER_DAYS, Activity, Indicator, SupportGroup
from lintas.places.models import District, Post

DATA = Path(__file__).resolve().parent / "data"
WINDOW_DAYS = 365
POVERTY_WEIGHT = 2
POVERTY_SOURCE = "BPS 2023, dikutip kajian pos lintas batas NTT (2025)"

# Imported indicators Lintas knows, and whether a higher value means more vulnerable.
INDICATORS: dict[str, bool] = {
    "school_participation": False,
    "migrant_departures": True,
    "unemployment": True,
    "child_marriage": True,
    "stunting": True,
}


@dataclass(frozen=True)
class Island:
    code: str
    name: str
    places_island_code: str
    regencies: frozenset[str]
    districts: frozenset[str]


@functools.cache
def islands() -> tuple[Island, ...]:
    """The islands of the province as shipped in ``data/islands.csv``."""
    with (DATA / "islands.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Island(
                code=row["island"],
                name=row["name"],
                places_island_code=row["places_island_code"],
                regencies=frozenset(filter(None, row["regencies"].split(";"))),
                districts=frozenset(filter(None, row["districts"].split(";"))),
            )
            for row in csv.DictReader(handle)
        )


def island_of(district_code: str, regency_code: str) -> Island:
    """The island a district lies on: by its own code first, else by its regency."""
    for island in islands():
        if district_code in island.districts:
            return island
    for island in islands():
        if regency_code in island.regencies:
            return island
    raise LookupError(district_code)


@functools.cache
def immigration_office_regencies() -> frozenset[str]:
    with (DATA / "immigration_offices.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["regency_code"] for row in csv.DictReader(handle))


@dataclass
class DistrictCoverage:
    """One district's facts, reach and priority, with the reasons in words."""

    district_code: str
    district: str
    regency_code: str
    regency: str
    island: str
    island_has_post: bool
    poverty_pct: Decimal | None
    poverty_year: int | None
    activities_12m: int
    people_reached_12m: int
    groups_active: int
    tips_12m: int
    cases_12m: int
    vulnerability: float = 0.0
    reach: float = 0.0
    signal: float = 0.0
    priority: float = 0.0
    priority_rank: int = 0
    left_out: bool = False
    indicators: dict[str, tuple[Decimal, int, str]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def _scale(values: dict[str, float], *, higher_is_worse: bool) -> dict[str, float]:
    """Min-max scale to 0..1 (1 = most vulnerable); all equal values scale to 1."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = high - low
    scaled = {k: 1.0 if span == 0 else (v - low) / span for k, v in values.items()}
    return scaled if higher_is_worse else {k: 1.0 - v for k, v in scaled.items()}


def reach_score(*, activities: int, people: int, groups: int) -> float:
    return round(
        0.4 * min(1.0, activities / 4) + 0.4 * min(1.0, people / 400) + 0.2 * min(1.0, groups), 4
    )


def coverage_compute(*, today: date | None = None) -> list[DistrictCoverage]:
    """Every district of the province, ranked by priority (rank 1 = most left out)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=WINDOW_DAYS)
    since_at = timezone.now() - timedelta(days=WINDOW_DAYS)
    districts = list(District.objects.select_related("regency").order_by("code"))
    poverty: dict[str, tuple[Decimal, int]] = {}
    for rate in RegencyPovertyRate.objects.order_by("regency_id", "year"):
        poverty[rate.regency_id] = (rate.rate_pct, rate.year)  # the latest year wins
    indicators: dict[str, dict[str, tuple[Decimal, int, str]]] = defaultdict(dict)
    for ind in Indicator.objects.live().order_by("district_id", "name", "year"):
        indicators[ind.district_id][ind.name] = (ind.value, ind.year, ind.source)
    post_districts = set(Post.objects.values_list("district_id", flat=True))
    acts: dict[str, dict[str, Any]] = {
        row["district_id"]: dict(row)
        for row in Activity.objects.live()
        .filter(held_on__gt=since, held_on__lte=today)
        .values("district_id")
        .annotate(n=Count("id"), people=Sum("people_reached"))
    }
    groups = dict(
        SupportGroup.objects.live()
        .filter(last_met_on__gt=today - timedelta(days=DORMANT_AFTER_DAYS))
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    tips = dict(
        Tip.objects.live()
        .filter(created_at__gte=since_at, district__isnull=False)
        .exclude(status=TipStatus.MERGED)
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    cases = dict(
        CasePerson.objects.live()
        .filter(
            Q(role=PersonRole.VICTIM),
            residence_district__isnull=False,
            case__created_at__gte=since_at,
            case__deleted_at__isnull=True,
        )
        .values("residence_district_id")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("residence_district_id", "n")
    )

    post_islands = {
        island_of(d.code, d.regency_id).code for d in districts if d.code in post_districts
    }
    office_islands = {island_of("", regency).code for regency in immigration_office_regencies()}
    rows: list[DistrictCoverage] = []
    for d in districts:
        island = island_of(d.code, d.regency_id)
        act = acts.get(d.code, {})
        known = poverty.get(d.regency_id)
        rows.append(
            DistrictCoverage(
                district_code=d.code,
                district=d.name,
                regency_code=d.regency_id,
                regency=d.regency.name,
                island=island.name,
                island_has_post=island.code in post_islands or island.code in office_islands,
                poverty_pct=known[0] if known else None,
                poverty_year=known[1] if known else None,
                activities_12m=int(act.get("n", 0)),
                people_reached_12m=int(act.get("people") or 0),
                groups_active=int(groups.get(d.code, 0)),
                tips_12m=int(tips.get(d.code, 0)),
                cases_12m=int(cases.get(d.code, 0)),
                indicators=dict(indicators.get(d.code, {})),
            )
        )
    _score(rows)
    return rows


def _filled(scaled: dict[str, float], keys: list[str]) -> dict[str, float]:
    """Scaled values for every key; a missing one counts as the mean of the known ones."""
    mean = sum(scaled.values()) / len(scaled)
    return {k: scaled.get(k, mean) for k in keys}


def _score(rows: list[DistrictCoverage]) -> None:
    codes = [row.district_code for row in rows]
    parts: list[tuple[int, dict[str, float]]] = []
    # Poverty is a regency figure: scaled over the regencies that have it, and a regency
    # without it counts as their mean (not weighted by how many districts each has).
    known_poverty = {
        r.regency_code: float(r.poverty_pct) for r in rows if r.poverty_pct is not None
    }
    if known_poverty:
        regencies = sorted({r.regency_code for r in rows})
        by_regency = _filled(_scale(known_poverty, higher_is_worse=True), regencies)
        parts.append((POVERTY_WEIGHT, {r.district_code: by_regency[r.regency_code] for r in rows}))
    parts.append((1, {r.district_code: 0.0 if r.island_has_post else 1.0 for r in rows}))
    for name, worse_up in INDICATORS.items():
        known = {
            r.district_code: float(r.indicators[name][0]) for r in rows if name in r.indicators
        }
        if known:
            parts.append((1, _filled(_scale(known, higher_is_worse=worse_up), codes)))
    total_weight = sum(w for w, _p in parts)
    for row in rows:
        code = row.district_code
        row.vulnerability = round(sum(w * p[code] for w, p in parts) / total_weight, 3)
        row.reach = reach_score(
            activities=row.activities_12m, people=row.people_reached_12m, groups=row.groups_active
        )
        row.signal = round(min(1.0, (row.tips_12m + row.cases_12m) / 3), 4)
        row.priority = round((row.vulnerability + 0.25 * row.signal) / 1.25 * (1 - row.reach), 4)
        row.left_out = row.vulnerability >= 0.5 and row.reach < 0.25
        row.reasons = _reasons(row)
    rows.sort(key=lambda x: (-x.priority, -x.vulnerability, x.people_reached_12m, x.district_code))
    for rank, row in enumerate(rows, start=1):
        row.priority_rank = rank


def _reasons(row: DistrictCoverage) -> list[str]:
    reasons = []
    if row.poverty_pct is not None:
        reasons.append(
            _("Regency poverty %(pct)s%% (%(year)s)")
            % {"pct": row.poverty_pct, "year": row.poverty_year}
        )
    if not row.island_has_post:
        reasons.append(
            _("No border post or immigration office on %(island)s") % {"island": row.island}
        )
    if row.activities_12m == 0:
        reasons.append(_("No activity in 12 months"))
    if row.groups_active == 0:
        reasons.append(_("No active support group"))
    if row.tips_12m + row.cases_12m:
        reasons.append(
            _("%(n)s tips or cases from here in 12 months") % {"n": row.tips_12m + row.cases_12m}
        )
    return reasons


CSV_COLUMNS = (
    "district_code",
    "district",
    "regency_code",
    "island_has_post",
    "activities_12m",
    "people_reached_12m",
    "groups_active",
    "tips_12m",
    "vulnerability",
    "priority_rank",
)


def coverage_csv_rows(rows: list[DistrictCoverage]) -> list[list[str]]:
    """The rows of ``lintas outreach coverage`` in district-code order (a contract)."""
    return [
        [
            r.district_code,
            r.district,
            r.regency_code,
            "1" if r.island_has_post else "0",
            str(r.activities_12m),
            str(r.people_reached_12m),
            str(r.groups_active),
            str(r.tips_12m),
            f"{r.vulnerability:.3f}",
            str(r.priority_rank),
        ]
        for r in sorted(rows, key=lambda x: x.district_code)
    ]
