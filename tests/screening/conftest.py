from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import TestCase

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.crossings.models import Crossing, DocumentKind
from lintas.crossings.services import CrossingData, DocumentData, TravellerData, crossing_register
from lintas.places.models import Post
from lintas.screening.models import WatchList
from lintas.screening.watchlists import watch_list_create
from tests.factories import make_agency, make_user

_numbers = iter(range(100000, 999999))


def cross(
    officer: User,
    *,
    surname: str = "Bria",
    given: str = "Yohanes",
    sex: str = "M",
    born: date | None = date(1985, 5, 1),
    direction: str = "out",
    purpose: str = "family",
    nationality: str = "IDN",
    number: str = "",
    **crossing: Any,
) -> Crossing:
    """Register a passport crossing at the officer's post with a fresh document number.

    The registration commits, then its screening runs (as ``transaction.on_commit`` does
    outside the test's transaction).
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        return crossing_register(
            actor=officer,
            traveller=TravellerData(
                surname=surname,
                given_names=given,
                sex=sex,
                birth_date=born,
                nationality=nationality,
            ),
            document=DocumentData(
                kind=DocumentKind.PASSPORT,
                number=number or f"C{next(_numbers)}",
                issuing_state=nationality,
                expiry_date=date(2031, 1, 1),
            ),
            crossing=CrossingData(
                direction=direction,
                purpose=purpose,
                entry_point_code=f"{officer.post_id}-{officer.post_id}",
                **crossing,
            ),
        )


@pytest.fixture
def officer(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.POST_OFFICER, post=Post.objects.get(code="motaain"))


@pytest.fixture
def supervisor(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.SUPERVISOR, post=Post.objects.get(code="motaain"))


@pytest.fixture
def police_list(reference: None) -> WatchList:
    investigator = make_user(Role.INVESTIGATOR, agency=make_agency(type=AgencyType.LAW_ENFORCEMENT))
    return watch_list_create(actor=investigator, kind="wanted_suspect", name="DPO Polda NTT")
