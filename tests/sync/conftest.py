from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing, TravelDocument, Traveller
from lintas.places.models import EntryPoint, Post
from tests.sync.helpers import FakeNode


@pytest.fixture
def node(reference: None) -> FakeNode:
    """post-motaain, enrolled at the hub (the test database)."""
    return FakeNode()


@pytest.fixture
def hub_officer(user_factory: Callable[..., User]) -> User:
    """An officer of Motaain, made at the hub (as every officer is), then pulled by the node."""
    return user_factory(Role.POST_OFFICER, post=Post.objects.get(code="motaain"))


@pytest.fixture
def wini_officer(user_factory: Callable[..., User]) -> User:
    """An officer of Wini, for the records a second node (post-wini) sends."""
    return user_factory(Role.POST_OFFICER, post=Post.objects.get(code="wini"))


@dataclass
class NodeCrossing:
    traveller: Traveller
    document: TravelDocument
    crossing: Crossing

    @property
    def records(self) -> list[Any]:
        return [self.traveller, self.document, self.crossing]


def node_crossing(
    officer: User, *, origin: str = "post-motaain", number: str = "C1234567", notes: str = ""
) -> NodeCrossing:
    """A crossing as a node made it: three records in memory, not saved at the hub."""
    traveller = Traveller(
        id=uuid7(),
        origin=origin,
        surname="Bria",
        given_names="Yohanes",
        sex="M",
        birth_date=date(1985, 5, 1),
        nationality="IDN",
        created_by=officer,
    )
    document = TravelDocument(
        id=uuid7(),
        origin=origin,
        traveller=traveller,
        kind="passport",
        number=number,
        issuing_state="IDN",
        expiry_date=date(2031, 1, 1),
        created_by=officer,
    )
    crossing = Crossing(
        id=uuid7(),
        origin=origin,
        traveller=traveller,
        document=document,
        post_id=officer.post_id,
        entry_point=EntryPoint.objects.get(code=f"{officer.post_id}-{officer.post_id}"),
        direction="out",
        crossed_at=timezone.now(),
        purpose="family",
        destination="Batugade",
        notes=notes,
        created_by=officer,
    )
    return NodeCrossing(traveller, document, crossing)
