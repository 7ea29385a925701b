"""The public statistics: tables counted from the hub's records, with small counts hidden.

Each table is a two-way count (a year by a regency, an exploitation type, a channel; or sex
by age band) over every value the dimension can take, zeros included, so that an absent
row tells nothing. Counts and their totals go through ``disclosure.suppress``; a total
shared by several tables (the number of victims) is hidden in all of them if any hides it,
and the release is computed again until no table changes. No place finer than a regency is
counted. The document built here is what the portal shows and what ``lintas stats public``
writes; hidden counts are left out of it, not only out of the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from lintas.cases.htcds import picklist
from lintas.cases.models import Case, CasePerson, PersonRole, Tip, TipChannel, TipStatus
from lintas.insights.disclosure import K_THRESHOLD, Grid, suppress
from lintas.outreach.models import Activity
from lintas.places.models import Regency

#: Years shown: from the first with a record, at most the current one and the nine before.
YEARS_SHOWN: Final = 10
PROVINCE_PREFIX: Final = "53."  # Nusa Tenggara Timur
OUTSIDE: Final = "outside"  # a regency of another province
UNKNOWN: Final = "unknown"
NOT_RECORDED: Final = "NotRecorded"
NOT_A_VICTIM: Final = "NotAVictimOfTrafficking"
SEXES: Final = ("female", "male", UNKNOWN)
AGE_BANDS: Final = ("0-17", "18-24", "25-39", "40+", UNKNOWN)
_SEX_OF_GENDER: Final = {"Feminine": "female", "Masculine": "male"}


@dataclass
class CountTable:
    """A table before suppression: its two dimensions' values and the counts."""

    name: str
    unit: str
    dimensions: tuple[str, str]
    rows: list[Any]
    cols: list[Any]
    counts: Counter[tuple[Any, Any]]
    #: Where one record may count under several columns: no row totals, own grand total.
    overlapping_total: int | None = None
    #: The name of a grand total other tables also publish (the number of victims).
    shared_total: str | None = None

    def grid(self) -> Grid:
        cells = [[self.counts[(r, c)] for c in self.cols] for r in self.rows]
        if self.overlapping_total is not None:
            return Grid.of(
                cells, n_cols=len(self.cols), row_totals=False, total=self.overlapping_total
            )
        return Grid.of(cells, n_cols=len(self.cols))


def public_release_build(*, now: datetime | None = None, k: int = K_THRESHOLD) -> dict[str, Any]:
    """The release document for ``now``: every table, its hidden counts left out."""
    now = now or timezone.now()
    tables = _tables(_years(now))
    years = _first_to_last(tables, timezone.localtime(now).year)
    for t in tables:
        if t.dimensions[0] == "year":
            t.rows = years
    grids = {t.name: t.grid() for t in tables}
    hidden = hide_together(tables, grids, k=k)
    return {
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "threshold": k,
        "years": [years[0], years[-1]],
        "tables": [_published(t, grids[t.name], hidden[t.name]) for t in tables],
    }


def hide_together(
    tables: list[CountTable], grids: dict[str, Grid], *, k: int
) -> dict[str, set[int]]:
    """Each table's hidden counts, a shared total hidden in all if any table hides it."""
    forced: dict[str, set[int]] = {t.name: set() for t in tables}
    while True:
        hidden = {
            name: suppress(g.values, g.sums, k=k, hidden=forced[name]) for name, g in grids.items()
        }
        hidden_shared = {
            t.shared_total
            for t in tables
            if t.shared_total is not None and grids[t.name].grand_total in hidden[t.name]
        }
        grown = False
        for t in tables:
            total = grids[t.name].grand_total
            if t.shared_total in hidden_shared and total not in hidden[t.name]:
                forced[t.name].add(total)
                grown = True
        if not grown:
            return hidden


def _published(table: CountTable, grid: Grid, hidden: set[int]) -> dict[str, Any]:
    dim_row, dim_col = table.dimensions

    def cell(key: dict[str, Any], index: int) -> dict[str, Any]:
        shown = index not in hidden
        return {"key": key, "count": grid.values[index] if shown else None, "suppressed": not shown}

    cells = [
        cell({dim_row: r, dim_col: c}, grid.cell(i, j))
        for i, r in enumerate(table.rows)
        for j, c in enumerate(table.cols)
    ]
    for i, r in enumerate(table.rows):
        row_total = grid.row_total(i)
        if row_total is not None:
            cells.append(cell({dim_row: r, dim_col: None}, row_total))
    cells.extend(
        cell({dim_row: None, dim_col: c}, grid.col_total(j)) for j, c in enumerate(table.cols)
    )
    total_shown = grid.grand_total not in hidden
    return {
        "name": table.name,
        "unit": table.unit,
        "dimensions": [dim_row, dim_col],
        "values": {dim_row: table.rows, dim_col: table.cols},
        "row_totals": grid.row_totals,
        "cells": cells,
        "total": grid.values[grid.grand_total] if total_shown else None,
        "total_suppressed": not total_shown,
    }


def _years(now: datetime) -> list[int]:
    last = timezone.localtime(now).year
    return list(range(last - YEARS_SHOWN + 1, last + 1))


def _first_to_last(tables: list[CountTable], last: int) -> list[int]:
    """The years from the first with a record in any table: before it, nothing was recorded
    (not zero cases), and a block of empty years would only widen the tables."""
    seen = [key[0] for t in tables if t.dimensions[0] == "year" for key, n in t.counts.items() if n]
    return list(range(min(seen, default=last), last + 1))


