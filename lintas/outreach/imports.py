"""An analyst's import of official indicators per district from a CSV file.

The file has the header ``district_code,indicator,year,value,source``. Each line is read on
its own, so that one bad line (not UTF-8, a NUL byte, a megabyte long, a duplicate) is
reported with its reason and the others are still read. The good rows are saved together
in one transaction; a wrong header refuses the whole file and saves nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.journal import record_change
from lintas.outreach.coverage import INDICATORS
from lintas.outreach.models import Indicator
from lintas.places.models import District

HEADER = ["district_code", "indicator", "year", "value", "source"]
FILE_MAX = 5 * 1024 * 1024
LINE_MAX = 2000
ROWS_MAX = 20_000
VALUE_MAX = Decimal("1000000")


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportResult:
    """What an import did: rows saved (new or changed), unchanged, and each rejected row."""

    saved: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _lines(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")


def _check(
    cells: list[str], districts: set[str], this_year: int
) -> tuple[str, str, int, Decimal, str] | str:
    """The row's values, or the reason it is refused."""
    if len(cells) != len(HEADER):
        return _("Expected 5 columns, found %(n)d.") % {"n": len(cells)}
    code, name, year_text, value_text, source = (c.strip() for c in cells)
    if code not in districts:
        return _("Unknown district code %(code)s.") % {"code": code[:20]}
    if name not in INDICATORS:
        return _("Unknown indicator %(name)s; known: %(known)s.") % {
            "name": name[:40],
            "known": ", ".join(INDICATORS),
        }
    if not (year_text.isdigit() and 2000 <= int(year_text) <= this_year):
        return _("The year must be a number from 2000 to %(year)d.") % {"year": this_year}
    try:
        value = Decimal(value_text.replace(",", "."))
    except InvalidOperation:
        return _("The value is not a number.")
    if not value.is_finite() or value < 0 or value > VALUE_MAX:
        return _("The value must be from 0 to 1.000.000.")
    if value != value.quantize(Decimal("0.001")):
        value = value.quantize(Decimal("0.001"))
    if not source:
        return _("The source is missing.")
    if len(source) > 200:
        return _("The source is longer than 200 characters.")
    return code, name, int(year_text), value, source


def indicators_import(*, actor: User, data: bytes) -> ImportResult:
    """Import indicator rows; every rejected row is reported with its line and reason."""
    if not actor.can(Capability.IMPORT_INDICATORS):
        raise PermissionDenied(gettext_lazy("You may not import indicators."))
    if len(data) > FILE_MAX:
        raise ValidationFailed(gettext_lazy("The file is larger than 5 MB."))
    lines = _lines(data.removeprefix(b"\xef\xbb\xbf"))
    header = lines[0].decode("utf-8", "replace").strip().lower().replace(" ", "").split(",")
    if header != HEADER:
        raise ValidationFailed(
            gettext_lazy(
                "Wrong header. The first line must be: district_code,indicator,year,value,source"
            )
        )
    if len(lines) - 1 > ROWS_MAX:
        raise ValidationFailed(gettext_lazy("At most 20.000 rows in one file."))
    result = ImportResult()
    districts = set(District.objects.values_list("code", flat=True))
    this_year = timezone.localdate().year
    seen: dict[tuple[str, str, int], int] = {}
    good: list[tuple[str, str, int, Decimal, str]] = []
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        if len(raw) > LINE_MAX:
            result.rejected.append(Rejected(number, _("The line is longer than 2,000 bytes.")))
            continue
        if b"\x00" in raw:
            result.rejected.append(Rejected(number, _("The line contains a NUL byte.")))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            result.rejected.append(
                Rejected(number, _("The line is not UTF-8 text; save the file as UTF-8."))
            )
            continue
        checked = _check(next(csv.reader([text])), districts, this_year)
        if isinstance(checked, str):
            result.rejected.append(Rejected(number, checked))
            continue
        key = checked[:3]
        if key in seen:
            result.rejected.append(
                Rejected(number, _("Repeats line %(line)d.") % {"line": seen[key]})
            )
            continue
        seen[key] = number
        good.append(checked)
    with transaction.atomic():
        existing = {
            (i.district_id, i.name, i.year): i
            for i in Indicator.objects.select_for_update().filter(
                district_id__in={g[0] for g in good}, name__in={g[1] for g in good}
            )
        }
        for code, name, year, value, source in good:
            found = existing.get((code, name, year))
            if found is not None and found.value == value and found.source == source:
                result.unchanged += 1
                continue
            if found is None:
                found = Indicator(district_id=code, name=name, year=year, created_by=actor)
            found.value, found.source, found.updated_at = value, source, timezone.now()
            found.deleted_at = None
            found.save()
            record_change(
                actor=actor,
                action="outreach.indicator_import",
                instance=found,
                changed=["value", "source"],
            )
            result.saved += 1
    return result
