"""The review pages: who may open and decide, what each reader sees, bad input, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.linkage.decisions import proposal_confirm
from lintas.linkage.models import LinkProposal, LinkRefusal, Person, PersonRecord
from tests.linkage.network_world import cross
from tests.linkage.review_world import (
    ReviewWorld,
    propose,
    review_world,
    traveller_record,
    victim_in_case,
)

pytestmark = pytest.mark.django_db

QUEUE = "/linkage/review/"


def _html(response: Any) -> str:
    return str(response.content.decode())


def _proposal_url(p: LinkProposal) -> str:
    return f"/linkage/review/{p.pk}/"


def _state() -> tuple[int, int, int, list[tuple[str, int]]]:
    return (
        Person.objects.count(),
        PersonRecord.objects.filter(undone_at__isnull=True).count(),
        LinkRefusal.objects.count(),
        sorted(LinkProposal.objects.values_list("status", "version")),
    )


def _writes() -> int:
    return AuditEntry.objects.filter(kind="write").count()


@pytest.fixture
def world(user_factory: Callable[..., User]) -> ReviewWorld:
    return review_world(user_factory)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.POST_OFFICER, 403),
        (Role.MARKET_REGISTRAR, 403),
        (Role.SUPERVISOR, 200),
        (Role.INVESTIGATOR, 200),
        (Role.CASE_WORKER, 403),
        (Role.OUTREACH_COORDINATOR, 403),
        (Role.ANALYST, 403),
        (Role.AGENCY_ADMIN, 403),
        (Role.SYSTEM_ADMIN, 403),
    ],
)
def test_who_may_open_and_decide(
    world: ReviewWorld,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    role: str,
    status: int,
) -> None:
    client = login_client(user_factory(role))
    p = world.the_proposal
    assert client.get(QUEUE).status_code == status
    assert client.get(_proposal_url(p)).status_code == status
    before, writes = _state(), _writes()
    response = client.post(_proposal_url(p), {"action": "confirm", "version": "1"})
    if status == 403:
        assert response.status_code == 403
        assert (_state(), _writes()) == (before, writes)
    else:
        assert response.status_code == 302
        assert response["Location"] == _proposal_url(p)
        p.refresh_from_db()
        assert p.status == "confirmed"
    assert client.post(QUEUE).status_code == (405 if status == 200 else 403)


def test_anonymous_is_sent_to_sign_in_and_changes_nothing(world: ReviewWorld) -> None:
    client = Client()
    p = world.the_proposal
    for url in (QUEUE, _proposal_url(p)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    before, writes = _state(), _writes()
    assert client.post(_proposal_url(p), {"action": "confirm", "version": "1"}).status_code == 302
    assert (_state(), _writes()) == (before, writes)


def test_a_supervisor_sees_only_proposals_with_a_record_of_their_post(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    two_posts = propose([world.records["wini"], world.records["motaain"]], best=0.95)
    client = login_client(world.supervisors["motamasin"])
    queue = _html(client.get(QUEUE))
    assert f'data-proposal="{world.the_proposal.pk}"' in queue
    assert f'data-proposal="{two_posts.pk}"' not in queue
    assert client.get(_proposal_url(two_posts)).status_code == 404
    before, writes = _state(), _writes()
    response = client.post(_proposal_url(two_posts), {"action": "confirm", "version": "1"})
    assert response.status_code == 404
    assert (_state(), _writes()) == (before, writes)
    wini = login_client(world.supervisors["wini"])
    assert f'data-proposal="{two_posts.pk}"' in _html(wini.get(QUEUE))


def test_the_proposal_page_shows_the_records_side_by_side_with_the_why(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    client = login_client(world.investigator)
    html = _html(client.get(_proposal_url(world.the_proposal)))
    assert html.count("<td data-name>Maria Bria</td>") == 2
    assert html.count("<td data-name>Yuliana Seran</td>") == 1
    for crossing in world.crossings.values():
        assert f"<td>{crossing.post.name}</td>" in html
    assert "2001-04-02" in html
    assert "1999-08-17" in html
    for day in ("2026-03-10", "2026-05-20", "2026-06-01"):
        assert day in html
    assert html.count("data-pair") == 3
    assert html.count('<span class="ok" data-weight>9,5</span>') == 3
    assert html.count('<span class="bad" data-weight>-1,5</span>') == 3
    assert html.count('<span class="muted">exact after normalising</span>') == 3
    assert html.count("Sama: Nama, Tanggal lahir, Jenis kelamin.") == 3
    assert html.count("Berbeda: Desa/Kelurahan.") == 3


def test_a_victim_s_identity_shows_only_to_who_may_read_the_case_and_is_logged(
    world: ReviewWorld, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    worker = user_factory(Role.CASE_WORKER, agency=world.investigator.agency)
    victim = victim_in_case(worker)
    p = propose([world.records["wini"], victim])
    own = login_client(world.investigator)
    reads = AuditEntry.objects.filter(
        action="read.victim_identity", object_id=str(victim.record_id)
    )
    html = _html(own.get(_proposal_url(p)))
    assert "5304024204010001" in html
    assert "+6281337001122" in html
    assert reads.count() == 1
    assert reads.get().actor_id == world.investigator.pk
    other = login_client(user_factory(Role.INVESTIGATOR))
    masked = _html(other.get(_proposal_url(p)))
    assert "5304024204010001" not in masked
    assert "+6281337001122" not in masked
    assert masked.count("Maria Bria") == 1  # the traveller's side only
    assert "data-hidden-records" in masked
    assert "data-confirm" not in masked
    assert reads.count() == 1
    before, writes = _state(), _writes()
    refused = other.post(_proposal_url(p), {"action": "confirm", "version": "1"}, follow=True)
    assert refused.status_code == 200
    assert "Anda tidak boleh melihat 1 dari catatan ini" in _html(refused)
    assert (_state(), _writes()) == (before, writes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "1"}, "Pilih apa yang diputuskan."),
        ({"action": "merge", "version": "1"}, "Pilih apa yang diputuskan."),
        ({"action": "confirm"}, "Formulir ini sudah usang: buka usulan ini lagi."),
        ({"action": "confirm", "version": "x" * 5000}, "Formulir ini sudah usang"),
        ({"action": "split", "version": "1"}, "Masukkan setiap catatan ke sebuah kelompok."),
        (
            {"action": "split", "version": "1", "group-0190d7a0-dead-7000-8000-000000000000": "1"},
            "Sebuah catatan yang bukan bagian dari usulan ini disebut.",
        ),
        (
            {"action": "split", "version": "1", "group-not-a-uuid": "1"},
            "Sebuah catatan yang bukan bagian dari usulan ini disebut.",
        ),
        ({"action": "split", "version": "1", "group-x": "3x"}, "Pilih kelompok untuk setiap"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    world: ReviewWorld,
    login_client: Callable[[User], Client],
    data: dict[str, str],
    message: str,
) -> None:
    client = login_client(world.investigator)
    before, writes = _state(), _writes()
    response = client.post(_proposal_url(world.the_proposal), data, follow=True)
    assert response.status_code == 200
    assert message in _html(response)
    assert (_state(), _writes()) == (before, writes)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "confirm", "version": "1\x00"},
        {"action": "split", "version": "1", "group-x": "\x00"},
        {"action": "split\x00", "version": "1"},
    ],
)
def test_nul_bytes_are_refused_before_the_page(
    world: ReviewWorld, login_client: Callable[[User], Client], data: dict[str, str]
) -> None:
    client = login_client(world.investigator)
    before, writes = _state(), _writes()
    response = client.post(_proposal_url(world.the_proposal), data)
    assert response.status_code == 400
    assert (_state(), _writes()) == (before, writes)


def test_split_through_the_page_and_a_double_submit(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    client = login_client(world.investigator)
    r = world.records
    form = {
        "action": "split",
        "version": "1",
        f"group-{r['wini'].pk}": "1",
        f"group-{r['motaain'].pk}": "1",
        f"group-{r['motamasin'].pk}": "2",
    }
    url = _proposal_url(world.the_proposal)
    first = client.post(url, form, follow=True)
    assert "Dipisah: setiap kelompok dicatat sebagai orang tersendiri." in _html(first)
    after = _state()
    assert after[:3] == (1, 2, 2)
    again = client.post(url, form, follow=True)
    assert "Sudah diputuskan oleh penyidik.uji: Dipisah. Tidak ada yang diubah." in _html(again)
    assert _state() == after
    person = Person.objects.get()
    assert f"/linkage/persons/{person.pk}/" in _html(again)


def test_the_person_page_lists_records_and_undoes_one(
    world: ReviewWorld, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    person = proposal_confirm(
        actor=world.investigator, proposal_id=world.the_proposal.pk, version=1
    )
    url = f"/linkage/persons/{person.pk}/"
    client = login_client(world.supervisors["motamasin"])
    html = _html(client.get(url))
    assert html.count("data-person-record=") == 3
    row = PersonRecord.objects.get(person=person, record=world.records["motamasin"])
    outsiders = [
        login_client(user_factory(role))
        for role in (Role.POST_OFFICER, Role.CASE_WORKER, Role.ANALYST)
    ]
    before, writes = _state(), _writes()
    for bad, message in (
        ({"person_record": str(row.pk), "reason": ""}, "Bidang ini tidak boleh kosong."),
        ({"person_record": "bukan-id", "reason": "x"}, "Tautan ini tidak ada."),
        ({"person_record": str(person.pk), "reason": "x"}, "Tautan ini tidak ada."),
    ):
        response = client.post(url + "undo/", bad, follow=True)
        assert response.status_code == 200
        assert message in _html(response)
        assert (_state(), _writes()) == (before, writes)
    assert client.post(url + "undo/", {"person_record": "x\x00"}).status_code == 400
    for outsider in outsiders:
        assert outsider.get(url).status_code == 403
        denied = outsider.post(url + "undo/", {"person_record": str(row.pk), "reason": "x"})
        assert denied.status_code == 403
    assert (_state(), _writes()) == (before, writes)
    done = client.post(url + "undo/", {"person_record": str(row.pk), "reason": "Orang lain"})
    assert done.status_code == 302
    # Motamasin's record is gone from the person: the person is no longer of that post.
    assert client.get(url).status_code == 404
    html = _html(login_client(world.investigator).get(url))
    assert html.count("data-person-record=") == 2
    assert "<td>Orang lain</td>" in html
    assert Client().get(url).status_code == 302


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_and_the_proposal_page_pin_their_query_counts(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    client = login_client(world.supervisors["motaain"])
    assert _count(client, QUEUE) == 5
    officer = world.officers["motaain"]
    records = [
        traveller_record(cross(officer, surname="Luan", given=f"Veronika {i}")) for i in range(6)
    ]
    for i in range(3):
        propose(records[2 * i : 2 * i + 2], best=0.9 - i / 100)
    assert _count(client, QUEUE) == 5
    assert _count(client, _proposal_url(world.the_proposal)) == 9
    big = propose(records)
    assert _count(client, _proposal_url(big)) == 9