def _regencies() -> list[str]:
    codes = Regency.objects.filter(code__startswith=PROVINCE_PREFIX).values_list("code", flat=True)
    return [*sorted(codes), OUTSIDE, UNKNOWN]


def _regency(code: str | None, known: set[str]) -> str:
    if not code:
        return UNKNOWN
    return code if code in known else OUTSIDE


def _tables(years: list[int]) -> list[CountTable]:
    regencies = _regencies()
    known = set(regencies)
    in_years = set(years)
    cases = _case_counts(in_years, known)
    victims = _victims(in_years)
    by_regency: Counter[tuple[Any, Any]] = Counter()
    by_type: Counter[tuple[Any, Any]] = Counter()
    by_sex_age: Counter[tuple[Any, Any]] = Counter()
    types = [value for value, _label in picklist("vic_TypeOfExploitation")]
    type_set = set(types)
    for v in victims:
        by_regency[(v.year, _regency(v.regency, known))] += 1
        recorded = {t for t in v.exploitation if t in type_set} or {NOT_RECORDED}
        for t in recorded:
            by_type[(v.year, t)] += 1
        by_sex_age[(v.sex, v.age_band)] += 1
    tips = _tip_counts(in_years)
    reach = _reach_counts(in_years, known)

    return [
        CountTable("cases_by_year_regency", "cases", ("year", "regency"), years, regencies, cases),
        CountTable(
            "victims_by_year_regency",
            "victims",
            ("year", "regency"),
            years,
            regencies,
            by_regency,
            shared_total="victims",
        ),
        CountTable(
            "victims_by_year_exploitation",
            "victims",
            ("year", "exploitation_type"),
            years,
            [*types, NOT_RECORDED],
            by_type,
            overlapping_total=len(victims),
            shared_total="victims",
        ),
        CountTable(
            "victims_by_sex_age",
            "victims",
            ("sex", "age_band"),
            list(SEXES),
            list(AGE_BANDS),
            by_sex_age,
            shared_total="victims",
        ),
        CountTable(
            "tips_by_year_channel",
            "tips",
            ("year", "channel"),
            years,
            list(TipChannel.values),
            tips,
        ),
        CountTable(
            "outreach_reach_by_year_regency",
            "people_reached",
            ("year", "regency"),
            years,
            regencies,
            reach,
        ),
    ]


def _by_year(
    rows: Iterable[tuple[int, Any, int | None]],
    years: set[int],
    column: Callable[[Any], Any] = lambda value: value,
) -> Counter[tuple[Any, Any]]:
    """``(year, value, n)`` rows of a grouped query as counts by (year, column), in ``years``."""
    out: Counter[tuple[Any, Any]] = Counter()
    for year, value, n in rows:
        if year in years:
            out[(year, column(value))] += n or 0
    return out


def _case_counts(years: set[int], known: set[str]) -> Counter[tuple[Any, Any]]:
    rows = (
        Case.objects.live()
        .annotate(year=ExtractYear("created_at"))
        .values_list("year", "regency_id")
        .annotate(n=Count("id"))
    )
    return _by_year(rows, years, lambda regency: _regency(regency, known))


def _tip_counts(years: set[int]) -> Counter[tuple[Any, Any]]:
    rows = (
        Tip.objects.live()
        .exclude(status=TipStatus.MERGED)  # a merged tip is counted once, in another
        .annotate(year=ExtractYear("created_at"))
        .values_list("year", "channel")
        .annotate(n=Count("id"))
    )
    return _by_year(rows, years)


def _reach_counts(years: set[int], known: set[str]) -> Counter[tuple[Any, Any]]:
    rows = (
        Activity.objects.live()
        .annotate(year=ExtractYear("held_on"))
        .values_list("year", "regency_id")
        .annotate(n=Sum("people_reached"))
    )
    return _by_year(rows, years, lambda regency: _regency(regency, known))


@dataclass(frozen=True)
class _Victim:
    year: int
    regency: str | None
    sex: str
    age_band: str
    exploitation: Sequence[str]


def _victims(years: set[int]) -> list[_Victim]:
    """Victims and presumed victims in cases of those years (not those found not to be)."""
    rows = (
        CasePerson.objects.live()
        .filter(role=PersonRole.VICTIM, case__deleted_at__isnull=True)
        .exclude(trafficking_status=NOT_A_VICTIM)
        .annotate(year=ExtractYear("case__created_at"))
        .values_list(
            "year",
            "residence_regency_id",
            "gender",
            "age_when_trafficked",
            "birth_year",
            "exploitation_types",
        )
    )
    out: list[_Victim] = []
    for year, regency, gender, age, birth_year, exploitation in rows:
        if year not in years:
            continue
        if age is None and birth_year:
            age = year - birth_year
        out.append(
            _Victim(
                year=year,
                regency=regency,
                sex=_SEX_OF_GENDER.get(gender, UNKNOWN),
                age_band=age_band(age),
                exploitation=list(exploitation or []),
            )
        )
    return out


def age_band(age: int | None) -> str:
    if age is None or age < 0 or age > 120:
        return UNKNOWN
    for top, band in ((17, "0-17"), (24, "18-24"), (39, "25-39")):
        if age <= top:
            return band
    return "40+"
