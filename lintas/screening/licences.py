"""A placement agency's licence, as declared at the desk, checked against the agency lists.

Two watch-list kinds hold agencies, not people: the register of licensed placement agencies
(P3MI, imported from the labour ministry's published list) and the revoked agencies. A
declared licence is *licensed* when the register has it, *revoked* when a revoked-agency list
has it (whatever the register says), *unknown* when neither does, and *unchecked* when no
register has been imported on this node, so an empty register never flags every worker.
Licence numbers are compared without spaces, dots or case (``kep 12/pptkis`` is
``KEP12/PPTKIS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from lintas.screening.models import WatchListEntry, WatchListKind

NONE = "none"
LICENSED = "licensed"
REVOKED = "revoked"
UNKNOWN = "unknown"
UNCHECKED = "unchecked"
STATUSES = (NONE, LICENSED, REVOKED, UNKNOWN, UNCHECKED)


def licence_key(licence: str) -> str:
    """A placement agency licence without spaces, dots or case."""
    return re.sub(r"[\s.]+", "", licence or "").upper()


@dataclass(frozen=True)
class ListedAgency:
    entry_id: str
    agency: str
    list_name: str


@dataclass(frozen=True)
class AgencyLists:
    licensed: dict[str, ListedAgency]
    revoked: dict[str, ListedAgency]


@dataclass(frozen=True)
class LicenceCheck:
    status: str
    licence: str = ""
    listed: ListedAgency | None = None
    register: str = ""  # the register's name, for the explanation of "unknown"


_cache: dict[str, object] = {}


def _live(today: date) -> Q:
    return Q(deleted_at__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def agency_lists(today: date) -> AgencyLists:
    """The live licensed and revoked agencies by licence key; read again when an entry changes."""
    kinds = (WatchListKind.LICENSED_AGENCY, WatchListKind.REVOKED_AGENCY)
    entries = WatchListEntry.objects.filter(_live(today), watch_list__kind__in=kinds)
    agg = entries.aggregate(n=Count("id"), latest=Max("updated_at"))
    version = (int(agg["n"] or 0), str(agg["latest"]), today)
    if _cache.get("version") == version:
        cached = _cache["lists"]
        assert isinstance(cached, AgencyLists)
        return cached
    lists = AgencyLists(licensed={}, revoked={})
    for entry_id, licence, agency, kind, list_name in entries.order_by("created_at").values_list(
        "id", "licence_number", "full_name", "watch_list__kind", "watch_list__name"
    ):
        key = licence_key(licence)
        if key:
            target = lists.revoked if kind == WatchListKind.REVOKED_AGENCY else lists.licensed
            target.setdefault(key, ListedAgency(str(entry_id), agency, list_name))
    _cache.update(version=version, lists=lists)
    return lists


def _register_name(today: date) -> str | None:
    names = (
        WatchListEntry.objects.filter(_live(today), watch_list__kind=WatchListKind.LICENSED_AGENCY)
        .order_by("watch_list__name")
        .values_list("watch_list__name", flat=True)
        .distinct()
    )
    return ", ".join(names) or None


def placement_licence_check(licence: str, *, today: date) -> LicenceCheck:
    """What the lists say of a declared licence."""
    key = licence_key(licence)
    if not key:
        return LicenceCheck(NONE)
    lists = agency_lists(today)
    if key in lists.revoked:
        return LicenceCheck(REVOKED, key, lists.revoked[key])
    if key in lists.licensed:
        return LicenceCheck(LICENSED, key, lists.licensed[key])
    if not lists.licensed:
        return LicenceCheck(UNCHECKED, key)
    return LicenceCheck(UNKNOWN, key, register=_register_name(today) or "")


def licence_findings(check: LicenceCheck) -> list[dict[str, object]]:
    """A revoked or unknown licence is a strong indicator, explained."""
    if check.status == REVOKED and check.listed is not None:
        listed = check.listed
        return [
            {
                "id": "LICENCE-REVOKED",
                "strength": "strong",
                "text_id": f"Izin perusahaan penempatan {check.licence} sudah dicabut: "
                f"{listed.agency} ({listed.list_name}).",
                "text_en": f"The placement agency licence {check.licence} has been revoked: "
                f"{listed.agency} ({listed.list_name}).",
                "params": {"licence": check.licence, "entry_id": listed.entry_id},
            }
        ]
    if check.status == UNKNOWN:
        return [
            {
                "id": "LICENCE-UNKNOWN",
                "strength": "strong",
                "text_id": f"Izin perusahaan penempatan {check.licence} tidak ada dalam daftar "
                f"P3MI berizin ({check.register}): penempatan mungkin non-prosedural.",
                "text_en": f"The placement agency licence {check.licence} is not in the register "
                f"of licensed agencies ({check.register}): the placement may be non-procedural.",
                "params": {"licence": check.licence},
            }
        ]
    return []
