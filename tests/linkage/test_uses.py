"""Confirmed links at work: the desk, the supervisor's alert, the patterns, the quiet watch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils.timezone import localtime

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.referrals import referral_accept, referral_create
from lintas.cases.services import consent_record
from lintas.crossings.models import Crossing, DocumentKind, Traveller
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.linkage.decisions import proposal_confirm
from lintas.linkage.models import LinkRecord, Person, PersonRecord, RecordSource
from lintas.screening.models import Alert, AlertAudience
from lintas.screening.selectors import alerts_visible
from tests.crossings.conftest import register
from tests.linkage.review_world import (
    ReviewWorld,
    propose,
    record,
    review_world,
    traveller_record,
    victim_in_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(user_factory: Callable[..., User]) -> ReviewWorld:
    return review_world(user_factory)


def _again(officer: User, earlier: Crossing, *, on: datetime, **crossing: Any) -> Crossing:
    """The same traveller, with the same document, crossing again at ``officer``'s post."""
    t = earlier.traveller
    made: Crossing = register(
        officer,
        traveller=TravellerData(
            surname=t.surname,
            given_names=t.given_names,
            sex=t.sex,
            birth_date=t.birth_date,
            nationality=t.nationality,
        ),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number=earlier.document.number,
            issuing_state="IDN",
            expiry_date=date(2031, 1, 1),
        ),
        crossing=CrossingData(
            direction=crossing.pop("direction", "out"),
            purpose=crossing.pop("purpose", "work"),
            entry_point_code=f"{officer.post_id}-{officer.post_id}",
            destination="Dili",
            crossed_at=on,
            **crossing,
        ),
    )
    return made


def _confirm(world: ReviewWorld, *records: LinkRecord) -> Person:
    return proposal_confirm(
        actor=world.investigator, proposal_id=propose(list(records)).pk, version=1
    )


def _from_node(crossing: Crossing, node: str) -> None:
    """As if the crossing and its traveller had come in a push from ``node``."""
    Crossing.objects.filter(pk=crossing.pk).update(origin=node)
    Traveller.objects.filter(pk=crossing.traveller_id).update(origin=node)


# --- the desk ---------------------------------------------------------------------------


