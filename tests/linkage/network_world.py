"""A small world for the network tests, built through the real services.

Four outbound workers crossed at Motaain and Motamasin, each giving the same sponsor phone
written four different ways; the first of them also named the recruiter "Pak Yosef Nahak",
and one more worker at Wini named "Yosef Nahak" with a phone of her own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import Crossing, DocumentKind
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.places.models import Post
from tests.crossings.conftest import register

SPONSOR = "+6281234567890"
SPONSOR_WRITTEN = ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890")
OTHER_PHONE = "+6285299887766"
_numbers = itertools.count(1)


def cross(
    officer: User,
    *,
    surname: str,
    given: str,
    born: date = date(2001, 4, 2),
    sex: str = "F",
    phone: str = "",
    recruiter: str = "",
    employer: str = "",
    licence: str = "",
    group_id: object = None,
    on: datetime | None = None,
) -> Crossing:
    """One outbound work crossing at the officer's post."""
    crossing: Crossing = register(
        officer,
        traveller=TravellerData(
            surname=surname, given_names=given, sex=sex, birth_date=born, nationality="IDN"
        ),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number=f"E{next(_numbers):07d}",
            issuing_state="IDN",
            expiry_date=date(2031, 1, 1),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="work",
            entry_point_code=f"{officer.post_id}-{officer.post_id}",
            destination="Dili",
            sponsor_phone=phone,
            recruiter_name=recruiter,
            employer_name=employer,
            placement_agency_licence=licence,
            group_id=group_id,  # type: ignore[arg-type]
            crossed_at=on or datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        ),
    )
    return crossing


@dataclass
class World:
    officers: dict[str, User]
    workers: list[Crossing] = field(default_factory=list)
    fifth: Crossing | None = None

    def node(self, crossing: Crossing) -> str:
        return f"traveller:{crossing.traveller_id}"


def officers(user_factory: Callable[..., User]) -> dict[str, User]:
    return {
        code: user_factory(Role.POST_OFFICER, post=Post.objects.get(code=code))
        for code in ("motaain", "motamasin", "wini")
    }


def star_world(user_factory: Callable[..., User]) -> World:
    """Only the four workers and their sponsor phone."""
    return recruiter_world(user_factory, recruiter=False)


def recruiter_world(user_factory: Callable[..., User], *, recruiter: bool = True) -> World:
    world = World(officers(user_factory))
    names = [("Bria", "Maria"), ("Seran", "Yuliana"), ("Taek", "Agustina"), ("Luan", "Veronika")]
    posts = ("motaain", "motaain", "motamasin", "motamasin")
    for i, ((surname, given), post, written) in enumerate(
        zip(names, posts, SPONSOR_WRITTEN, strict=True)
    ):
        world.workers.append(
            cross(
                world.officers[post],
                surname=surname,
                given=given,
                phone=written,
                recruiter="Pak Yosef Nahak" if i == 0 and recruiter else "",
            )
        )
    if not recruiter:
        return world
    world.fifth = cross(
        world.officers["wini"],
        surname="Kase",
        given="Natalia",
        phone=OTHER_PHONE,
        recruiter="Yosef  NAHAK",
    )
    return world
