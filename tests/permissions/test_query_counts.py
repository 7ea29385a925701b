"""Every list page and list endpoint answers in a fixed number of queries.

Each list is read with 3 rows and again with 6: the same exact count both times, so that a
query per row (an N+1) fails here. The counts include the session and the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lintas.accounts.roles import AgencyType, Role
from lintas.cases.referrals import referral_create
from lintas.cases.services import PersonData, case_open, case_person_add, consent_record
from lintas.cases.support import follow_ups_schedule
from lintas.cases.tips import tip_submit
from lintas.portal.services import placement_agencies_import
from lintas.screening.watchlists import watch_list_create
from lintas.sync.services import node_enrolment_issue
from tests.factories import make_agency, make_user
from tests.permissions.world import Side, World, build_world

pytestmark = pytest.mark.django_db

R = Role
_n = iter(range(1, 10_000))


def _cross(w: World, side: Side) -> None:
    from tests.permissions.world import _cross as register

    register(side.users[R.POST_OFFICER])


def _tip(w: World, side: Side) -> None:
    tip_submit(body=f"Laporan uji nomor {next(_n)} tentang perekrutan ke Malaysia.")


def _case(w: World, side: Side) -> None:
    worker = side.users[R.CASE_WORKER]
    case = case_open(actor=worker, summary="Kasus uji")
    case_person_add(actor=worker, case=case, data=PersonData(role="victim", first_name="Uji"))


def _referral(w: World, side: Side) -> None:
    """A case of the other agency, referred to ``side``'s agency with consent."""
    worker = w.other.users[R.CASE_WORKER]
    case = case_open(actor=worker, summary="Rujukan uji")
    victim = case_person_add(
        actor=worker, case=case, data=PersonData(role="victim", first_name="Uji")
    )
    consent_record(
        actor=worker, person=victim, kind="disclose", method="written", agency=side.agency
    )
    referral_create(actor=worker, case=case, to_agency=side.agency, reason="Other")


def _follow_up(w: World, side: Side) -> None:
    worker = side.users[R.CASE_WORKER]
    case = case_open(actor=worker, summary="Tindak lanjut uji")
    victim = case_person_add(
        actor=worker, case=case, data=PersonData(role="victim", first_name="Uji")
    )
    follow_ups_schedule(actor=worker, person=victim, months=(1,))


def _user(w: World, side: Side) -> None:
    make_user(R.ANALYST, agency=side.agency)


def _agency(w: World, side: Side) -> None:
    make_agency(type=AgencyType.NGO, post=side.post)


def _watch_list(w: World, side: Side) -> None:
    watch_list_create(
        actor=side.users[R.INVESTIGATOR], kind="wanted_suspect", name=f"Daftar {next(_n)}"
    )


def _node(w: World, side: Side) -> None:
    node_enrolment_issue(
        actor=side.users[R.SYSTEM_ADMIN], code=f"post-uji-{next(_n)}", post=side.post
    )


_placement_rows: list[str] = []


def _placement_agency(w: World, side: Side) -> None:
    n = next(_n)
    _placement_rows.append(f"PT Uji Sejahtera {n},KEP-{n},Kupang,licensed")
    data = "name,licence_number,city,status\n" + "\n".join(_placement_rows) + "\n"
    placement_agencies_import(
        data=data.encode(), source="Daftar P3MI uji", source_date=date(2026, 1, 1), demo=True
    )


@dataclass(frozen=True)
class ListCase:
    url: str
    role: str | None  # None: anonymous
    add: Callable[[World, Side], None]
    queries: int


LISTS = {
    "crossings today (page)": ListCase("/crossings/today/", R.POST_OFFICER, _cross, 3),
    "crossings today (API)": ListCase("/api/crossings/today", R.POST_OFFICER, _cross, 3),
    # + the count for the pages
    "alerts (page)": ListCase("/screening/alerts/", R.SUPERVISOR, _cross, 4),
    "alerts (API)": ListCase("/api/alerts", R.SUPERVISOR, _cross, 3),
    "tips triage": ListCase("/cases/tips/", R.SUPERVISOR, _tip, 3),
    "cases": ListCase("/cases/", R.CASE_WORKER, _case, 3),
    "referrals": ListCase("/cases/referrals/", R.CASE_WORKER, _referral, 3),
    "follow-ups": ListCase("/cases/follow-ups/", R.CASE_WORKER, _follow_up, 3),
    "users (page)": ListCase("/accounts/users/", R.AGENCY_ADMIN, _user, 3),
    "users (API)": ListCase("/api/accounts/users", R.AGENCY_ADMIN, _user, 3),
    "agencies": ListCase("/accounts/agencies/", R.SYSTEM_ADMIN, _agency, 5),
    "watch lists": ListCase("/screening/watch-lists/", R.INVESTIGATOR, _watch_list, 3),
    "sync status": ListCase("/sync/", R.SYSTEM_ADMIN, _node, 8),
    "audit": ListCase("/audit/", R.SYSTEM_ADMIN, _tip, 12),
    "portal agencies": ListCase("/publik/agensi/?q=Uji", None, _placement_agency, 4),
}


def _count(client: Client, url: str) -> tuple[int, int]:
    """Queries of one GET, and the size of the answer (it must grow with the rows)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content)


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow_with_rows(name: str, reference: None) -> None:
    case = LISTS[name]
    world = build_world()
    client = Client()
    if case.role is not None:
        client.force_login(
            world.home.users[case.role], backend="lintas.accounts.backends.LockoutModelBackend"
        )
    client.get(case.url)  # the session settles (first-visit writes) before counting
    for _ in range(3):
        case.add(world, world.home)
    with_three, size_three = _count(client, case.url)
    for _ in range(3):
        case.add(world, world.home)
    with_six, size_six = _count(client, case.url)
    assert size_six > size_three, "the list did not show the new rows"
    assert (with_three, with_six) == (case.queries, case.queries)
