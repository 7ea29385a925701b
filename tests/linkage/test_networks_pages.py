"""The network pages: who may open them, what each reader sees, and at what cost."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client, override_settings

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.linkage.models import LinkRecord, NetworkAlert, Person, PersonRecord
from lintas.linkage.network_alerts import network_alerts_raise
from lintas.linkage.network_queries import network_current_forget
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from tests.linkage.network_world import SPONSOR, World, cross, star_world

pytestmark = pytest.mark.django_db

NETWORK = "/linkage/networks/"
ALERTS = "/linkage/networks/alerts/"
WORKERS = ("Maria Bria", "Yuliana Seran", "Agustina Taek", "Veronika Luan")


def _html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


@pytest.fixture
def world(user_factory: Callable[..., User]) -> Iterator[World]:
    network_current_forget()
    yield star_world(user_factory)
    network_current_forget()


@pytest.mark.parametrize(
    ("role", "network", "alerts"),
    [
        (Role.POST_OFFICER, 403, 403),
        (Role.MARKET_REGISTRAR, 403, 403),
        (Role.SUPERVISOR, 403, 403),
        (Role.INVESTIGATOR, 200, 200),
        (Role.CASE_WORKER, 403, 403),
        (Role.OUTREACH_COORDINATOR, 403, 403),
        (Role.ANALYST, 200, 403),
        (Role.AGENCY_ADMIN, 403, 403),
        (Role.SYSTEM_ADMIN, 403, 403),
    ],
)
def test_who_may_open_the_network_pages(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    role: str,
    network: int,
    alerts: int,
) -> None:
    client = login_client(user_factory(role))
    assert client.get(NETWORK).status_code == network
    assert client.get(ALERTS).status_code == alerts
    assert client.post(NETWORK).status_code == 405
    # Acknowledging is for investigators; nobody else changes an alert.
    cross(world.officers["wini"], surname="Kase", given="Natalia", recruiter="Yosef Nahak")
    network_alerts_raise()
    investigator = user_factory(Role.INVESTIGATOR)
    known = watch_list_create(actor=investigator, kind="known_recruiter", name="Perekrut")
    watch_entry_add(
        actor=investigator,
        watch_list=known,
        fields={"full_name": "Yosef Nahak", "sex": "M", "nationality": "IDN", "source": "P/1"},
    )
    network_alerts_raise()
    alert = NetworkAlert.objects.get()
    response = client.post(ALERTS, {"alert": str(alert.pk), "version": "1"})
    assert response.status_code == (302 if alerts == 200 else 403)
    alert.refresh_from_db()
    assert alert.status == ("acknowledged" if alerts == 200 else "open")


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    client = Client()
    for url in (NETWORK, ALERTS):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={url}",
        )
    assert client.post(ALERTS, {"alert": "x", "version": "1"}).status_code == 302


def test_the_investigator_finds_the_phone_and_its_four_workers(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[[int], object],
) -> None:
    client = login_client(user_factory(Role.INVESTIGATOR))
    # Session and user (2), the reader's cases (2), the records' fingerprint (5) and, on a
    # first read, the network (6).
    with django_assert_num_queries(15):  # type: ignore[attr-defined]
        response = client.get(NETWORK, {"q": "0812 3456 7890"})
    html = _html(response)
    assert response.status_code == 200
    assert f"{SPONSOR} dan semua yang berjarak dua langkah" in html
    assert html.count('data-node="person"') == 4
    assert html.count('data-node="phone"') == 1
    assert html.count('data-edge="') == 4
    for name in WORKERS:
        assert name in html
    for n in range(1, 5):
        assert f'id="edge-{n}"' in html
    assert html.count("Perlintasan · 2026-11-03 · PLBN Motaain") == 2
    assert html.count("Perlintasan · 2026-11-03 · PLBN Motamasin") == 2
    central = html.split("data-central")[1].split("</table>")[0]
    assert central.index(SPONSOR) < min(central.index(n) for n in WORKERS)


def test_the_analyst_sees_the_same_star_without_names_or_phones(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[[int], object],
) -> None:
    client = login_client(user_factory(Role.ANALYST))
    with django_assert_num_queries(13):  # type: ignore[attr-defined]
        response = client.get(NETWORK)
    html = _html(response)
    # A search or a node named by the analyst is ignored: the same picture comes back.
    probing = _html(client.get(NETWORK, {"q": "0812 3456 7890", "node": f"phone:{SPONSOR}"}))
    assert probing.split("<main>")[1] == html.split("<main>")[1]
    assert response.status_code == 200
    for secret in (
        *WORKERS,
        "Maria",
        "Bria",
        SPONSOR,
        "81234567890",
        "Motaain",
        "Motamasin",
        "2026-11-03",
        "traveller:",
        "phone:",
        *(str(c.pk) for c in world.workers),
        *(str(c.traveller_id) for c in world.workers),
    ):
        assert secret not in html, secret
    for label in ("Telepon 1", "Orang 1", "Orang 2", "Orang 3", "Orang 4"):
        assert f">{label}</text>" in html
    assert "Orang 5" not in html
    assert html.count("1 perlintasan") == 4
    assert 'name="q"' not in html  # no search for the analyst
    assert '<a href="?node' not in html


def test_a_case_suspect_is_named_to_his_agency_and_not_to_another(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
) -> None:
    own = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=own, summary="Perekrutan ke Dili")
    case_person_add(
        actor=own,
        case=case,
        data=PersonData(role="suspect", first_name="Dominggus", second_name="Laka", phone=SPONSOR),
    )
    mine = _html(login_client(own).get(NETWORK, {"node": f"phone:{SPONSOR}"}))
    theirs = _html(
        login_client(user_factory(Role.INVESTIGATOR)).get(NETWORK, {"node": f"phone:{SPONSOR}"})
    )
    assert "Dominggus Laka" in mine
    assert f'href="/cases/{case.pk}/"' in mine
    assert "Dominggus" not in theirs
    assert "Orang dalam kasus lembaga lain" in theirs
    assert f"/cases/{case.pk}/" not in theirs
    assert "Kasus lembaga lain" in theirs


def test_a_victims_name_shown_is_written_to_the_access_log(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
) -> None:
    investigator = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=investigator, summary="Korban")
    case_person_add(
        actor=investigator, case=case, data=PersonData(role="suspect", first_name="Dominggus")
    )
    victim = case_person_add(
        actor=investigator, case=case, data=PersonData(role="victim", first_name="Maria")
    )
    person = Person.objects.create(created_by=investigator)
    for source, record_id in (
        ("traveller", world.workers[0].traveller_id),
        ("case_person", victim.pk),
    ):
        PersonRecord.objects.create(
            person=person,
            record=LinkRecord.objects.create(source=source, record_id=record_id),
            confirmed_by=investigator,
        )
    before = AuditEntry.objects.filter(action="read.victim_identity").count()
    login_client(user_factory(Role.ANALYST)).get(NETWORK)
    assert AuditEntry.objects.filter(action="read.victim_identity").count() == before
    html = _html(login_client(investigator).get(NETWORK, {"node": f"phone:{SPONSOR}"}))
    assert "Maria Bria" in html
    reads = AuditEntry.objects.filter(action="read.victim_identity")
    assert [(e.actor_id, e.object_type, e.object_id) for e in reads[before:]] == [
        (investigator.pk, "linkage.network_person", f"person:{person.pk}")
    ]


def test_bad_input_gets_a_page_not_an_error(
    world: World, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(Role.INVESTIGATOR))
    for params in (
        {"q": ""},
        {"q": "x" * 10_000},
        {"node": "phone:+62000"},
        {"community": "abc"},
        {"community": "99999999"},
        {"q": "Yohana"},
    ):
        response = client.get(NETWORK, params)
        assert response.status_code == 200, params
    assert "Tidak ada yang cocok di jaringan." in _html(client.get(NETWORK, {"q": "Yohana"}))
    assert client.get(NETWORK, {"q": "a\x00b"}).status_code == 400
    for alert in ("not-a-uuid", "01a2359a-0000-7000-8000-000000000000", ""):
        response = client.post(ALERTS, {"alert": alert, "version": "x"}, follow=True)
        assert response.status_code == 200
        assert "Peringatan tidak ditemukan." in _html(response)
    assert NetworkAlert.objects.count() == 0


def test_the_alert_list_and_one_acknowledgement_per_alert(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[[int], object],
) -> None:
    network_alerts_raise()
    own = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=own, summary="Perekrutan")
    case_person_add(
        actor=own,
        case=case,
        data=PersonData(role="suspect", first_name="Dominggus", second_name="Laka", phone=SPONSOR),
    )
    [alert] = network_alerts_raise()
    mine = login_client(own)
    with django_assert_num_queries(16):  # type: ignore[attr-defined]
        html = _html(mine.get(ALERTS))
    assert html.count("<tr>") == 2
    assert "Dominggus Laka" in html
    assert f"{SPONSOR}</td>" in html
    assert "Telepon tersangka" in html

    # Another agency's investigator neither sees nor takes it.
    theirs = login_client(user_factory(Role.INVESTIGATOR))
    assert "Dominggus" not in _html(theirs.get(ALERTS))
    response = theirs.post(ALERTS, {"alert": str(alert.pk), "version": "1"}, follow=True)
    assert "Peringatan tidak ditemukan." in _html(response)
    alert.refresh_from_db()
    assert (alert.status, alert.version) == ("open", 1)

    response = mine.post(ALERTS, {"alert": str(alert.pk), "version": "1"}, follow=True)
    assert "Peringatan ditindaklanjuti." in _html(response)
    response = mine.post(ALERTS, {"alert": str(alert.pk), "version": "1"}, follow=True)
    assert "Peringatan ini sudah ditindaklanjuti." in _html(response)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.version) == ("acknowledged", own, 2)


def test_a_post_node_has_no_network(
    world: World, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(Role.INVESTIGATOR))
    with override_settings(LINTAS_NODE="post-motaain"):
        assert client.get(NETWORK).status_code == 403
        assert client.get(ALERTS).status_code == 403
        assert client.post(ALERTS, {"alert": "x", "version": "1"}).status_code == 403


def test_the_network_is_kept_until_its_records_change(
    world: World,
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[[int], object],
) -> None:
    client = login_client(user_factory(Role.INVESTIGATOR))
    client.get(NETWORK)
    with django_assert_num_queries(9):  # type: ignore[attr-defined]
        html = _html(client.get(NETWORK, {"node": f"phone:{SPONSOR}"}))
    assert html.count('data-node="person"') == 4
    cross(world.officers["wini"], surname="Nome", given="Sisilia", phone="0812 3456 7890")
    html = _html(client.get(NETWORK, {"node": f"phone:{SPONSOR}"}))
    assert html.count('data-node="person"') == 5
    assert "Sisilia Nome" in html
