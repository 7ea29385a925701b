"""Watch-list matching at the desk: an index kept in memory and rebuilt when lists change."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max

from lintas.screening.matching import DEFAULT_THRESHOLD, Match, NameIndex, Person, Row
from lintas.screening.models import AGENCY_LISTS, WatchListEntry

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _version() -> tuple[int, str]:
    agg = WatchListEntry.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return int(agg["n"] or 0), str(agg["latest"])


def _rows(today: date) -> list[Row]:
    rows: list[Row] = []
    live = (
        WatchListEntry.objects.filter(deleted_at__isnull=True)
        .exclude(expires_on__lt=today)
        .exclude(watch_list__kind__in=AGENCY_LISTS)
    )
    for e in live.values_list(
        "id", "full_name", "birth_date", "birth_year", "sex", "nationality"
    ).iterator():
        entry_id, name, born, year, sex, nat = e
        rows.append((str(entry_id), name, born or year, sex or None, nat or None))
    return rows


def watch_index(today: date) -> NameIndex:
    """The index of live person entries; rebuilt when an entry was added, changed or removed."""
    version = (_version(), today)
    with _lock:
        if _cache.get("version") != version:
            _cache["index"] = NameIndex.build(_rows(today))
            _cache["version"] = version
        index = _cache["index"]
    assert isinstance(index, NameIndex)
    return index


@dataclass(frozen=True)
class WatchHit:
    entry: WatchListEntry
    match: Match


def watch_hits(
    *, full_name: str, birth_date: date | None, sex: str, nationality: str, today: date
) -> list[WatchHit]:
    """Entries that the traveller matches at the default alert threshold, best first."""
    index = watch_index(today)
    if not len(index):
        return []
    query = Person(
        full_name=full_name,
        birth_date=birth_date,
        sex=sex if sex in ("M", "F") else None,
        nationality=nationality or None,
    )
    matches = index.search(query, threshold=DEFAULT_THRESHOLD, limit=5)
    entries = {
        str(e.pk): e
        for e in WatchListEntry.objects.select_related("watch_list", "case_worker").filter(
            pk__in=[m.id for m in matches]
        )
    }
    return [WatchHit(entries[m.id], m) for m in matches if m.id in entries]
