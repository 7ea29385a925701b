"""The hub's records as the linkage engine reads them: one ``LinkInput`` per record.

What each source gives (every field may be empty):

- a traveller: name, birth date, sex, village and district of residence, the number of
  their latest travel document, and the post of their first crossing. A traveller's own
  phone is not recorded; the sponsor's phone on a crossing is someone else's.
- a market visitor: name and the number of the card shown; the post of the market. The
  village of origin is written as free text, not as a code, so it is not compared.
- a person in a case (victims, suspects, witnesses): name, birth date or year, gender,
  phone, identity number and district of residence. These fields are encrypted at rest;
  they are decrypted here, in the run's process only, handed to the engine and never
  logged or stored in the linkage's tables.
- a tip: its reporter, when they left a name or a phone (the ``contact`` fields). What a
  tip's text says about others is free text and is not read. The tip's village is where
  the events happened, not where the reporter lives, so it is not compared either.
  Tips without a contact, tips merged into another and tips gone are left out.
- a watch-list entry of a person (missing, wanted, recruiter, survivor on the watch) that
  has not expired: name, birth date or year, sex. Revoked agencies are not people.
- an outreach contact: ``outreach_contacts_extract`` is the place for the contacts who
  consented to be linked, once outreach records them.

One query per source, whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from lintas.cases.models import CasePerson, Tip, TipStatus
from lintas.crossings.models import Crossing, MarketVisit, TravelDocument, Traveller
from lintas.linkage.engine import LinkInput
from lintas.linkage.models import RecordSource
from lintas.screening.models import AGENCY_LISTS, WatchListEntry

__all__ = ["Extracted", "engine_id", "outreach_contacts_extract", "records_extract"]

GENDER_SEX = {"Feminine": "F", "Masculine": "M"}


@dataclass(frozen=True, slots=True)
class Extracted:
    """One hub record: where it comes from, when it last changed, and what is compared."""

    source: str
    record_id: UUID
    post_id: str | None
    changed_at: datetime
    link: LinkInput


def engine_id(source: str, record_id: UUID | str) -> str:
    """The id the engine knows a record by: ``source:uuid``."""
    return f"{source}:{record_id}"


def _make(
    source: str,
    record_id: UUID,
    changed_at: datetime,
    *,
    post_id: str | None = None,
    **fields: str,
) -> Extracted:
    clean = {k: (v or "").strip() for k, v in fields.items()}
    return Extracted(
        source=source,
        record_id=record_id,
        post_id=post_id,
        changed_at=changed_at,
        link=LinkInput(id=engine_id(source, record_id), source=source, **clean),
    )


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _sex(value: str) -> str:
    return value if value in ("M", "F") else ""


def travellers_extract() -> list[Extracted]:
    """Every live traveller with their latest document's number and first post."""
    document = (
        TravelDocument.objects.filter(traveller_id=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-updated_at", "-id")
        .values("number")[:1]
    )
    first_post = (
        Crossing.objects.filter(traveller_id=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("crossed_at", "id")
        .values("post_id")[:1]
    )
    rows = (
        Traveller.objects.filter(deleted_at__isnull=True)
        .annotate(document_number=Subquery(document), first_post=Subquery(first_post))
        .values_list(
            "id",
            "updated_at",
            "given_names",
            "surname",
            "birth_date",
            "sex",
            "residence_village_id",
            "residence_district_id",
            "document_number",
            "first_post",
        )
        .order_by("id")
    )
    return [
        _make(
            RecordSource.TRAVELLER,
            pk,
            changed,
            post_id=post,
            full_name=" ".join(x for x in (given, surname) if x),
            birth_date=_iso(born),
            sex=_sex(sex),
            village_code=village or "",
            district_code=district or "",
            document_number=number or "",
        )
        for pk, changed, given, surname, born, sex, village, district, number, post in rows
    ]


def market_visits_extract() -> list[Extracted]:
    """Every live market visit: the visitor's name and card number, at the market's post."""
    rows = (
        MarketVisit.objects.filter(deleted_at__isnull=True)
        .values_list("id", "updated_at", "post_id", "full_name", "id_number")
        .order_by("id")
    )
    return [
        _make(
            RecordSource.MARKET_VISIT,
            pk,
            changed,
            post_id=post,
            full_name=name,
            document_number=number,
        )
        for pk, changed, post, name, number in rows
    ]


def _case_birth(text: str, year: int | None) -> str:
    text = (text or "").strip()
    if text:
        return text
    return str(year) if year else ""


def case_persons_extract() -> list[Extracted]:
    """Every live person of a live case, decrypted in this process only."""
    rows = (
        CasePerson.objects.filter(deleted_at__isnull=True, case__deleted_at__isnull=True)
        .values_list(
            "id",
            "updated_at",
            "first_name",
            "second_name",
            "birth_date",
            "birth_year",
            "gender",
            "phone",
            "identity_number",
            "residence_district_id",
        )
        .order_by("id")
    )
    return [
        _make(
            RecordSource.CASE_PERSON,
            pk,
            changed,
            full_name=" ".join(x for x in (first, second) if x),
            birth_date=_case_birth(born, year),
            sex=GENDER_SEX.get(gender, ""),
            phone=phone,
            document_number=number,
            district_code=district or "",
        )
        for pk, changed, first, second, born, year, gender, phone, number, district in rows
    ]


def tips_extract() -> list[Extracted]:
    """The reporters of live, unmerged tips who left a name or a phone."""
    rows = (
        Tip.objects.filter(deleted_at__isnull=True, merged_into__isnull=True)
        .exclude(status=TipStatus.MERGED)
        .values_list("id", "updated_at", "contact", "contact_phone")
        .order_by("id")
    )
    return [
        _make(RecordSource.TIP, pk, changed, full_name=contact, phone=phone)
        for pk, changed, contact, phone in rows
        if (contact or "").strip() or (phone or "").strip()
    ]


def watch_entries_extract() -> list[Extracted]:
    """Live, unexpired watch-list entries of people (the agency lists are not people)."""
    today = timezone.localdate()
    rows = (
        WatchListEntry.objects.filter(deleted_at__isnull=True, watch_list__deleted_at__isnull=True)
        .exclude(watch_list__kind__in=AGENCY_LISTS)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("id", "updated_at", "full_name", "birth_date", "birth_year", "sex")
        .order_by("id")
    )
    return [
        _make(
            RecordSource.WATCH_ENTRY,
            pk,
            changed,
            full_name=name,
            birth_date=_iso(born) or (str(year) if year else ""),
            sex=_sex(sex),
        )
        for pk, changed, name, born, year, sex in rows
    ]


def outreach_contacts_extract() -> list[Extracted]:
    """Outreach contacts who consented to be linked: none are recorded yet.

    The hook for outreach (issue 10): return one ``Extracted`` per consented contact,
    with ``RecordSource.OUTREACH_CONTACT``, and it joins every run. No query until then.
    """
    return []


EXTRACTORS: tuple[Callable[[], list[Extracted]], ...] = (
    travellers_extract,
    market_visits_extract,
    case_persons_extract,
    tips_extract,
    watch_entries_extract,
    outreach_contacts_extract,
)


def records_extract() -> list[Extracted]:
    """Every hub record the linkage compares, source by source (one query each)."""
    out: list[Extracted] = []
    for extract in EXTRACTORS:
        out.extend(extract())
    return out


def counts_by_source(records: list[Extracted]) -> dict[str, Any]:
    """How many records of each source, for a run's report."""
    counts: dict[str, int] = {}
    for r in records:
        counts[r.source] = counts.get(r.source, 0) + 1
    return counts
