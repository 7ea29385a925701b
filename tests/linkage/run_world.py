"""Women crossing at the posts for the run tests, each post giving her a new traveller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import Crossing, DocumentKind
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.places.models import Post
from tests.crossings.conftest import register

# Each post saw another passport, of one series (a renewal: the numbers are one digit apart).
NUMBERS = {"wini": "E0000101", "motaain": "E0000102", "motamasin": "E0000103"}
WOMEN = {"Maria": ("Bria", date(2001, 4, 2)), "Yuliana": ("Seran", date(1999, 8, 17))}


def woman_at(user_factory: Callable[..., User], code: str, given: str = "Maria") -> Crossing:
    """``given`` crossing out at post ``code``, recorded there as a new traveller."""
    officer = user_factory(Role.POST_OFFICER, post=Post.objects.get(code=code))
    surname, born = WOMEN[given]
    number = NUMBERS[code] if given == "Maria" else "E0000104"
    crossing: Crossing = register(
        officer,
        traveller=TravellerData(
            surname=surname, given_names=given, sex="F", birth_date=born, nationality="IDN"
        ),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number=number,
            issuing_state="IDN",
            expiry_date=date(2031, 1, 1),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="work",
            entry_point_code=f"{code}-{code}",
            destination="Dili",
            crossed_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        ),
    )
    return crossing
