from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role

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


def test_api_post_without_csrf_is_refused(user_factory: Callable[..., User]) -> None:
    from tests.factories import PASSWORD

    admin = user_factory(Role.AGENCY_ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    client.post(
        "/accounts/login/",
        {"username": admin.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    response = client.post("/api/accounts/users", {})
    assert response.status_code in {403, 405}
