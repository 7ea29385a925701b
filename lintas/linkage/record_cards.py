"""Each linked record as one reader may see it: read from its source, masked where it must be.

A link record copies no identity: the name, birth date, phone and document number are read
here from the record's own table, for one reader. What each reviewer may see:

- a traveller or a market visitor: every reviewer who has the proposal in scope (comparing
  the two sides is what reviewing a link is);
- a person in a case: only when the reader's agency owns the case or holds an accepted
  referral that covers identity (as ``cases.selectors.case_for`` decides);
- a tip: readers who triage tips;
- a watch-list entry: readers who manage watch lists; a survivor on the re-trafficking
  watch only their own case worker;
- an outreach contact: nobody here (its consent covers outreach, not linkage review).

Each victim's identity shown (a victim in a case, a survivor on the watch) is written to
the access log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import access_log_append
from lintas.cases.models import CasePerson, PersonRole, Referral, ReferralStatus, Tip
from lintas.crossings.models import Crossing, MarketVisit, TravelDocument, Traveller
from lintas.linkage.models import LinkRecord, RecordSource
from lintas.screening.models import WatchListEntry, WatchListKind

MASK = "•••"
SHARED = (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)

HIDDEN_REASONS: dict[str, Promise] = {
    RecordSource.CASE_PERSON: _("A person in a case of an agency whose case you may not read."),
    RecordSource.TIP: _("The content of tips is for those who triage them."),
    RecordSource.WATCH_ENTRY: _("A survivor on the watch: only their case worker sees them."),
    RecordSource.OUTREACH_CONTACT: _("An outreach contact: consented for outreach only."),
    "missing": _("The source record is no longer there."),
}


@dataclass
class RecordCard:
    """One column of the review page."""

    record: LinkRecord
    source_label: str
    post_name: str
    seen_on: date | None
    identity: bool = False
    victim: bool = False
    name: str = MASK
    birth_date: str = MASK
    sex: str = MASK
    phone: str = MASK
    document: str = MASK
    hidden_reason: str = ""
    case_reference: str = ""
    # What the access log names when a victim's identity is shown.
    logged_obj: Any = None


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return text or "—"


def _ids(records: Iterable[LinkRecord], source: str) -> list[Any]:
    return [r.record_id for r in records if r.source == source]


def _travellers(card_of: dict[Any, RecordCard], ids: list[Any]) -> None:
    if not ids:
        return
    documents: dict[Any, str] = {}
    for doc in (
        TravelDocument.objects.filter(traveller_id__in=ids, deleted_at__isnull=True)
        .only("traveller_id", "kind", "number", "updated_at")
        .order_by("traveller_id", "-updated_at")
    ):
        documents.setdefault(doc.traveller_id, f"{doc.get_kind_display()} {doc.number}")
    last = dict(
        Crossing.objects.filter(traveller_id__in=ids, deleted_at__isnull=True)
        .values("traveller_id")
        .annotate(last=Max("crossed_at"))
        .values_list("traveller_id", "last")
    )
    for t in Traveller.objects.filter(pk__in=ids):
        card = card_of[t.pk]
        card.seen_on = _day(last.get(t.pk)) or _day(t.created_at)
        card.identity = True
        card.name = _text(t.full_name)
        card.birth_date = t.birth_date.isoformat() if t.birth_date else "—"
        card.sex = _text(t.sex if t.sex in ("M", "F") else "")
        card.phone = "—"
        card.document = documents.get(t.pk, "—")


def _market_visits(card_of: dict[Any, RecordCard], ids: list[Any]) -> None:
    for v in MarketVisit.objects.filter(pk__in=ids):
        card = card_of[v.pk]
        card.seen_on = _day(v.checked_in_at)
        card.identity = True
        card.name = _text(v.full_name)
        card.birth_date = card.sex = card.phone = "—"
        card.document = _text(v.id_number)


def _case_persons(user: User, card_of: dict[Any, RecordCard], ids: list[Any]) -> None:
    if not ids:
        return
    people = list(
        CasePerson.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related("case")
    )
    referred = set(
        Referral.objects.filter(
            case_id__in={p.case_id for p in people},
            to_agency_id=user.agency_id,
            status__in=SHARED,
            covers_identity=True,
        ).values_list("case_id", flat=True)
    )
    for p in people:
        card = card_of[p.pk]
        card.seen_on = _day(p.created_at)
        card.victim = p.role == PersonRole.VICTIM
        may_read = user.can(Capability.MANAGE_CASES) and (
            p.case.owner_agency_id == user.agency_id or p.case_id in referred
        )
        if not may_read or p.case.deleted_at is not None:
            card.hidden_reason = str(HIDDEN_REASONS[RecordSource.CASE_PERSON])
            continue
        card.identity = True
        card.case_reference = p.case.reference
        card.name = _text(" ".join(x for x in (p.first_name, p.second_name) if x))
        card.birth_date = _text(p.birth_date or p.birth_year or "")
        card.sex = _text(p.gender)
        card.phone = _text(p.phone)
        card.document = _text(p.identity_number)
        card.logged_obj = p


def _tips(user: User, card_of: dict[Any, RecordCard], ids: list[Any]) -> None:
    for tip in Tip.objects.filter(pk__in=ids, deleted_at__isnull=True):
        card = card_of[tip.pk]
        card.seen_on = _day(tip.created_at)
        if not user.can(Capability.TRIAGE_TIPS):
            card.hidden_reason = str(HIDDEN_REASONS[RecordSource.TIP])
            continue
        card.identity = True
        card.name = _text(tip.contact)
        card.birth_date = card.sex = card.document = "—"
        card.phone = _text(tip.contact_phone_masked)


def _watch_entries(user: User, card_of: dict[Any, RecordCard], ids: list[Any]) -> None:
    for e in WatchListEntry.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related(
        "watch_list"
    ):
        card = card_of[e.pk]
        card.seen_on = _day(e.created_at)
        survivor = e.watch_list.kind == WatchListKind.SURVIVOR
        card.victim = survivor
        may_read = (
            e.case_worker_id == user.pk if survivor else user.can(Capability.MANAGE_WATCH_LISTS)
        )
        if not may_read:
            card.hidden_reason = str(HIDDEN_REASONS[RecordSource.WATCH_ENTRY])
            continue
        card.identity = True
        card.name = _text(e.full_name)
        card.birth_date = _text(e.birth_date.isoformat() if e.birth_date else e.birth_year)
        card.sex = _text(e.sex)
        card.phone = "—"
        card.document = _text(e.licence_number)
        card.logged_obj = e


def record_cards(
    *, user: User, records: list[LinkRecord], log_reads: bool = False
) -> list[RecordCard]:
    """One card per record, in the order given; with ``log_reads`` each victim shown is logged.

    A few queries per source present, whatever the number of records.
    """
    labels = dict(RecordSource.choices)
    cards = [
        RecordCard(
            record=r,
            source_label=str(labels.get(r.source, r.source)),
            post_name=r.post.name if r.post_id and r.post is not None else "—",
            seen_on=None,
        )
        for r in records
    ]
    by_source: dict[str, dict[Any, RecordCard]] = defaultdict(dict)
    for card in cards:
        by_source[card.record.source][card.record.record_id] = card
    _travellers(by_source[RecordSource.TRAVELLER], _ids(records, RecordSource.TRAVELLER))
    _market_visits(by_source[RecordSource.MARKET_VISIT], _ids(records, RecordSource.MARKET_VISIT))
    _case_persons(user, by_source[RecordSource.CASE_PERSON], _ids(records, "case_person"))
    _tips(user, by_source[RecordSource.TIP], _ids(records, RecordSource.TIP))
    _watch_entries(user, by_source[RecordSource.WATCH_ENTRY], _ids(records, "watch_entry"))
    for card in cards:
        if not card.identity and not card.hidden_reason:
            missing = card.record.source != RecordSource.OUTREACH_CONTACT and card.seen_on is None
            card.hidden_reason = str(
                HIDDEN_REASONS["missing" if missing else RecordSource.OUTREACH_CONTACT]
            )
        if log_reads and card.identity and card.victim and card.logged_obj is not None:
            purpose = (
                "victim_identity" if card.record.source == "case_person" else "survivor_identity"
            )
            access_log_append(actor=user, obj=card.logged_obj, purpose=purpose)
    return cards


def hidden_records(*, user: User, records: list[LinkRecord]) -> list[RecordCard]:
    """The cards of ``records`` whose identity ``user`` may not see (no read is logged)."""
    return [c for c in record_cards(user=user, records=records) if not c.identity]
