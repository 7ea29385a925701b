"""Records for the public statistics, made directly: the counting is tested, not the services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from lintas.accounts.models import User
from lintas.cases.models import Case, CasePerson, PersonRole, Tip
from lintas.outreach.models import Activity, ActivityKind
from lintas.places.models import Village

_refs = count(1)


def when(year: int) -> datetime:
    """Mid-year, far from any change of year in WITA."""
    return datetime(year, 6, 15, 4, 0, tzinfo=UTC)


def cases(owner: User, year: int, regency: str | None, n: int) -> list[Case]:
    made = [
        Case(
            reference=f"UJI-{next(_refs):05d}",
            owner_agency=owner.agency,
            owner=owner,
            regency_id=regency,
            created_at=when(year),
        )
        for _ in range(n)
    ]
    return Case.objects.bulk_create(made)


def victims(case: Case, n: int, **fields: Any) -> None:
    CasePerson.objects.bulk_create(
        CasePerson(case=case, role=PersonRole.VICTIM, **fields) for _ in range(n)
    )


def tips(year: int, channel: str, n: int, **fields: Any) -> None:
    Tip.objects.bulk_create(
        Tip(channel=channel, body="uji", created_at=when(year), **fields) for _ in range(n)
    )


def activities(owner: User, village_code: str, held: Iterable[tuple[date, int]]) -> None:
    village = Village.objects.select_related("district").get(code=village_code)
    Activity.objects.bulk_create(
        Activity(
            kind=ActivityKind.AWARENESS,
            held_on=on,
            village=village,
            district=village.district,
            regency_id=village.district.regency_id,
            agency=owner.agency,
            women=reached,
            people_reached=reached,
            digest="uji",
        )
        for on, reached in held
    )
