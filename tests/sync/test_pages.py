"""Status pages: the node's backlog and last contact; the hub's nodes, stale ones flagged."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.sync import crypto
from lintas.sync.models import HubLink, OutboxEvent, SyncNode
from lintas.sync.services import node_enrol
from tests.sync.conftest import node_crossing
from tests.sync.helpers import FakeNode, node_change, node_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> Client:
    return login_client(user_factory(Role.SYSTEM_ADMIN))


def rows(html: str) -> dict[str, str]:
    """The hub page's node rows by node code."""
    out = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html.split('id="nodes"')[1], flags=re.S):
        code = re.search(r'<td class="mono">([^<]+)</td>', row)
        if code:
            out[code.group(1)] = row
    return out


def test_hub_page_shows_contact_backlog_and_stale_nodes(
    node: FakeNode, hub_officer: User, admin_client: Client
) -> None:
    quiet = FakeNode(code="post-wini", post="wini")
    made = node_crossing(hub_officer)
    events = [node.event(r) for r in made.records]
    payload = node.batch(events[:2], after=0)
    payload["head"]["outbox"] = 3  # the node has one more event waiting
    assert node.push(payload).status_code == 200
    SyncNode.objects.filter(pk=quiet.code).update(
        last_contact_at=timezone.now() - timedelta(hours=5)
    )
    html = admin_client.get("/sync/").content.decode()
    by_code = rows(html)
    assert set(by_code) == {"post-motaain", "post-wini"}
    assert 'class="stale"' not in by_code["post-motaain"]
    assert re.search(r'<td class="num">1</td><td class="num mono">#2</td>', by_code["post-motaain"])
    assert 'class="stale"' in by_code["post-wini"]


def test_issuing_a_code_shows_it_once_and_enrolment_uses_it(admin_client: Client) -> None:
    response = admin_client.post(
        "/sync/nodes/issue", {"code": "post-wini", "post": "wini", "name": "PLBN Wini"}
    )
    html = response.content.decode()
    code = re.search(r'<strong class="mono">([A-Z0-9-]{19})</strong>', html)
    assert code is not None
    assert code.group(1) not in admin_client.get("/sync/").content.decode()
    node = SyncNode.objects.get(pk="post-wini")
    assert (node.post_id, node.enrolled_at, node.enrol_key) == (
        "wini",
        None,
        crypto.enrolment_key(code.group(1)),
    )
    public = crypto.public_key_of(crypto.new_private_key())
    key = crypto.enrolment_key(code.group(1))
    node_enrol(
        node_code="post-wini",
        public_key=public,
        proof=crypto.proof(key, "enrol", "post-wini", public),
    )
    assert SyncNode.objects.get(pk="post-wini").public_key == public


def test_revoke_from_the_page(node: FakeNode, admin_client: Client) -> None:
    response = admin_client.post(f"/sync/nodes/{node.code}/revoke")
    assert response.status_code == 302
    assert SyncNode.objects.get(pk=node.code).revoked_at is not None
    row = rows(admin_client.get("/sync/").content.decode())[node.code]
    assert f"/sync/nodes/{node.code}/revoke" not in row
    assert '<span class="bad">' in row


def test_node_page_shows_backlog_last_success_and_last_error(
    settings: Settings, admin_client: Client
) -> None:
    settings.LINTAS_NODE = "post-motaain"
    HubLink.objects.create(
        hub_url="https://hub.lintas.example",
        node="post-motaain",
        private_key="0" * 64,
        hub_public_key="0" * 64,
        enrolled_at=timezone.now(),
        last_success_at=timezone.now() - timedelta(hours=2),
        last_error="unreachable: the hub cannot be reached",
        last_error_at=timezone.now(),
    )
    node_officer()
    OutboxEvent.objects.update(acked_at=timezone.now())
    node_change("Belum Terkirim")  # one change the hub has not acknowledged
    html = admin_client.get("/sync/").content.decode()
    assert "https://hub.lintas.example" in html
    assert "unreachable: the hub cannot be reached" in html
    backlog = re.search(r'id="backlog"><strong class="(\w+)">(\d+)</strong>', html)
    assert backlog is not None
    assert backlog.groups() == ("bad", "1")


def test_pages_are_for_administrators_only(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    officer_client = login_client(user_factory(Role.POST_OFFICER))
    assert officer_client.get("/sync/").status_code == 403
    assert officer_client.post("/sync/nodes/issue", {"code": "post-x"}).status_code == 403
    assert not SyncNode.objects.exists()
    assert Client().get("/sync/").status_code == 302


def test_protocol_endpoints_answer_only_on_the_hub(settings: Settings) -> None:
    settings.LINTAS_NODE = "post-motaain"
    client = Client()
    assert client.post("/api/sync/push", b"", content_type="application/json").status_code == 404
    assert client.get("/api/sync/hello").json() == {
        "protocol": 1,
        "node": "post-motaain",
        "hub": False,
    }
