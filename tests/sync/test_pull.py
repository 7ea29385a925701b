"""Pull: what the hub sends each node (its feed), and how a node applies it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from pytest_django.fixtures import Settings

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import agency_create, user_update
from lintas.audit.models import AuditEntry
from lintas.common.errors import PermissionDenied
from lintas.common.ids import uuid7
from lintas.crossings.models import Crossing
from lintas.places.models import EntryPoint, Post
from lintas.screening.models import RuleSet
from lintas.screening.services import ruleset_seed
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from lintas.sync.apply_pull import apply_page
from lintas.sync.feed import build_page, dataset_snapshot
from lintas.sync.models import HubLink, OutboxEvent, SyncNode
from lintas.sync.protocol import SyncError
from lintas.sync.records import record_state
from lintas.sync.registry import DATASETS
from tests.factories import make_agency
from tests.sync.conftest import node_crossing
from tests.sync.helpers import FakeNode

pytestmark = pytest.mark.django_db


def page_of(node: FakeNode, **data: Any) -> dict[str, Any]:
    return build_page(SyncNode.objects.get(pk=node.code), data)


def items(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in page["items"]}


# --- the hub's feed ---------------------------------------------------------------------


def test_officers_of_the_post_come_with_their_password_hash(
    node: FakeNode, user_factory: Callable[..., User]
) -> None:
    mine = user_factory(Role.POST_OFFICER, post=Post.objects.get(code="motaain"))
    elsewhere = user_factory(Role.POST_OFFICER, post=Post.objects.get(code="wini"))
    admin = user_factory(Role.SYSTEM_ADMIN)
    got = items(page_of(node))
    assert got[str(mine.pk)]["state"]["password"] == mine.password
    assert "password" not in got[str(elsewhere.pk)]["state"]
    assert "password" not in got[str(admin.pk)]["state"]
    assert got[str(mine.agency_id)]["model"] == "accounts.agency"
    assert got[str(elsewhere.agency_id)]["model"] == "accounts.agency"


def test_rule_sets_and_watch_lists_go_to_every_node(
    node: FakeNode, user_factory: Callable[..., User]
) -> None:
    wini = FakeNode(code="post-wini", post="wini")
    ruleset_seed()  # the shipped rule set, unless the reference data brought it already
    ruleset = RuleSet.objects.get(status="active")
    investigator = user_factory(Role.INVESTIGATOR)
    watch_list = watch_list_create(actor=investigator, kind="known_recruiter", name="Perekrut")
    for receiver in (node, wini):
        got = items(page_of(receiver))
        assert got[str(ruleset.pk)]["model"] == "screening.ruleset"
        assert got[str(ruleset.pk)]["state"]["indicators"] == ruleset.indicators
        assert got[str(watch_list.pk)]["model"] == "screening.watchlist"


def test_an_agency_made_at_a_node_is_refused_and_reaches_no_node(node: FakeNode) -> None:
    wini = FakeNode(code="post-wini", post="wini")
    agency = Agency(
        id=uuid7(), origin="post-motaain", code="ngo-motaain", name="Yayasan", type="NGO"
    )
    response = node.push(node.batch([node.event(agency)], after=0))
    assert response.status_code == 403
    assert node.data(response)["code"] == "policy.hub_only"
    assert not Agency.objects.filter(pk=agency.pk).exists()
    assert str(agency.pk) not in items(page_of(wini))


def test_records_of_other_nodes_are_not_sent(
    node: FakeNode, hub_officer: User, wini_officer: User
) -> None:
    other = FakeNode(code="post-wini", post="wini")
    theirs = node_crossing(wini_officer, origin="post-wini")
    assert (
        other.push(other.batch([other.event(r) for r in theirs.records], after=0)).status_code
        == 200
    )
    assert str(theirs.crossing.pk) not in items(page_of(node))
    assert Crossing.objects.filter(pk=theirs.crossing.pk).exists()


def test_urgent_items_overtake_the_backlog(
    node: FakeNode, user_factory: Callable[..., User]
) -> None:
    agencies = [make_agency(name=f"Backlog {i}") for i in range(6)]
    investigator = user_factory(Role.INVESTIGATOR)
    watch_list = watch_list_create(actor=investigator, kind="wanted_suspect", name="DPO NTT")
    entry = watch_entry_add(
        actor=investigator,
        watch_list=watch_list,
        fields={"full_name": "Yakobus Nahak", "source": "Polda NTT"},
    )
    start = OutboxEvent.objects.filter(model="accounts.agency").order_by("id").first()
    assert start is not None
    cursor = {"id": start.pk, "event_id": str(start.event_id)}
    page = page_of(node, cursor=cursor, limit=3)
    assert page["items"][0] == {
        "model": "screening.watchlistentry",
        "id": str(entry.pk),
        "urgent": True,
        "state": record_state(entry),
    }
    assert [i["urgent"] for i in page["items"]] == [True, False, False, False]
    assert page["more"] is True
    # The cursor stays before the urgent entry: it comes again in its turn, harmlessly.
    assert page["cursor"]["id"] < OutboxEvent.objects.get(record_id=str(entry.pk)).pk
    assert str(agencies[-1].pk) not in items(page)


def test_a_cursor_the_hub_does_not_know_starts_the_feed_over(node: FakeNode) -> None:
    agency = make_agency(name="Before the restore")
    newest = OutboxEvent.objects.order_by("-id").first()
    assert newest is not None
    page = page_of(node, cursor={"id": newest.pk, "event_id": str(uuid7())})
    assert page["reset"] is True
    assert str(agency.pk) in items(page)
    same = page_of(node, cursor={"id": newest.pk, "event_id": str(newest.event_id)})
    assert (same["reset"], same["items"], same["more"]) == (False, [], False)


def test_reference_data_travels_when_its_digest_differs(node: FakeNode) -> None:
    page = page_of(node)
    assert set(page["datasets"]) == {"places", "plb"}
    posts = page["datasets"]["places"]["tables"]["places.post"]
    assert {r[posts["fields"].index("code")] for r in posts["rows"]} == {
        "motaain",
        "motamasin",
        "wini",
    }
    known = {d.name: dataset_snapshot(d)[0] for d in DATASETS}
    assert page_of(node, datasets=known)["datasets"] == {}


# --- the node applies -------------------------------------------------------------------


@pytest.fixture
def as_node(settings: Settings, reference: None) -> HubLink:
    """This database plays the Motaain node, enrolled with a hub."""
    settings.LINTAS_NODE = "post-motaain"
    return HubLink.objects.create(
        hub_url="http://127.0.0.1:9",
        node="post-motaain",
        private_key="0" * 64,
        hub_public_key="0" * 64,
        enrolled_at=timezone.now(),
    )


def hub_user(
    agency: Agency, post: str | None, *, username: str = "", role: str = Role.POST_OFFICER
) -> User:
    """An account as the hub holds it (not saved here)."""
    return User(
        id=uuid7(),
        origin="hub",
        username=username or f"hub.user.{uuid7().hex[-6:]}",
        full_name="Dari Hub",
        agency=agency,
        role=role,
        post_id=post,
        password=make_password("kata-sandi-hub-2026"),
        password_changed_at=timezone.now(),
    )


def hub_agency() -> Agency:
    return Agency(
        id=uuid7(),
        origin="hub",
        code=f"hub-{uuid7().hex[-6:]}",
        name="Imigrasi Atambua",
        type=AgencyType.IMMIGRATION,
    )


def item(instance: Any, *, secret: bool = False) -> dict[str, Any]:
    return {
        "model": instance._meta.label_lower,
        "id": str(instance.pk),
        "urgent": False,
        "state": record_state(instance, with_secrets=secret),
    }


def page(*entries: dict[str, Any], cursor: int = 7, **extra: Any) -> dict[str, Any]:
    return {
        "items": list(entries),
        "cursor": {"id": cursor, "event_id": str(uuid7())},
        "more": False,
        **extra,
    }


def test_node_applies_accounts_and_moves_its_cursor(as_node: HubLink) -> None:
    agency = hub_agency()
    officer = hub_user(agency, "motaain", username="petugas.motaain")
    visitor = hub_user(agency, "wini", username="petugas.wini")
    outbox_before = OutboxEvent.objects.count()
    report = apply_page(
        page(item(agency), item(officer, secret=True), item(visitor)),
        started_at=timezone.now(),
    )
    assert (report.items, report.kept_local) == (3, 0)
    here = User.objects.get(username="petugas.motaain")
    assert here.check_password("kata-sandi-hub-2026")
    assert (here.origin, here.agency_id) == ("hub", agency.pk)
    assert not User.objects.get(username="petugas.wini").has_usable_password()
    link = HubLink.objects.get()
    assert link.feed_id == 7
    assert OutboxEvent.objects.count() == outbox_before  # nothing echoes back to the hub
    last = AuditEntry.objects.filter(node="post-motaain").order_by("-seq").first()
    assert last is not None
    assert (last.action, last.fields) == ("sync.pull", "datasets,items")


def test_a_newer_password_set_at_the_post_is_kept(as_node: HubLink) -> None:
    agency = hub_agency()
    officer = hub_user(agency, "motaain")
    apply_page(page(item(agency), item(officer, secret=True)), started_at=timezone.now())
    here = User.objects.get(pk=officer.pk)
    here.set_password("diganti-di-pos-2026")
    here.password_changed_at = timezone.now()
    here.failed_logins = 2
    here.save()
    officer.full_name = "Nama Dari Hub"
    apply_page(page(item(officer, secret=True)), started_at=timezone.now())
    here = User.objects.get(pk=officer.pk)
    assert here.full_name == "Nama Dari Hub"
    assert here.check_password("diganti-di-pos-2026")
    assert here.failed_logins == 2


def test_an_account_edit_at_a_node_is_refused_there(as_node: HubLink) -> None:
    agency = hub_agency()
    officer = hub_user(agency, "motaain")
    admin = hub_user(agency, "motaain", username="admin.pos", role=Role.AGENCY_ADMIN)
    apply_page(page(item(agency), item(officer), item(admin)), started_at=timezone.now())
    events = OutboxEvent.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        user_update(
            actor=User.objects.get(pk=admin.pk),
            user=User.objects.get(pk=officer.pk),
            full_name="Diubah Di Pos",
        )
    assert refused.value.code == "hub_only"
    assert User.objects.get(pk=officer.pk).full_name == officer.full_name
    assert OutboxEvent.objects.count() == events


def test_a_record_this_node_owns_is_never_taken_from_the_hub(
    officer: User, as_node: HubLink
) -> None:
    made = node_crossing(officer, origin="post-motaain")
    for record in made.records:
        record.save()
    made.crossing.notes = "changed elsewhere"
    report = apply_page(page(item(made.crossing)), started_at=timezone.now())
    assert (report.items, report.kept_local) == (0, 1)
    assert Crossing.objects.get(pk=made.crossing.pk).notes == ""


def test_references_to_accounts_the_node_lacks_are_cleared(as_node: HubLink) -> None:
    agency = hub_agency()
    agency.created_by_id = uuid7()  # the hub's administrator, unknown here
    apply_page(page(item(agency)), started_at=timezone.now())
    assert Agency.objects.get(pk=agency.pk).created_by_id is None


def test_a_required_reference_missing_refuses_the_page(as_node: HubLink) -> None:
    officer = hub_user(hub_agency(), "motaain")  # its agency is not in the page
    with pytest.raises(SyncError) as refused:
        apply_page(page(item(officer), cursor=99), started_at=timezone.now())
    assert refused.value.code == "missing_reference"
    assert not User.objects.filter(pk=officer.pk).exists()
    assert HubLink.objects.get().feed_id == 0


def test_reference_data_is_applied_and_its_digest_kept(as_node: HubLink) -> None:
    places = next(d for d in DATASETS if d.name == "places")
    digest, tables = dataset_snapshot(places)
    posts = tables["places.post"]
    name = posts["fields"].index("name")
    changed = {
        **tables,
        "places.post": {
            "fields": posts["fields"],
            "rows": [[*r[:name], "PLBN Baru", *r[name + 1 :]] for r in posts["rows"]],
        },
    }
    apply_page(
        page(datasets={"places": {"digest": digest, "tables": changed}}), started_at=timezone.now()
    )
    assert set(Post.objects.values_list("name", flat=True)) == {"PLBN Baru"}
    assert HubLink.objects.get().datasets == {"places": digest}


def test_reference_ids_that_differ_from_the_hubs_are_refused(as_node: HubLink) -> None:
    places = next(d for d in DATASETS if d.name == "places")
    digest, tables = dataset_snapshot(places)
    points = tables["places.entrypoint"]
    pk = points["fields"].index("id")
    shifted = [[v + 1000 if i == pk else v for i, v in enumerate(r)] for r in points["rows"]]
    bad = {"places.entrypoint": {"fields": points["fields"], "rows": shifted}}
    with pytest.raises(SyncError) as refused:
        apply_page(
            page(datasets={"places": {"digest": digest, "tables": bad}}), started_at=timezone.now()
        )
    assert refused.value.code == "reference_mismatch"
    assert EntryPoint.objects.filter(pk__gt=1000).count() == 0


def test_a_feed_that_started_over_is_noted(as_node: HubLink) -> None:
    apply_page(page(reset=True), started_at=timezone.now())
    link = HubLink.objects.get()
    assert link.notice
    assert link.notice_at is not None


def test_a_malformed_page_is_refused(as_node: HubLink) -> None:
    with pytest.raises(SyncError) as refused:
        apply_page({"items": "x", "cursor": {}}, started_at=timezone.now())
    assert refused.value.code == "bad_reply"


def test_make_agency_is_a_hub_record_in_the_feed(node: FakeNode) -> None:
    agency = agency_create(actor=None, name="Pos Lintas", type=AgencyType.BORDER_POST)
    assert items(page_of(node))[str(agency.pk)]["state"]["origin"] == "hub"