def _scan(client: Client, number: str) -> str:
    response = client.post("/crossings/desk/scan/", {"scan": number})
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_traveller_first_seen_at_wini_is_known_at_motaain_after_review(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    wini, motaain = world.crossings["wini"], world.crossings["motaain"]
    desk = login_client(world.officers["motaain"])
    assert "data-known-elsewhere" not in _scan(desk, motaain.document.number)
    # Wini's passport is not known at Motaain: the desk learns nothing of it, link or not.
    _confirm(world, world.records["wini"], world.records["motaain"])
    unknown = _scan(desk, wini.document.number)
    assert "data-known-elsewhere" not in unknown
    assert "Maria" not in unknown
    known = _scan(desk, motaain.document.number)
    assert known.count("data-earlier-crossing") == 1
    assert "2026-03-10" in known
    assert wini.post.name in known
    assert wini.document.number in known
    reads = AuditEntry.objects.filter(action="read.linked_crossings")
    assert list(reads.values_list("object_id", "actor_id")) == [
        (str(wini.traveller_id), world.officers["motaain"].pk)
    ]
    # After the next registration the desk shows it with the screening, too.
    saved = _again(world.officers["motaain"], motaain, on=datetime(2026, 11, 30, 7, tzinfo=UTC))
    session = desk.session
    session["lintas_desk_last"] = str(saved.pk)  # as the desk remembers its last save
    session.save()
    page = desk.get("/crossings/desk/").content.decode()
    assert page.count("data-earlier-crossing") == 1


def test_at_a_post_node_the_desk_knows_no_links(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    _confirm(world, world.records["wini"], world.records["motaain"])
    desk = login_client(world.officers["motaain"])
    with override_settings(LINTAS_NODE="post-motaain"):
        html = _scan(desk, world.crossings["motaain"].document.number)
    assert "data-known-elsewhere" not in html
    assert not AuditEntry.objects.filter(action="read.linked_crossings").exists()


def _alert(crossing: Crossing, level: str = "high") -> Alert:
    return Alert.objects.create(
        kind="indicators",
        audience=AlertAudience.POST,
        level=level,
        crossing=crossing,
        post_id=crossing.post_id,
        summary={"reasons": [], "next_step": "none"},
    )


def test_the_supervisor_sees_the_earlier_alerts_of_the_same_person(
    world: ReviewWorld, login_client: Callable[[User], Client]
) -> None:
    earlier = _alert(world.crossings["wini"])
    _alert(world.crossings["motamasin"], "medium")  # another person: never shown
    here = _alert(world.crossings["motaain"], "medium")
    supervisor = login_client(world.supervisors["motaain"])
    url = f"/screening/alerts/{here.pk}/"
    assert "data-alerts-elsewhere" not in supervisor.get(url).content.decode()
    _confirm(world, world.records["wini"], world.records["motaain"])
    html = supervisor.get(url).content.decode()
    assert "data-alerts-elsewhere" in html
    table = html.split("data-alerts-elsewhere", 1)[1].split("</table>", 1)[0]
    at_wini = Alert.objects.filter(crossing__traveller=world.crossings["wini"].traveller)
    assert at_wini.count() == 2  # the screening's own, and the one made here
    assert table.count("<tr>") == 1 + 2  # the head and Wini's alerts
    assert localtime(earlier.created_at).strftime("%Y-%m-%d") in table  # shown in WITA
    assert world.crossings["wini"].post.name in table
    assert world.crossings["motamasin"].post.name not in table
    # Wini's own alert stays out of the Motaain supervisor's queue.
    assert earlier not in alerts_visible(user=world.supervisors["motaain"])


# --- patterns at the hub, across posts ----------------------------------------------------


def _group_crossing(officer: User, escort: Crossing | None, girl: tuple[str, str], on: datetime):
    """A group at ``officer``'s post: the escort (again, or new) and one young woman."""
    from lintas.crossings.services import crossing_group_create
    from tests.linkage.network_world import cross

    group = crossing_group_create(actor=officer, label="Bus")
    girl_crossing = cross(
        officer, surname=girl[0], given=girl[1], born=date(2008, 6, 1), group_id=group.pk, on=on
    )
    if escort is None:
        escort_crossing = cross(
            officer,
            surname="Nahak",
            given="Yosef",
            sex="M",
            born=date(1979, 1, 5),
            group_id=group.pk,
            on=on,
        )
    else:
        escort_crossing = _again(officer, escort, on=on, group_id=group.pk)
    return escort_crossing, girl_crossing


def _escort_findings(crossing: Crossing) -> list[dict[str, Any]]:
    crossing.refresh_from_db()
    return [r for r in crossing.screening.reasons if r["id"] == "PATTERN-ESCORT"]


@pytest.mark.parametrize("linked", [True, False])
def test_the_escort_pattern_fires_across_posts_over_confirmed_links(
    world: ReviewWorld, linked: bool
) -> None:
    o = world.officers
    at_wini, _a = _group_crossing(
        o["wini"], None, ("Tefa", "Ana"), datetime(2026, 9, 1, 8, tzinfo=UTC)
    )
    at_motaain, _b = _group_crossing(
        o["motaain"], None, ("Kolo", "Bete"), datetime(2026, 9, 20, 8, tzinfo=UTC)
    )
    at_motamasin, _c = _group_crossing(
        o["motamasin"], None, ("Mau", "Clara"), datetime(2026, 10, 5, 8, tzinfo=UTC)
    )
    for crossing, node in (
        (at_wini, "post-wini"),
        (at_motaain, "post-motaain"),
        (at_motamasin, "post-motamasin"),
    ):
        _from_node(crossing, node)
        # Each post saw one girl with him: no pattern at any single post.
        assert _escort_findings(crossing) == []
    assert len({at_wini.traveller_id, at_motaain.traveller_id, at_motamasin.traveller_id}) == 3
    if linked:
        _confirm(world, *(traveller_record(c) for c in (at_wini, at_motaain, at_motamasin)))
    again, _d = _group_crossing(
        o["motamasin"], at_motamasin, ("Seuk", "Dina"), datetime(2026, 10, 20, 8, tzinfo=UTC)
    )
    assert again.traveller_id == at_motamasin.traveller_id
    findings = _escort_findings(again)
    if linked:
        assert [(f["strength"], f["params"]["count"]) for f in findings] == [("strong", 4)]
        assert findings[0]["text_en"] == (
            "Yosef Nahak crossed with 4 different young women or children within 90 days."
        )
        assert Alert.objects.filter(crossing=again, kind="pattern").count() == 1
    else:
        assert findings == []


def test_a_worker_seen_at_two_posts_counts_once_behind_a_sponsor_phone(
    world: ReviewWorld,
) -> None:
    from tests.linkage.network_world import SPONSOR, cross

    o = world.officers
    on = datetime(2026, 11, 1, 8, tzinfo=UTC)
    first = cross(o["wini"], surname="Lake", given="Rosa", phone=SPONSOR, on=on)
    same = cross(o["motaain"], surname="Lake", given="Rosa", phone=SPONSOR, on=on)
    cross(o["motamasin"], surname="Bana", given="Sisi", phone=SPONSOR, on=on)
    _confirm(world, traveller_record(first), traveller_record(same))
    fourth = cross(o["motaain"], surname="Ati", given="Nela", phone=SPONSOR, on=on)
    fourth.refresh_from_db()
    sponsor = [r for r in fourth.screening.reasons if r["id"] == "PATTERN-SPONSOR-PHONE"]
    assert [r["params"]["count"] for r in sponsor] == [3]


# --- the quiet watch for a survivor known through a link ---------------------------------


def _case_shared_with_police(world: ReviewWorld, worker: User, *, watch: bool) -> LinkRecord:
    """A UPTD PPA case whose victim's identity is referred to the investigator's agency."""
    victim = victim_in_case(worker, consent_to_watch=watch)
    person = victim.record_id
    from lintas.cases.models import CasePerson

    case_person = CasePerson.objects.get(pk=person)
    consent_record(
        actor=worker,
        person=case_person,
        kind="disclose",
        method="written",
        agency=world.investigator.agency,
    )
    referral = referral_create(
        actor=worker, case=case_person.case, to_agency=world.investigator.agency, reason="Other"
    )
    referral_accept(actor=world.investigator, referral_id=referral.pk)
    return victim


@pytest.mark.parametrize("watch", [True, False])
def test_a_survivor_of_the_case_crossing_again_tells_the_case_worker_quietly(
    world: ReviewWorld, user_factory: Callable[..., User], watch: bool
) -> None:
    worker = user_factory(Role.CASE_WORKER)
    victim = _case_shared_with_police(world, worker, watch=watch)
    _confirm(world, world.records["wini"], victim)
    again = _again(
        world.officers["wini"], world.crossings["wini"], on=datetime(2026, 11, 28, 6, tzinfo=UTC)
    )
    quiet = Alert.objects.filter(crossing=again, audience=AlertAudience.CASE_WORKER)
    if not watch:
        assert not quiet.exists()
        return
    alert = quiet.get()
    assert (alert.recipient, alert.level, alert.kind, alert.watch_entry) == (
        worker,
        "high",
        "watch_list",
        None,
    )
    person = PersonRecord.objects.get(record=victim, undone_at__isnull=True).person_id
    case_reference = victim_case_reference(victim)
    assert alert.summary == {"linked_person": str(person), "case_reference": case_reference}
    assert alert in alerts_visible(user=worker)
    assert alert not in alerts_visible(user=world.supervisors["wini"])
    again.refresh_from_db()
    assert [r for r in again.screening.reasons if r["id"].startswith("WATCH")] == []


def victim_case_reference(victim: LinkRecord) -> str:
    from lintas.cases.models import CasePerson

    return str(CasePerson.objects.get(pk=victim.record_id).case.reference)


def test_a_survivor_on_the_watch_under_another_name_is_found_through_the_link(
    world: ReviewWorld, user_factory: Callable[..., User]
) -> None:
    from lintas.screening.watchlists import watch_entry_add, watch_list_create

    worker = user_factory(Role.CASE_WORKER)
    survivors = watch_list_create(actor=worker, kind="survivor", name="Penyintas")
    entry = watch_entry_add(
        actor=worker,
        watch_list=survivors,
        fields={"full_name": "Goreti Tefa Lopes", "sex": "F", "source": "UPTD/7"},
        consent_reference="Persetujuan 7/2026",
    )
    # Confirmed as one person (a reviewer with the case worker's knowledge), rows direct.
    person = Person.objects.create(created_by=world.investigator)
    for link in (world.records["wini"], record(RecordSource.WATCH_ENTRY, entry.pk)):
        PersonRecord.objects.create(person=person, record=link, confirmed_by=world.investigator)
    again = _again(
        world.officers["wini"], world.crossings["wini"], on=datetime(2026, 11, 28, 6, tzinfo=UTC)
    )
    alert = Alert.objects.get(crossing=again, audience=AlertAudience.CASE_WORKER)
    assert (alert.recipient, alert.watch_entry) == (worker, entry)
    assert alert.summary == {"linked_person": str(person.pk)}
