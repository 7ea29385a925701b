"""Matrix: the sync protocol and status pages, the public portal, the API's own pages."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from tests.permissions.matrix import Row, check, everyone, page
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

SA = frozenset({Role.SYSTEM_ADMIN})
PUBLIC = everyone(200)


def _portal(name: str, **kwargs: str) -> list[Row]:
    """A public page: open to everyone, signed in or not; GET only."""
    return [
        Row(name, "GET", PUBLIC, lambda w: kwargs),
        Row(name, "POST", everyone(405), lambda w: kwargs),
    ]


ROWS = [
    # The protocol authenticates by the node's signature, never by a session: an unsigned
    # request is refused the same for everyone.
    Row("sync:push", "GET", everyone(405)),
    Row("sync:push", "POST", everyone(401)),
    Row("sync:pull", "GET", everyone(405)),
    Row("sync:pull", "POST", everyone(401)),
    Row("sync:enrol", "GET", everyone(405)),
    Row("sync:enrol", "POST", everyone(400)),
    Row("sync:rotate", "GET", everyone(405)),
    Row("sync:rotate", "POST", everyone(401)),
    Row("sync:hello", "GET", PUBLIC),
    Row("sync:hello", "POST", everyone(405)),
    Row("sync:status", "GET", page(system_admin=200)),
    Row("sync:status", "POST", page(system_admin=200)),
    Row("sync:node_issue", "GET", page(system_admin=405)),
    Row(
        "sync:node_issue",
        "POST",
        page(system_admin=200),
        data=lambda w: {"code": "post-motamasin", "name": "Motamasin", "post": "motamasin"},
        writes=SA,
    ),
    Row("sync:node_revoke", "GET", page(system_admin=405), lambda w: {"code": w.node.code}),
    Row(
        "sync:node_revoke",
        "POST",
        page(system_admin=302),
        lambda w: {"code": w.node.code},
        writes=SA,
    ),
    Row(
        "sync:conflict_resolve",
        "GET",
        page(system_admin=405),
        lambda w: {"conflict_id": w.conflict.pk},
    ),
    Row(
        "sync:conflict_resolve",
        "POST",
        page(system_admin=302),
        lambda w: {"conflict_id": w.conflict.pk},
        data=lambda w: {"resolution": "hub", "note": "Uji"},
        writes=SA,
    ),
    Row(
        "sync:security_review",
        "GET",
        page(system_admin=405),
        lambda w: {"event_id": w.security_event.pk},
    ),
    Row(
        "sync:security_review",
        "POST",
        page(system_admin=302),
        lambda w: {"event_id": w.security_event.pk},
        data=lambda w: {"note": "Node dicabut"},
        writes=SA,
    ),
    *_portal("portal:home"),
    *_portal("portal:posts"),
    *_portal("portal:post", code="motaain"),
    *_portal("portal:documents"),
    *_portal("portal:migration"),
    *_portal("portal:agencies"),
    *_portal("portal:statistics"),
    *_portal("portal:areas"),
    Row("portal:report", "GET", PUBLIC),
    # An empty public form is shown again with its messages (200), and nothing is saved.
    Row("portal:report", "POST", PUBLIC),
    Row("portal:check", "GET", PUBLIC),
    Row("portal:check", "POST", PUBLIC),
    Row("portal:add_information", "GET", everyone(405)),
    Row("portal:add_information", "POST", PUBLIC),
    Row("portal:language", "GET", everyone(302), lambda w: {"code": "tet"}, login_redirect=False),
    Row("portal:language", "POST", everyone(405), lambda w: {"code": "tet"}),
    Row("portal:not_found", "GET", everyone(404), lambda w: {"rest": "tidak-ada"}),
    Row("portal:not_found", "POST", everyone(404), lambda w: {"rest": "tidak-ada"}),
    # The API's schema and documentation, and its root.
    Row("api:openapi-json", "GET", PUBLIC),
    # ninja's schema and documentation views answer any method.
    Row("api:openapi-json", "POST", PUBLIC),
    Row("api:openapi-view", "GET", PUBLIC),
    Row("api:openapi-view", "POST", PUBLIC),
    Row("api:api-root", "GET", everyone(404)),
    Row("api:api-root", "POST", everyone(404)),
]


def test_sync_portal_and_api_pages(world: World) -> None:
    check(world, ROWS)
