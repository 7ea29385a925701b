"""The Human Trafficking Case Data Standard 2.0 field list, shipped with Lintas.

Source: IOM's HTCDS 2.0 (24 December 2021), CC BY 4.0; see data/htcds/. Lintas stores
case data under its own names and uses the standard's field names and picklist values
for exports; picklists here are read from the standard's own table, so they cannot drift.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

FIELDS_CSV = Path(__file__).resolve().parent / "data" / "htcds" / "htcds-2.0-fields.csv"


@functools.cache
def _table() -> dict[str, tuple[list[str], list[str]]]:
    out: dict[str, tuple[list[str], list[str]]] = {}
    with FIELDS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("Field Name including Prefix") or "").strip()
            if not name:
                continue
            values = [v.strip() for v in (row.get("Value Names (if picklist)") or "").splitlines()]
            labels = [v.strip() for v in (row.get("Value Labels (if picklist)") or "").splitlines()]
            out[name] = ([v for v in values if v], [lb for lb in labels if lb])
    return out


def field_names() -> list[str]:
    """Every field name of the standard, with its prefix (org_, prs_, vic_, ...)."""
    return list(_table())


def picklist(field: str) -> list[tuple[str, str]]:
    """(value, label) pairs of a picklist field; labels fall back to the values."""
    values, labels = _table()[field]
    if len(labels) != len(values):
        labels = values
    return list(zip(values, labels, strict=True))


def picklist_values(field: str) -> set[str]:
    return {value for value, _label in picklist(field)}
