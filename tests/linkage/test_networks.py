"""The network built from crossings, cases, watch lists and tips: exact nodes and edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.cases.tips import tip_submit
from lintas.crossings.services import crossing_group_create
from lintas.linkage.models import LinkRecord, Person, PersonRecord, RecordSource
from lintas.linkage.network_picture import picture_of
from lintas.linkage.network_queries import (
    central_members,
    communities,
    neighbourhood,
    nodes_matching,
)
from lintas.linkage.networks import (
    NodeData,
    fold_text,
    licence_key,
    network_build,
    phones_in_text,
    recruiter_key,
)
from lintas.screening.models import WatchListEntry
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from tests.linkage.network_world import OTHER_PHONE, SPONSOR, cross, officers, recruiter_world

pytestmark = pytest.mark.django_db

PHONE = f"phone:{SPONSOR}"
RECRUITER = "recruiter:yosef nahak"


def _edges(graph: nx.Graph) -> set[tuple[frozenset[str], tuple[str, ...]]]:
    return {(frozenset((u, v)), tuple(a["kinds"])) for u, v, a in graph.edges(data=True)}


def test_a_recruiter_phone_behind_four_workers_at_two_posts_is_a_star(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    graph = network_build()
    star = graph.subgraph([PHONE, *graph[PHONE]])
    workers = {world.node(c) for c in world.workers}
    assert set(star.nodes) == {PHONE, *workers}
    assert _edges(star) == {(frozenset((PHONE, w)), ("sponsor",)) for w in workers}
    behind = {
        (e.source, e.record_id, e.post, e.on)
        for w in workers
        for e in graph.edges[PHONE, w]["evidence"]
    }
    assert behind == {
        ("crossing", str(c.pk), c.post.name, date(2026, 11, 3)) for c in world.workers
    }
    assert sorted(c.post.name for c in world.workers) == [
        "PLBN Motaain",
        "PLBN Motaain",
        "PLBN Motamasin",
        "PLBN Motamasin",
    ]


def test_the_neighbourhood_reaches_two_steps_and_no_further(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    graph = network_build()
    first = world.node(world.workers[0])
    fifth = world.node(world.fifth)  # type: ignore[arg-type]
    two = neighbourhood(graph, PHONE, steps=2)
    assert set(two.nodes) == {PHONE, RECRUITER, *(world.node(c) for c in world.workers)}
    assert _edges(two) == {
        *((frozenset((PHONE, world.node(c))), ("sponsor",)) for c in world.workers),
        (frozenset((first, RECRUITER)), ("recruiter",)),
    }
    # The recruiter named "Pak Yosef Nahak" and "Yosef  NAHAK" is one node: three steps
    # from the phone is the fifth worker, four her own phone.
    assert fifth not in two
    assert set(neighbourhood(graph, PHONE, steps=3).nodes) == {*two.nodes, fifth}
    assert neighbourhood(graph, "phone:+620000", steps=2).number_of_nodes() == 0


def test_the_sponsor_phone_is_the_most_central_member(user_factory: Callable[..., User]) -> None:
    world = recruiter_world(user_factory)
    graph = network_build()
    ranked = central_members(graph, top=3)
    assert [c.node for c in ranked] == [PHONE, world.node(world.workers[0]), RECRUITER]
    assert [c.degree for c in ranked] == [4, 2, 2]
    assert ranked[0].betweenness == pytest.approx(15 / 21, abs=1e-4)
    groups = communities(graph)
    assert sum(len(g) for g in groups) == 8
    assert groups == communities(network_build())  # the seed is fixed


def test_search_by_any_written_phone_or_by_part_of_a_name(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    graph = network_build()
    assert nodes_matching(graph, "0812 3456 7890") == [PHONE]
    assert nodes_matching(graph, "yosef") == [RECRUITER]
    assert nodes_matching(graph, "VERONIKA") == [world.node(world.workers[3])]
    assert nodes_matching(graph, "ab") == []
    assert nodes_matching(graph, "") == []
    assert nodes_matching(graph, "x" * 5000) == []


def test_normalising_names_licences_and_phones() -> None:
    assert recruiter_key("Bapak  Yosef NAHAK, S.H.") == "yosef nahak"
    assert recruiter_key("Pak") == ""
    assert fold_text("PT. Sinar  Jaya Abadi") == "pt sinar jaya abadi"
    assert licence_key(" kep. 123/pptkis ") == "KEP123/PPTKIS"
    assert phones_in_text("hubungi 0812-3456-7890 atau +670 7723 4567, 0812 3456 7890") == [
        SPONSOR,
        "+67077234567",
    ]
    assert phones_in_text("") == []


def test_an_escort_with_young_women_of_another_family(user_factory: Callable[..., User]) -> None:
    posts = officers(user_factory)
    group = crossing_group_create(actor=posts["motaain"], label="Bus Atambua")
    escort = cross(
        posts["motaain"],
        surname="Mali",
        given="Kornelis",
        sex="M",
        born=date(1975, 1, 1),
        group_id=group.pk,
    )
    young = [
        cross(posts["motaain"], surname=s, given="Ana", group_id=group.pk)
        for s in ("Tefa", "Nenobais")
    ]
    daughter = cross(posts["motaain"], surname="Mali", given="Lusia", group_id=group.pk)
    graph = network_build()
    e = f"traveller:{escort.traveller_id}"
    assert _edges(graph) == {
        (frozenset((e, f"traveller:{c.traveller_id}")), ("escort",)) for c in young
    }
    assert f"traveller:{daughter.traveller_id}" not in graph


def test_a_confirmed_person_is_one_node_joining_a_crossing_and_a_case(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    investigator = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=investigator, summary="Perekrutan ke Dili")
    suspect = case_person_add(
        actor=investigator,
        case=case,
        data=PersonData(
            role="suspect", first_name="Yosef", second_name="Nahak", phone="0812 3456 7890"
        ),
    )
    victim = case_person_add(
        actor=investigator, case=case, data=PersonData(role="victim", first_name="Maria")
    )
    person = Person.objects.create(created_by=investigator)
    for source, record_id in (
        (RecordSource.TRAVELLER, world.workers[0].traveller_id),
        (RecordSource.CASE_PERSON, victim.pk),
    ):
        record = LinkRecord.objects.create(source=source, record_id=record_id)
        PersonRecord.objects.create(person=person, record=record, confirmed_by=investigator)
    graph = network_build()
    maria = f"person:{person.pk}"
    s = f"case_person:{suspect.pk}"
    assert world.node(world.workers[0]) not in graph
    assert graph.nodes[maria]["data"].label == "Maria Bria"
    assert graph.nodes[maria]["data"].records == {
        (RecordSource.TRAVELLER, str(world.workers[0].traveller_id)),
        (RecordSource.CASE_PERSON, str(victim.pk)),
    }
    assert set(graph[maria]) == {PHONE, RECRUITER, s}
    assert set(graph[s]) == {maria, PHONE, RECRUITER}
    assert graph.edges[s, maria]["kinds"] == ["case"]
    assert graph.edges[s, PHONE]["kinds"] == ["phone_of"]
    assert graph.edges[s, RECRUITER]["kinds"] == ["name_of"]
    assert graph.nodes[s]["data"].suspect is True
    # Undone, the confirmation no longer joins them.
    PersonRecord.objects.update(undone_at=case.created_at, undone_by=investigator)
    assert maria not in network_build()


def test_the_network_is_read_in_six_queries_whatever_its_size(
    user_factory: Callable[..., User],
) -> None:
    recruiter_world(user_factory)
    with CaptureQueriesContext(connection) as small:
        network_build()
    posts = officers(user_factory)
    for n in range(6):
        cross(posts["wini"], surname=f"Pekerja{n}", given="Rina", phone=OTHER_PHONE)
    with CaptureQueriesContext(connection) as large:
        graph = network_build()
    assert (len(small), len(large)) == (6, 6)
    assert graph.degree(f"phone:{OTHER_PHONE}") == 7


def test_a_tip_joins_the_phone_it_names_but_never_the_reporters_own(
    user_factory: Callable[..., User],
) -> None:
    recruiter_world(user_factory)
    tip = tip_submit(
        body="Orang ini minta uang, nomornya 0812 3456 7890, bawa anak-anak ke Dili",
        contact_phone="081399998888",
    ).tip
    graph = network_build()
    key = f"tip:{tip.pk}"
    assert set(graph[key]) == {PHONE}
    assert graph.edges[key, PHONE]["kinds"] == ["tip_phone"]
    assert [(e.source, e.record_id) for e in graph.edges[key, PHONE]["evidence"]] == [
        ("tip", str(tip.pk))
    ]
    assert "phone:+6281399998888" not in graph
    assert graph.degree(PHONE) == 5


def test_a_watch_listed_recruiter_is_a_suspect_until_the_entry_expires(
    user_factory: Callable[..., User],
) -> None:
    recruiter_world(user_factory)
    investigator = user_factory(Role.INVESTIGATOR)
    known = watch_list_create(actor=investigator, kind="known_recruiter", name="Perekrut")
    entry = watch_entry_add(
        actor=investigator,
        watch_list=known,
        fields={"full_name": "Sdr. Yosef Nahak", "sex": "M", "nationality": "IDN", "source": "P/1"},
    )
    graph = network_build()
    key = f"watch_entry:{entry.pk}"
    assert graph.edges[key, RECRUITER]["kinds"] == ["name_of"]
    assert graph.nodes[key]["data"].suspect is True
    WatchListEntry.objects.filter(pk=entry.pk).update(expires_on=date(2020, 1, 1))
    assert key not in network_build()


def test_a_picture_draws_at_most_150_members_the_focus_first() -> None:
    graph = nx.Graph()
    phone = "phone:+6281200000000"
    graph.add_node(phone, data=NodeData(kind="phone", label="+6281200000000"))
    for n in range(199):
        graph.add_node(f"traveller:{n:03d}", data=NodeData(kind="person", label=f"Orang {n}"))
        graph.add_edge(phone, f"traveller:{n:03d}", kinds=["sponsor"], evidence=[], weight=1)
    graph.add_node("traveller:lone", data=NodeData(kind="person", label="Sendiri"))
    graph.add_edge("traveller:lone", "traveller:000", kinds=["escort"], evidence=[], weight=1)
    picture = picture_of(graph, focus="traveller:lone")
    assert (len(picture.nodes), picture.left_out) == (150, 51)
    assert [n.key for n in picture.nodes if n.focus] == ["traveller:lone"]
    # The focus, the phone, the worker the focus knows, then 147 workers by key.
    assert len(picture.edges) == 149
    assert {(e.a, e.b) for e in picture.edges if "lone" in e.b} == {
        ("traveller:000", "traveller:lone")
    }
    picture_of(graph.subgraph(["traveller:lone", "traveller:005"]))  # no edge at all: drawn too
