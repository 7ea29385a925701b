"""Concurrent edits become visible conflicts that a person resolves; never a silent overwrite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.errors import NotFound, PermissionDenied
from lintas.common.ids import uuid7
from lintas.screening.models import Alert, AlertStatus
from lintas.screening.services import alert_acknowledge
from lintas.sync.feed import build_page
from lintas.sync.models import OutboxEvent, SyncConflict, SyncNode
from lintas.sync.services import conflict_resolve
from tests.sync.helpers import FakeNode

pytestmark = pytest.mark.django_db


def node_alert(officer: User) -> Alert:
    """An alert raised by screening at the Motaain node (multi-writer: it has a version)."""
    return Alert(
        id=uuid7(),
        origin="post-motaain",
        kind="indicators",
        audience="post",
        level="medium",
        post_id="motaain",
        summary={"reasons": []},
        version=1,
        created_by=officer,
    )


def acknowledged_at_node(alert: Alert, officer: User) -> Alert:
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = officer
    alert.acknowledged_at = timezone.now()
    alert.version += 1
    return alert


@pytest.fixture
def supervisor(user_factory: Callable[..., User]) -> User:
    """A supervisor at the hub (no post: sees every post's alerts)."""
    return user_factory(Role.SUPERVISOR)


@pytest.fixture
def admin(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.SYSTEM_ADMIN)


def push(node: FakeNode, *records: object) -> dict[str, object]:
    events = [node.event(r) for r in records]  # type: ignore[arg-type]
    response = node.push(node.batch(events, after=node.seq - len(events)))
    assert response.status_code == 200, response.content
    return node.data(response)


def test_edit_on_top_of_the_hubs_version_is_applied_and_republished(
    node: FakeNode, hub_officer: User
) -> None:
    alert = node_alert(hub_officer)
    push(node, alert)
    reply = push(node, acknowledged_at_node(alert, hub_officer))
    assert (reply["applied"], reply["conflicts"]) == (1, 0)
    stored = Alert.objects.get(pk=alert.pk)
    assert (stored.version, stored.status, stored.acknowledged_by_id) == (
        2,
        AlertStatus.ACKNOWLEDGED,
        hub_officer.pk,
    )
    assert stored.origin == "post-motaain"
    # Other nodes of the post learn of it through the hub's feed.
    assert list(
        OutboxEvent.objects.filter(model="screening.alert", record_id=str(alert.pk)).values_list(
            "payload__version", flat=True
        )
    ) == [1, 2]
    assert SyncConflict.objects.count() == 0


def test_concurrent_edits_become_a_conflict_and_the_hub_keeps_its_own(
    node: FakeNode, hub_officer: User, supervisor: User
) -> None:
    alert = node_alert(hub_officer)
    push(node, alert)
    alert_acknowledge(actor=supervisor, alert_id=alert.pk)  # at the hub: version 2
    reply = push(node, acknowledged_at_node(alert, hub_officer))  # at the node: also version 2
    assert (reply["applied"], reply["conflicts"]) == (0, 1)
    stored = Alert.objects.get(pk=alert.pk)
    assert (stored.version, stored.acknowledged_by_id) == (2, supervisor.pk)
    [conflict] = SyncConflict.objects.all()
    assert (conflict.kind, conflict.node, conflict.model, conflict.record_id) == (
        "version",
        "post-motaain",
        "screening.alert",
        str(alert.pk),
    )
    assert conflict.hub_state["acknowledged_by_id"] == str(supervisor.pk)
    assert conflict.node_state["acknowledged_by_id"] == str(hub_officer.pk)
    assert "acknowledged_by_id" in conflict.fields.split(",")
    assert conflict.resolved_at is None
    # A later edit from the same node joins the open conflict instead of slipping through.
    alert.status, alert.outcome, alert.version = AlertStatus.CLOSED, "no_concern", 3
    reply = push(node, alert)
    assert reply["conflicts"] == 1
    conflict.refresh_from_db()
    assert (conflict.events, conflict.node_state["version"], conflict.node_seq) == (2, 3, 3)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    assert SyncConflict.objects.count() == 1


def test_the_node_in_conflict_does_not_receive_the_record_until_resolved(
    node: FakeNode, hub_officer: User, supervisor: User, admin: User
) -> None:
    wini = FakeNode(code="post-motaain-2", post="motaain")
    alert = node_alert(hub_officer)
    push(node, alert)
    alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    push(node, acknowledged_at_node(alert, hub_officer))
    in_conflict = SyncNode.objects.get(pk="post-motaain")
    other = SyncNode.objects.get(pk=wini.code)

    def ids(n: SyncNode) -> set[str]:
        return {i["id"] for i in build_page(n, {"cursor": {"id": 0}})["items"]}

    assert str(alert.pk) not in ids(in_conflict)
    assert str(alert.pk) in ids(other)  # same post, no conflict: it gets the hub's version
    conflict = SyncConflict.objects.get()
    conflict_resolve(actor=admin, conflict_id=conflict.pk, resolution="node", note="officer saw it")
    stored = Alert.objects.get(pk=alert.pk)
    assert (stored.version, stored.acknowledged_by_id) == (3, hub_officer.pk)
    page = build_page(in_conflict, {"cursor": {"id": 0}})
    [item] = [i for i in page["items"] if i["id"] == str(alert.pk)]
    assert (item["state"]["version"], item["urgent"]) == (3, False)
    conflict.refresh_from_db()
    assert (conflict.resolution, conflict.resolved_by_id, conflict.note) == (
        "node",
        admin.pk,
        "officer saw it",
    )


def test_keeping_the_hubs_version_raises_it_above_both(
    node: FakeNode, hub_officer: User, supervisor: User, admin: User
) -> None:
    alert = node_alert(hub_officer)
    push(node, alert)
    alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    # The node acknowledged, then closed: two edits since version 1, in one batch.
    events = [node.event(acknowledged_at_node(alert, hub_officer))]
    alert.status, alert.outcome, alert.version = AlertStatus.CLOSED, "no_concern", 3
    events.append(node.event(alert))
    response = node.push(node.batch(events, after=1))
    assert node.data(response)["conflicts"] == 1
    conflict = SyncConflict.objects.get()
    assert (conflict.events, conflict.node_state["version"]) == (2, 3)
    before = OutboxEvent.objects.count()
    conflict_resolve(actor=admin, conflict_id=conflict.pk, resolution="hub")
    stored = Alert.objects.get(pk=alert.pk)
    assert (stored.version, stored.acknowledged_by_id) == (4, supervisor.pk)
    assert OutboxEvent.objects.count() == before + 1
    with pytest.raises(NotFound):
        conflict_resolve(actor=admin, conflict_id=conflict.pk, resolution="node")


def test_the_same_version_sent_back_is_not_a_conflict(
    node: FakeNode, hub_officer: User, supervisor: User
) -> None:
    alert = node_alert(hub_officer)
    push(node, alert)
    alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    hub_copy = Alert.objects.get(pk=alert.pk)  # what the node received from the hub
    reply = push(node, hub_copy)
    assert (reply["applied"], reply["skipped"], reply["conflicts"]) == (0, 1, 0)
    assert SyncConflict.objects.count() == 0


def _alert_in_conflict(node: FakeNode, officer: User, supervisor: User) -> SyncConflict:
    alert = node_alert(officer)
    push(node, alert)
    alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    push(node, acknowledged_at_node(alert, officer))
    return SyncConflict.objects.get()


def test_an_account_edit_from_a_node_is_refused_not_a_conflict(
    node: FakeNode, hub_officer: User
) -> None:
    officer = User.objects.get(pk=hub_officer.pk)
    officer.full_name = "Renamed At The Post"
    response = node.push(node.batch([node.event(officer)], after=0))
    assert response.status_code == 403
    assert node.data(response)["code"] == "policy.hub_only"
    assert User.objects.get(pk=hub_officer.pk).full_name == hub_officer.full_name
    assert SyncConflict.objects.count() == 0


def test_a_password_hash_from_a_node_is_refused(node: FakeNode, hub_officer: User) -> None:
    officer = User.objects.get(pk=hub_officer.pk)
    event = node.event(officer)
    event["payload"]["password"] = "argon2$forged"
    response = node.push(node.batch([event], after=0))
    assert response.status_code == 403
    assert node.data(response)["code"] == "policy.hub_only"
    assert User.objects.get(pk=hub_officer.pk).password == hub_officer.password


def test_only_administrators_resolve(
    node: FakeNode, hub_officer: User, supervisor: User, user_factory: Callable[..., User]
) -> None:
    conflict = _alert_in_conflict(node, hub_officer, supervisor)
    with pytest.raises(PermissionDenied):
        conflict_resolve(actor=supervisor, conflict_id=conflict.pk, resolution="node")
    assert SyncConflict.objects.get().resolved_at is None


def test_conflict_is_shown_and_resolved_on_the_hub_page(
    node: FakeNode,
    hub_officer: User,
    supervisor: User,
    admin: User,
    login_client: Callable[[User], Client],
) -> None:
    conflict = _alert_in_conflict(node, hub_officer, supervisor)
    client = login_client(admin)
    page = client.get("/sync/").content.decode()
    assert 'id="conflicts"' in page
    assert "acknowledged_by_id" in page
    assert f"/sync/conflicts/{conflict.pk}/resolve" in page
    response = client.post(
        f"/sync/conflicts/{conflict.pk}/resolve", {"resolution": "hub", "note": "typo"}
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.resolution, conflict.note) == ("hub", "typo")
    assert Alert.objects.get(pk=conflict.record_id).acknowledged_by_id == supervisor.pk
    assert 'id="conflicts"' not in client.get("/sync/").content.decode()
