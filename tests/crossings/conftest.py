from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import TestCase

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import DocumentKind
from lintas.crossings.mrz import compose
from lintas.crossings.services import CrossingData, DocumentData, TravellerData, crossing_register
from lintas.places.models import Post


@pytest.fixture
def officer_at(user_factory: Callable[..., User]) -> Callable[[str], User]:
    def make(post_code: str) -> User:
        return user_factory(Role.POST_OFFICER, post=Post.objects.get(code=post_code))

    return make


def passport_lines(
    *,
    number: str = "B1234567",
    surname: str = "DA COSTA",
    given: str = "JOSE MARIA",
    state: str = "TLS",
    born: date = date(1990, 3, 14),
    sex: str = "M",
    expiry: date = date(2031, 1, 1),
) -> tuple[str, ...]:
    return compose(
        "TD3",
        issuing_state=state,
        document_number=number,
        surname=surname,
        given_names=given,
        nationality=state,
        birth_date=born,
        expiry_date=expiry,
        sex=sex,
    )


def register(actor: User, **overrides: Any) -> Any:
    """Register a passport crossing with sensible defaults; overrides by argument name."""
    traveller = overrides.pop(
        "traveller",
        TravellerData(
            surname="Bria",
            given_names="Yohanes",
            sex="M",
            birth_date=date(1985, 5, 1),
            nationality="IDN",
        ),
    )
    document = overrides.pop(
        "document",
        DocumentData(
            kind=DocumentKind.PASSPORT,
            number="C7654321",
            issuing_state="IDN",
            expiry_date=date(2030, 1, 1),
        ),
    )
    crossing = overrides.pop(
        "crossing",
        CrossingData(
            direction="out",
            purpose="family",
            entry_point_code=f"{actor.post_id}-{actor.post_id}",
            destination="Batugade",
        ),
    )
    # The registration commits, then its screening runs (``transaction.on_commit``).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return crossing_register(
            actor=actor, traveller=traveller, document=document, crossing=crossing, **overrides
        )
