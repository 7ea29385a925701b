"""Every page and endpoint, as every role and anonymous: a clear answer, never a 500.

The exact role rules are tested with each app; this sweeps the whole URL map so that a new
page cannot forget its guard: anonymous visitors are sent to sign in (or get 401 from the
API), and unknown ids read as not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lintas.accounts.models import User
from lintas.accounts.roles import Role

pytestmark = pytest.mark.django_db

PUBLIC_PREFIXES = ("/accounts/login/", "/language/", "/api/docs", "/api/openapi.json", "/static/")
# Machine endpoints with their own authentication (node signatures, gateway token).
MACHINE_PREFIXES = ("/api/sync/", "/api/portal/sms")
SAMPLE = {
    "uuid": str(uuid.UUID(int=7)),
    "str": "nothing-here",
    "int": "1",
    "slug": "x",
    "path": "x",
}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = str(p.pattern)
        if route.startswith("^"):
            continue  # regex routes: static files in debug only
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + route)
        else:
            yield prefix + route


def concrete(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)


ROUTES = sorted({concrete(r) for r in _walk(get_resolver().url_patterns)})
PRIVATE = [
    r for r in ROUTES if not r.startswith(PUBLIC_PREFIXES + MACHINE_PREFIXES) and "/publik" not in r
]


def test_the_map_is_not_empty() -> None:
    assert len(PRIVATE) > 40


@pytest.mark.parametrize("url", PRIVATE)
def test_anonymous_gets_no_data(url: str) -> None:
    client = Client()
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in {302, 401, 403, 404, 405}, (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("role", Role.values)
def test_every_role_gets_a_clear_answer(
    role: str, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(role))
    for url in PRIVATE:
        response = client.get(url)
        assert response.status_code in {200, 302, 400, 403, 404, 405, 422}, (
            url,
            role,
            response.status_code,
        )
