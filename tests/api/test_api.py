from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import Crossing
from lintas.places.models import Post
from lintas.sync.models import OutboxEvent
from tests.crossings.test_api import payload as crossing_payload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/accounts/me" in paths
    assert "/api/places/posts" in paths


def test_api_docs_use_vendored_assets_only() -> None:
    html = Client().get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "unpkg" not in html


def test_anonymous_api_call_is_refused() -> None:
    response = Client().get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_me(officer: User, login_client: Callable[[User], Client]) -> None:
    data = login_client(officer).get("/api/accounts/me").json()
    assert data["username"] == officer.username
    assert data["role"] == Role.POST_OFFICER
    assert data["post_code"] == "motaain"
    assert {"register_crossing", "view_reference"} <= set(data["capabilities"])
    assert "manage_all_users" not in data["capabilities"]
    assert data["capabilities"] == sorted(data["capabilities"])


def test_users_endpoint_follows_admin_scope(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    colleague = user_factory(Role.CASE_WORKER, agency=admin.agency)
    user_factory(Role.CASE_WORKER)
    names = [u["username"] for u in login_client(admin).get("/api/accounts/users").json()]
    assert sorted(names) == sorted([admin.username, colleague.username])
    officer = user_factory(Role.POST_OFFICER)
    response = login_client(officer).get("/api/accounts/users")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_places_api(officer: User, login_client: Callable[[User], Client]) -> None:
    client = login_client(officer)
    posts = client.get("/api/places/posts").json()
    assert [p["code"] for p in posts] == ["motaain", "motamasin", "wini"]
    assert [e["name"] for e in posts[0]["entry_points"]] == ["Motaain", "Turiskain"]
    assert len(client.get("/api/places/regencies").json()) == 22
    districts = client.get("/api/places/regencies/53.04/districts").json()
    assert {"code": "53.04.02", "name": "Tasifeto Timur"} in districts
    assert client.get("/api/places/regencies/99.99/districts").json() == []


def _signed_in_with_csrf_checks(user: User) -> tuple[Client, str]:
    """A browser-like client signed in through the form, and its CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    signed_in = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302
    # Signing in rotates the token.
    return client, client.cookies["csrftoken"].value


def test_api_post_with_a_session_needs_the_csrf_token(user_factory: Callable[..., User]) -> None:
    officer = user_factory(Role.POST_OFFICER, post=Post.objects.get(code="motaain"))
    client, token = _signed_in_with_csrf_checks(officer)
    body = json.dumps(crossing_payload())
    refused = client.post("/api/crossings", data=body, content_type="application/json")
    assert refused.status_code == 403
    assert Crossing.objects.count() == 0
    assert OutboxEvent.objects.filter(model="crossings.crossing").count() == 0
    wrong = client.post(
        "/api/crossings", data=body, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 64
    )
    assert wrong.status_code == 403
    assert Crossing.objects.count() == 0
    accepted = client.post(
        "/api/crossings", data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content
    assert list(Crossing.objects.values_list("post__code", "created_by_id")) == [
        ("motaain", officer.pk)
    ]
