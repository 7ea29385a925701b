"""Watch lists: created by an agency, filled by hand or from CSV, with expiry and source."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.journal import record_change
from lintas.screening.licences import licence_key
from lintas.screening.models import AGENCY_LISTS, WatchList, WatchListEntry, WatchListKind

CSV_REQUIRED = ("id", "full_name", "birth_date", "sex", "nationality")
CSV_OPTIONAL = ("source", "expires_on", "licence_number")
# An agency list (the P3MI register, revoked agencies) as published: a name and a licence; the
# licence is the entry's id unless the file has its own.
AGENCY_CSV_REQUIRED = ("full_name", "licence_number")
AGENCY_CSV_OPTIONAL = ("id", "source", "expires_on")
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_CSV_ROWS = 1_000_000


def country_known(code: str) -> bool:
    """An ISO 3166-1 alpha-3 code (UTO, the ICAO specimen state, is not a country)."""
    return pycountry.countries.get(alpha_3=code) is not None


def _may_manage(actor: User, kind: str) -> None:
    needed = (
        Capability.WATCH_SURVIVORS
        if kind == WatchListKind.SURVIVOR
        else (Capability.MANAGE_WATCH_LISTS)
    )
    if not actor.can(needed):
        raise PermissionDenied(_("You are not allowed to do this."))


def watch_list_create(*, actor: User, kind: str, name: str) -> WatchList:
    """A new list owned by the actor's agency."""
    if kind not in WatchListKind.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"kind": _("Unknown type.")})
    _may_manage(actor, kind)
    name = clean_text(name, field="name", max_length=120)
    with transaction.atomic():
        watch_list = WatchList.objects.create(
            kind=kind, name=name, owner_agency=actor.agency, created_by=actor
        )
        record_change(
            actor=actor,
            action="watch_list.create",
            instance=watch_list,
            changed=["kind", "name", "owner_agency_id"],
        )
    return watch_list


def _parse_birth(value: str) -> tuple[date | None, int | None]:
    value = value.strip()
    if not value:
        return None, None
    if len(value) == 4 and value.isdigit():
        year = int(value)
        if not 1900 <= year <= timezone.localdate().year:
            raise ValueError("year out of range")
        return None, year
    born = date.fromisoformat(value)
    if born > timezone.localdate() or born.year < 1900:
        raise ValueError("date out of range")
    return born, None


@dataclass
class EntryValues:
    full_name: str
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str = ""
    nationality: str = ""
    source: str = ""
    expires_on: date | None = None
    licence_number: str = ""
    external_id: str = ""


def _check_values(raw: dict[str, str], default_source: str, *, kind: str = "") -> EntryValues:
    """Values of one entry, or ValueError with the reason (in English, for the report).

    An entry of an agency list is matched by its licence number, which it must have.
    """
    name = raw.get("full_name", "").strip()
    if not name or len(name) > 150 or "\x00" in name:
        raise ValueError("full_name empty, too long or has a NUL byte")
    licence = raw.get("licence_number", "").strip()
    if "\x00" in licence or len(licence) > 60:
        raise ValueError("licence_number too long or has a NUL byte")
    if kind in AGENCY_LISTS and not licence_key(licence):
        raise ValueError("an agency needs its licence_number")
    born, year = _parse_birth(raw.get("birth_date", ""))
    sex = raw.get("sex", "").strip().upper()
    if sex not in ("", "M", "F"):
        raise ValueError(f"sex must be M, F or empty, not {sex!r}")
    nationality = raw.get("nationality", "").strip().upper()
    if nationality and not country_known(nationality):
        raise ValueError(f"unknown country {nationality!r}")
    expires = raw.get("expires_on", "").strip()
    source = (raw.get("source", "") or default_source).strip()[:150]
    return EntryValues(
        full_name=name,
        birth_date=born,
        birth_year=year,
        sex=sex,
        nationality=nationality,
        source=source,
        expires_on=date.fromisoformat(expires) if expires else None,
        licence_number=licence,
        external_id=raw.get("id", "").strip()[:60],
    )


