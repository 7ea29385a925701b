"""What the linkage reads of each hub record, in one query per source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.cases.models import Tip
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.linkage.engine import LinkInput
from lintas.linkage.extract import records_extract
from lintas.places.models import Post
from lintas.screening.models import WatchList, WatchListEntry, WatchListKind
from tests.factories import make_agency
from tests.linkage.network_world import cross

pytestmark = pytest.mark.django_db


def _world(user_factory: Callable[..., User]) -> dict[str, Any]:
    officer = user_factory(Role.POST_OFFICER, post=Post.objects.get(code="wini"))
    crossing = cross(
        officer, surname="Bria", given="Maria", born=date(2001, 4, 2), phone="081234567890"
    )
    owner = user_factory(Role.CASE_WORKER, agency=make_agency(type=AgencyType.PROTECTION))
    case = case_open(actor=owner, summary="Kasus uji")
    person = case_person_add(
        actor=owner,
        case=case,
        data=PersonData(
            role="victim",
            first_name="Maria",
            second_name="Bria",
            birth_date=date(2001, 4, 2),
            identity_number="5304024204010001",
            phone="+6281337001122",
            gender="Feminine",
        ),
    )
    tip = Tip.objects.create(channel="web", body="isi", contact="Yakobus", contact_phone="0813")
    Tip.objects.create(channel="web", body="tanpa kontak")  # anonymous: nothing to link
    agency = make_agency(type=AgencyType.LAW_ENFORCEMENT)
    lists = {
        kind: WatchList.objects.create(kind=kind, name=kind, owner_agency=agency)
        for kind in (WatchListKind.KNOWN_RECRUITER, WatchListKind.REVOKED_AGENCY)
    }
    entry = WatchListEntry.objects.create(
        watch_list=lists[WatchListKind.KNOWN_RECRUITER],
        full_name="Yosef Nahak",
        birth_year=1980,
        sex="M",
        source="uji",
    )
    WatchListEntry.objects.create(
        watch_list=lists[WatchListKind.KNOWN_RECRUITER],
        full_name="Lama",
        source="uji",
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    WatchListEntry.objects.create(
        watch_list=lists[WatchListKind.REVOKED_AGENCY], full_name="PT Tutup", source="uji"
    )
    return {"crossing": crossing, "person": person, "tip": tip, "entry": entry}


def test_every_source_is_read_in_one_query_and_gives_its_fields(
    user_factory: Callable[..., User], django_assert_num_queries: Any
) -> None:
    world = _world(user_factory)
    with django_assert_num_queries(5):
        records = records_extract()
    traveller = world["crossing"].traveller
    number = world["crossing"].document.number
    got = {r.link.id: (r.post_id, r.link) for r in records}
    assert got == {
        f"traveller:{traveller.pk}": (
            "wini",
            LinkInput(
                id=f"traveller:{traveller.pk}",
                source="traveller",
                full_name="Maria Bria",
                birth_date="2001-04-02",
                sex="F",
                document_number=number,
            ),
        ),
        f"case_person:{world['person'].pk}": (
            None,
            LinkInput(
                id=f"case_person:{world['person'].pk}",
                source="case_person",
                full_name="Maria Bria",
                birth_date="2001-04-02",
                sex="F",
                phone="+6281337001122",
                document_number="5304024204010001",
            ),
        ),
        f"tip:{world['tip'].pk}": (
            None,
            LinkInput(id=f"tip:{world['tip'].pk}", source="tip", full_name="Yakobus", phone="0813"),
        ),
        f"watch_entry:{world['entry'].pk}": (
            None,
            LinkInput(
                id=f"watch_entry:{world['entry'].pk}",
                source="watch_entry",
                full_name="Yosef Nahak",
                birth_date="1980",
                sex="M",
            ),
        ),
    }


def test_gone_records_are_left_out(user_factory: Callable[..., User]) -> None:
    world = _world(user_factory)
    now = timezone.now()
    type(world["crossing"].traveller).objects.update(deleted_at=now)
    Tip.objects.update(deleted_at=now)
    assert sorted(r.source for r in records_extract()) == ["case_person", "watch_entry"]
