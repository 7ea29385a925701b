"""A new connection that joins a known suspect raises one network alert, never two."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.common.errors import Conflict, NotFound, PermissionDenied
from lintas.linkage.models import LinkRecord, NetworkAlert, NetworkEdgeSeen, Person, PersonRecord
from lintas.linkage.network_alerts import (
    network_alert_acknowledge,
    network_alerts_raise,
    network_alerts_visible,
)
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from tests.linkage.network_world import SPONSOR, cross, recruiter_world

pytestmark = pytest.mark.django_db

PHONE = f"phone:{SPONSOR}"
RECRUITER = "recruiter:yosef nahak"


def _watch_recruiter(investigator: User, name: str = "Yosef Nahak") -> str:
    known = watch_list_create(actor=investigator, kind="known_recruiter", name="Perekrut dikenal")
    entry = watch_entry_add(
        actor=investigator,
        watch_list=known,
        fields={"full_name": name, "sex": "M", "nationality": "IDN", "source": "Polda NTT"},
    )
    return f"watch_entry:{entry.pk}"


def test_no_suspect_no_alert_and_every_record_is_seen(user_factory: Callable[..., User]) -> None:
    recruiter_world(user_factory)
    assert network_alerts_raise() == []
    assert NetworkEdgeSeen.objects.count() == 7  # 5 sponsor phones, 2 recruiter names


def test_a_watch_listed_recruiter_and_a_new_worker_raise_once_each(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    network_alerts_raise()
    investigator = user_factory(Role.INVESTIGATOR)
    entry = _watch_recruiter(investigator)

    # The name on the watch list is the recruiter two workers named: that edge is new.
    raised = network_alerts_raise()
    assert [(a.suspect_node, a.other_node, a.edge_kinds, a.agency_id) for a in raised] == [
        (entry, RECRUITER, ["name_of"], None)
    ]
    assert network_alerts_raise() == []

    # A sixth worker names him: a new edge to a suspect's name.
    sixth = cross(
        world.officers["wini"], surname="Nome", given="Sisilia", recruiter="Bpk. Yosef Nahak"
    )
    raised = network_alerts_raise()
    assert [(a.suspect_node, a.other_node, a.edge_kinds) for a in raised] == [
        (RECRUITER, f"traveller:{sixth.traveller_id}", ["recruiter"])
    ]
    assert network_alerts_raise() == []
    assert NetworkAlert.objects.count() == 2
    assert AuditEntry.objects.filter(action="network_alert.raise").count() == 2


def test_a_first_pass_with_suspect_and_workers_new_together_alerts_on_the_workers_only(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    entry = _watch_recruiter(user_factory(Role.INVESTIGATOR))
    raised = network_alerts_raise()
    # Both workers' edges to the name raise; the name's edge to the watch list does not
    # (nobody stood behind the name before this pass).
    assert sorted((a.suspect_node, a.other_node) for a in raised) == sorted(
        (RECRUITER, world.node(c))
        for c in (world.workers[0], world.fifth)  # type: ignore[arg-type]
    )
    assert entry not in {a.suspect_node for a in raised}
    assert network_alerts_raise() == []


def test_a_case_suspect_with_the_sponsor_phone_alerts_his_agency_only(
    user_factory: Callable[..., User],
) -> None:
    recruiter_world(user_factory)
    network_alerts_raise()
    own = user_factory(Role.INVESTIGATOR)
    other = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=own, summary="Perekrutan")
    suspect = case_person_add(
        actor=own,
        case=case,
        data=PersonData(role="suspect", first_name="Dominggus", phone="081234567890"),
    )
    victim = case_person_add(actor=own, case=case, data=PersonData(role="victim", first_name="Ani"))
    raised = network_alerts_raise()
    # The suspect's phone had four workers behind it; the case's own victim raises nothing.
    assert [(a.suspect_node, a.other_node, a.edge_kinds) for a in raised] == [
        (f"case_person:{suspect.pk}", PHONE, ["phone_of"])
    ]
    assert raised[0].agency_id == own.agency_id
    assert list(network_alerts_visible(user=own)) == raised
    assert list(network_alerts_visible(user=other)) == []
    assert f"case_person:{victim.pk}" not in {a.other_node for a in raised}
    with pytest.raises(PermissionDenied):
        network_alerts_visible(user=user_factory(Role.ANALYST))


def test_a_confirmation_that_moves_an_edge_raises_nothing_again(
    user_factory: Callable[..., User],
) -> None:
    world = recruiter_world(user_factory)
    investigator = user_factory(Role.INVESTIGATOR)
    _watch_recruiter(investigator)
    assert len(network_alerts_raise()) == 2
    # The first worker is confirmed to be a person: her node changes, her records do not.
    person = Person.objects.create(created_by=investigator)
    record = LinkRecord.objects.create(source="traveller", record_id=world.workers[0].traveller_id)
    PersonRecord.objects.create(person=person, record=record, confirmed_by=investigator)
    assert network_alerts_raise() == []
    assert NetworkAlert.objects.count() == 2


def test_acknowledging_once_and_refusing_the_second(user_factory: Callable[..., User]) -> None:
    recruiter_world(user_factory)
    investigator = user_factory(Role.INVESTIGATOR)
    _watch_recruiter(investigator)
    alert = network_alerts_raise()[0]
    done = network_alert_acknowledge(actor=investigator, alert_id=alert.pk, version=1)
    assert (done.status, done.acknowledged_by, done.version) == ("acknowledged", investigator, 2)
    with pytest.raises(Conflict):
        network_alert_acknowledge(
            actor=user_factory(Role.INVESTIGATOR), alert_id=alert.pk, version=1
        )
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.version) == (investigator, 2)
    with pytest.raises(NotFound):
        network_alert_acknowledge(
            actor=investigator, alert_id="01a2359a-0000-7000-8000-000000000000", version=1
        )
