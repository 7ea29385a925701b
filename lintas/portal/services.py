"""Writes of the portal: importing the list of licensed placement agencies (P3MI).

The list comes from an official source (the ministry for migrant workers, BP3MI NTT or
the labour office) as CSV. An import replaces the whole list in one transaction: the
public must never see half of an old list and half of a new one. Rows that cannot be
trusted are rejected with the line and the reason, and the rest is imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from lintas.audit.services import audit_append
from lintas.common.errors import ValidationFailed
from lintas.portal.models import AgencyStatus, PlacementAgency, PlacementAgencyImport

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED_COLUMNS = ("name", "licence_number", "city", "status")
FIELD_MAX = {"name": 200, "licence_number": 60, "city": 100, "province": 100}

# Official lists are in Indonesian; both spellings are accepted.
STATUS_WORDS = {
    "licensed": AgencyStatus.LICENSED,
    "aktif": AgencyStatus.LICENSED,
    "berizin": AgencyStatus.LICENSED,
    "suspended": AgencyStatus.SUSPENDED,
    "dibekukan": AgencyStatus.SUSPENDED,
    "skorsing": AgencyStatus.SUSPENDED,
    "revoked": AgencyStatus.REVOKED,
    "dicabut": AgencyStatus.REVOKED,
}


@dataclass
class ImportReport:
    """What an import did: rows taken, and each rejected row's line number and reason."""

    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    batch: PlacementAgencyImport | None = None


def _clean(value: str | None, name: str) -> tuple[str, str | None]:
    value = value or ""
    text = " ".join(value.split())
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value):
        return text, f"{name} contains control characters"
    if len(text) > FIELD_MAX[name]:
        return text, f"{name} is longer than {FIELD_MAX[name]} characters"
    return text, None


def _row(raw: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    values: dict[str, str] = {}
    for name in ("name", "licence_number", "city", "province"):
        text, problem = _clean(raw.get(name), name)
        if problem:
            return values, problem
        values[name] = text
    if not values["name"]:
        return values, "name is empty"
    if not values["licence_number"]:
        return values, "licence_number is empty"
    values["licence_number"] = values["licence_number"].upper()
    word = " ".join(str(raw.get("status") or "").split()).lower()
    if word not in STATUS_WORDS:
        return values, f"status {word!r} is not licensed, suspended or revoked"
    values["status"] = STATUS_WORDS[word]
    return values, None


def placement_agencies_import(
    *, data: bytes, source: str, source_date: date, demo: bool, actor: Any = None
) -> ImportReport:
    """Replace the placement-agency list with the rows of ``data`` (CSV, UTF-8).

    Columns: ``name, licence_number, city, status`` and optionally ``province``; ``status``
    is licensed, suspended or revoked (or aktif, dibekukan, dicabut). ``source`` names the
    official list and ``source_date`` its date; both are shown on the public page.
    ``demo`` marks invented entries, which the page labels as such. A file with no valid
    row changes nothing.
    """
    source = " ".join(source.split())
    if not source or len(source) > 200:
        raise ValidationFailed("Name the source of the list (at most 200 characters).")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text.") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationFailed(f"Missing column(s): {', '.join(missing)}.")
    reader.fieldnames = columns

    report = ImportReport()
    rows: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(reader, start=2):  # line 1 is the header
        if number - 1 > MAX_ROWS:
            raise ValidationFailed(f"More than {MAX_ROWS} rows.")
        if None in raw:
            report.rejected.append((number, "more values than columns"))
            continue
        values, problem = _row(raw)
        if problem is None and values["licence_number"] in rows:
            problem = f"licence number {values['licence_number']} appears twice"
        if problem:
            report.rejected.append((number, problem))
            continue
        rows[values["licence_number"]] = values
    if not rows:
        raise ValidationFailed("No valid row: the current list is kept.")

    now = timezone.now()
    with transaction.atomic():
        PlacementAgency.objects.all().delete()
        PlacementAgency.objects.bulk_create(
            PlacementAgency(
                **values,
                source=source,
                source_date=source_date,
                is_demo=demo,
                imported_at=now,
            )
            for values in rows.values()
        )
        batch = PlacementAgencyImport.objects.create(
            imported_at=now,
            source=source,
            source_date=source_date,
            is_demo=demo,
            imported=len(rows),
            rejected=len(report.rejected),
            file_sha256=hashlib.sha256(data).hexdigest(),
        )
        audit_append(
            actor=actor,
            action="placement_agency.import",
            obj=batch,
            changed={
                "source": source,
                "source_date": source_date,
                "is_demo": demo,
                "imported": len(rows),
                "rejected": len(report.rejected),
                "file_sha256": batch.file_sha256,
            },
        )
    report.imported = len(rows)
    report.batch = batch
    return report
