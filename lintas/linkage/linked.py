"""What confirmed links tell the rest of the hub: the desk, the pattern rules, the watch.

A traveller confirmed to be the same person as travellers seen at other posts brings their
crossings to the desk, their alerts to the supervisor, their companions to the escort
pattern and their survivor records to the quiet watch. Only confirmed, live links count
(``PersonRecord`` not undone); at a post node there are none, and every function here
answers as if no record were linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef

from lintas.accounts.models import User
from lintas.audit.services import access_log_append
from lintas.cases.models import CasePerson, Consent, ConsentKind, PersonRole
from lintas.common.nodes import is_hub
from lintas.crossings.models import Crossing, Traveller
from lintas.linkage.models import LinkRecord, PersonRecord, RecordSource
from lintas.screening.models import Alert, AlertAudience, WatchListEntry, WatchListKind

SHOWN_AT_DESK = 20


def person_keys(traveller_ids: Iterable[UUID | str]) -> dict[str, str]:
    """Traveller id -> the key of who they are: ``person:<id>`` if confirmed, else their own.

    Two travellers with the same key are one person; one query (none at a post node).
    """
    ids = {str(t) for t in traveller_ids}
    keys = {t: f"traveller:{t}" for t in ids}
    if not is_hub() or not ids:
        return keys
    for record_id, person_id in PersonRecord.objects.filter(
        undone_at__isnull=True,
        record__source=RecordSource.TRAVELLER,
        record__record_id__in=ids,
    ).values_list("record__record_id", "person_id"):
        keys[str(record_id)] = f"person:{person_id}"
    return keys


def _same_person_records(source: str, record_id: UUID | str) -> Any:
    person = PersonRecord.objects.filter(
        undone_at__isnull=True, record__source=source, record__record_id=record_id
    ).values("person_id")
    return LinkRecord.objects.filter(
        persons__person_id__in=person, persons__undone_at__isnull=True
    ).exclude(source=source, record_id=record_id)


def same_person_travellers(traveller_id: UUID | str) -> set[str]:
    """The traveller and every traveller confirmed to be the same person (ids as text)."""
    own = {str(traveller_id)}
    if not is_hub():
        return own
    others = _same_person_records(RecordSource.TRAVELLER, traveller_id).filter(
        source=RecordSource.TRAVELLER
    )
    return own | {str(r) for r in others.values_list("record_id", flat=True)}


def crossings_elsewhere(*, user: User, traveller: Traveller) -> list[Crossing]:
    """The crossings of the travellers confirmed to be this traveller, newest first.

    For the desk, once it found the traveller known at its post (the desk's own look-up
    and scope come first): each linked traveller whose crossings are shown is written to
    the access log.
    """
    others = same_person_travellers(traveller.pk) - {str(traveller.pk)}
    if not others:
        return []
    rows = list(
        Crossing.objects.filter(traveller_id__in=others, deleted_at__isnull=True)
        .select_related("post", "document")
        .order_by("-crossed_at")[:SHOWN_AT_DESK]
    )
    for traveller_id in sorted({str(c.traveller_id) for c in rows}):
        access_log_append(
            actor=user, obj=("crossings.traveller", traveller_id), purpose="linked_crossings"
        )
    return rows


def alerts_elsewhere(*, crossing: Crossing) -> list[Alert]:
    """Earlier post alerts about travellers confirmed to be this crossing's traveller."""
    others = same_person_travellers(crossing.traveller_id) - {str(crossing.traveller_id)}
    if not others:
        return []
    return list(
        Alert.objects.filter(
            crossing__traveller_id__in=others,
            audience=AlertAudience.POST,
            deleted_at__isnull=True,
        )
        .select_related("post", "crossing")
        .order_by("-created_at")[:SHOWN_AT_DESK]
    )


@dataclass(frozen=True)
class SurvivorLink:
    """A survivor confirmed to be a crossing traveller, and who is told quietly."""

    recipient: User
    watch_entry: WatchListEntry | None
    case_person: CasePerson | None
    person_id: str


def survivors_linked(*, traveller_id: UUID | str, today: date) -> list[SurvivorLink]:
    """Survivors confirmed to be this traveller: on the watch, or victims of a case.

    A watch entry tells its case worker; a victim in a case tells the case's owner, only
    while the survivor's consent to the re-trafficking watch stands.
    """
    if not is_hub():
        return []
    linked = list(
        _same_person_records(RecordSource.TRAVELLER, traveller_id)
        .filter(source__in=(RecordSource.WATCH_ENTRY, RecordSource.CASE_PERSON))
        .values_list("source", "record_id", "persons__person_id")
    )
    if not linked:
        return []
    person_of = {str(record_id): str(person) for _source, record_id, person in linked}
    entries = (
        WatchListEntry.objects.live()
        .filter(
            pk__in=[r for s, r, _p in linked if s == RecordSource.WATCH_ENTRY],
            watch_list__kind=WatchListKind.SURVIVOR,
            case_worker__isnull=False,
        )
        .exclude(expires_on__lt=today)
        .select_related("case_worker", "watch_list")
    )
    consent = Consent.objects.filter(
        person=OuterRef("pk"),
        kind=ConsentKind.RE_TRAFFICKING_WATCH,
        withdrawn_at__isnull=True,
        deleted_at__isnull=True,
    )
    victims = (
        CasePerson.objects.filter(
            pk__in=[r for s, r, _p in linked if s == RecordSource.CASE_PERSON],
            role=PersonRole.VICTIM,
            deleted_at__isnull=True,
            case__deleted_at__isnull=True,
        )
        .filter(Exists(consent))
        .select_related("case", "case__owner")
    )
    out = [
        SurvivorLink(e.case_worker, e, None, person_of[str(e.pk)])
        for e in entries
        if e.case_worker is not None
    ]
    out += [SurvivorLink(v.case.owner, None, v, person_of[str(v.pk)]) for v in victims]
    return out
