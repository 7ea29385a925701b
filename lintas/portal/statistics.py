"""The public statistics page: a published release laid out as tables, in the reader's language.

The release (``insights.public_stats``) holds codes and counts; this module gives each code
its words and each table its rows and columns. The dimension with more values runs down
the page (the 24 regencies), the other across (the years), so a phone scrolls one way.
A layout is made once per release and language, not per visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lintas.places.models import Regency

TITLES: dict[str, Promise] = {
    "cases_by_year_regency": _("Cases by regency and year"),
    "victims_by_year_regency": _("Victims by regency of origin and year"),
    "victims_by_year_exploitation": _("Victims by type of exploitation and year"),
    "victims_by_sex_age": _("Victims by sex and age"),
    "tips_by_year_channel": _("Reports by channel and year"),
    "outreach_reach_by_year_regency": _("People reached by outreach, by regency and year"),
}

NOTES: dict[str, Promise] = {
    "cases_by_year_regency": _(
        "A case is counted in the year it was opened, in the regency where it is handled."
    ),
    "victims_by_year_regency": _(
        "Victims and presumed victims, by the regency where they lived, in the year their "
        "case was opened."
    ),
    "victims_by_year_exploitation": _(
        "A victim who suffered several kinds of exploitation is counted under each: the "
        "columns add up to more than the total, which counts each victim once."
    ),
    "victims_by_sex_age": _("Age when trafficked, or else in the year the case was opened."),
    "tips_by_year_channel": _(
        "Reports received, each counted once (a report found to repeat another is not)."
    ),
    "outreach_reach_by_year_regency": _(
        "People at awareness sessions, trainings, sermons and village visits, as the "
        "organisers counted them: one person at two sessions counts twice."
    ),
}

DIMENSIONS: dict[str, Promise] = {
    "year": _("Year"),
    "regency": _("Regency"),
    "exploitation_type": _("Type of exploitation"),
    "sex": _("Sex"),
    "age_band": _("Age"),
    "channel": _("Channel"),
}

VALUES: dict[str, dict[str, Promise]] = {
    "regency": {
        "outside": _("Outside NTT"),
        "unknown": pgettext_lazy("statistics", "Not recorded"),
    },
    "exploitation_type": {
        "ForcedLabour": _("Forced labour"),
        "SexualExploitation": _("Sexual exploitation"),
        "ChildLabour": _("Child labour"),
        "ForcedMarriage": _("Forced marriage"),
        "Servitude": _("Servitude"),
        "ForcedMilitaryByNonStateActors": _("Forced into armed groups"),
        "OrganRemoval": _("Organ removal"),
        "ForcedBegging": _("Forced begging"),
        "ForcedAdoption": _("Forced adoption"),
        "Surrogacy": _("Forced surrogacy"),
        "Other": _("Other"),
        "NotRecorded": pgettext_lazy("statistics", "Not recorded"),
    },
    "sex": {
        "female": _("Female"),
        "male": _("Male"),
        "unknown": pgettext_lazy("statistics", "Not recorded"),
    },
    "age_band": {"unknown": pgettext_lazy("statistics", "Not recorded")},
    "channel": {
        "web": _("This website"),
        "sms": _("SMS"),
        "whatsapp": _("WhatsApp"),
        "desk": _("At a border post"),
        "outreach": _("Outreach and village groups"),
    },
}


@dataclass(frozen=True)
class Shown:
    """One number on the page: a count, or hidden (``count`` None)."""

    count: int | None
    total: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Shown]
    total: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    note: str
    row_label: str
    columns: list[str]
    rows: list[Row]
    #: The total where the columns overlap (it is not their sum): shown apart, not as a row.
    total_apart: Shown | None = None


_CACHE: dict[tuple[int, str, str], list[Layout]] = {}
_CACHE_MAX = 16


def layouts(release_id: int, digest: str, payload: dict[str, Any]) -> list[Layout]:
    """The page's tables for a release, in the active language (kept per release)."""
    key = (release_id, digest, get_language() or "id")
    found = _CACHE.get(key)
    if found is None:
        names = _regency_names()
        found = [_layout(table, names) for table in payload["tables"]]
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def _regency_names() -> dict[str, str]:
    return dict(Regency.objects.values_list("code", "name"))


def _label(dimension: str, value: Any, names: dict[str, str]) -> str:
    if value is None:
        return str(_("Total"))
    words = VALUES.get(dimension, {}).get(str(value))
    if words is not None:
        return str(words)
    if dimension == "regency":
        return names.get(str(value), str(value))
    return str(value)


def _layout(table: dict[str, Any], names: dict[str, str]) -> Layout:
    first, second = table["dimensions"]
    values = table["values"]
    down, across = (first, second) if len(values[first]) >= len(values[second]) else (second, first)
    counts = {
        (cell["key"][down], cell["key"][across]): cell["count"]
        for cell in table["cells"]
        if not cell["suppressed"]
    }
    keys = {(cell["key"][down], cell["key"][across]) for cell in table["cells"]}
    has_down_totals = any(a is None and d is not None for d, a in keys)
    has_across_totals = any(d is None and a is not None for d, a in keys)
    column_values = [*values[across], *([None] if has_down_totals else [])]

    def shown(d: Any, a: Any) -> Shown:
        return Shown(counts.get((d, a)), total=d is None or a is None)

    rows = [Row(_label(down, d, names), [shown(d, a) for a in column_values]) for d in values[down]]
    if has_across_totals:
        cells = [shown(None, a) for a in values[across]]
        if has_down_totals:
            cells.append(Shown(table["total"], total=True))
        rows.append(Row(str(_("Total")), cells, total=True))
    return Layout(
        name=table["name"],
        title=str(TITLES.get(table["name"], table["name"])),
        note=str(NOTES.get(table["name"], "")),
        row_label=str(DIMENSIONS.get(down, down)),
        columns=[_label(across, a, names) for a in column_values],
        rows=rows,
        total_apart=None if has_across_totals else Shown(table["total"], total=True),
    )