def watch_entry_add(
    *, actor: User, watch_list: WatchList, fields: dict[str, str], consent_reference: str = ""
) -> WatchListEntry:
    """Add one entry by hand (``fields`` as in the CSV: full_name, birth_date, sex, ...).

    A survivor is added only by their own case worker, and only with recorded consent; a
    match then tells that case worker quietly and shows nothing at the desk.
    """
    _may_manage(actor, watch_list.kind)
    if watch_list.owner_agency_id != actor.agency_id:
        raise PermissionDenied(_("You may only change your own agency's lists."))
    errors: dict[str, Any] = {}
    case_worker = None
    if watch_list.kind == WatchListKind.SURVIVOR:
        consent_reference = clean_text(
            consent_reference, field="consent_reference", max_length=100, required=False
        )
        if not consent_reference:
            errors["consent_reference"] = _(
                "A survivor is watched only with their recorded consent."
            )
        case_worker = actor
    try:
        values = _check_values(fields, default_source="", kind=watch_list.kind)
    except ValueError as exc:
        errors["full_name"] = str(exc)
    else:
        if not values.source:
            errors["source"] = _("Say where this entry comes from.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        entry = WatchListEntry.objects.create(
            watch_list=watch_list,
            created_by=actor,
            case_worker=case_worker,
            consent_reference=consent_reference,
            **values.__dict__,
        )
        record_change(
            actor=actor,
            action="watch_entry.create",
            instance=entry,
            changed=["watch_list_id", "full_name", "birth_date", "source"],
            urgent=True,
        )
    return entry


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"imported={self.imported} rejected={len(self.rejected)}"]
        out += [f"line {n}: {why}" for n, why in self.rejected]
        return out


def watch_entries_import(
    *, actor: User, watch_list: WatchList, data: bytes, source: str
) -> ImportReport:
    """Import a CSV; the good rows in one transaction, each rejected row with its reason.

    A file with wrong headers, or larger than the limit, is refused whole.
    """
    _may_manage(actor, watch_list.kind)
    if watch_list.kind == WatchListKind.SURVIVOR:
        raise PermissionDenied(_("Survivors are added one by one, each with their consent."))
    if watch_list.owner_agency_id != actor.agency_id:
        raise PermissionDenied(_("You may only change your own agency's lists."))
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailed(_("The file is larger than 64 MB; split it."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("The file is not UTF-8 text.")) from exc
    if "\x00" in text:
        raise ValidationFailed(_("The file holds NUL bytes: it is not a CSV file."))
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    required, optional = (
        (AGENCY_CSV_REQUIRED, AGENCY_CSV_OPTIONAL)
        if watch_list.kind in AGENCY_LISTS
        else (CSV_REQUIRED, CSV_OPTIONAL)
    )
    if not set(required) <= set(headers) or not set(headers) <= set(required + optional):
        raise ValidationFailed(
            _("The headers must be: %(headers)s (optional: %(optional)s).")
            % {"headers": ",".join(required), "optional": ",".join(optional)}
        )
    report = ImportReport()
    existing = set(
        WatchListEntry.objects.filter(watch_list=watch_list)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    seen: set[str] = set()
    rows: list[WatchListEntry] = []
    for line_no, raw in enumerate(reader, start=2):
        if line_no - 1 > MAX_CSV_ROWS:
            raise ValidationFailed(_("More than a million rows: split the file."))
        raw = {(k or "").strip(): (v or "") for k, v in raw.items() if k is not None}
        try:
            values = _check_values(raw, default_source=source, kind=watch_list.kind)
            if not values.external_id and watch_list.kind in AGENCY_LISTS:
                values.external_id = licence_key(values.licence_number)
            if not values.external_id:
                raise ValueError("id is empty")
            if values.external_id in seen or values.external_id in existing:
                raise ValueError(f"duplicate id {values.external_id!r}")
        except ValueError as exc:
            report.rejected.append((line_no, str(exc)))
            continue
        seen.add(values.external_id)
        rows.append(WatchListEntry(watch_list=watch_list, created_by=actor, **values.__dict__))
    with transaction.atomic():
        WatchListEntry.objects.bulk_create(rows, batch_size=2000)
        report.imported = len(rows)
        # One audit entry for the file: its rows are named by the list and the count.
        audit_append(
            actor=actor,
            action="watch_list.import",
            obj=watch_list,
            changed={"imported": report.imported, "rejected": len(report.rejected)},
        )
    return report
