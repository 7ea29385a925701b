"""Matrix: the phone app's shell and its API.

The shell, its service worker and manifest hold no data: the same for everyone. Anyone
with the right password can sign a phone in (a key is made, as a sign-in makes a session).
Through a web session, bootstrap and places answer every signed-in role; a follow-up visit
is recorded by those who manage cases in the follow-up's agency, another agency's reads as
not found; only a phone can sign itself out.
"""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from tests.factories import PASSWORD
from tests.permissions.matrix import Row, check, endpoint, everyone
from tests.permissions.world import PRINCIPALS, World

pytestmark = pytest.mark.django_db

CASES = (Role.SUPERVISOR, Role.INVESTIGATOR, Role.CASE_WORKER)
VISITORS = frozenset(CASES)


def _shell(name: str) -> list[Row]:
    return [Row(name, "GET", everyone(200)), Row(name, "POST", everyone(405))]


def _visit(side: str) -> object:
    return lambda w: {"follow_up_id": str(getattr(w, side).follow_up.pk)}


def _safe_visit(w: World) -> dict[str, object]:
    return {"outcome": "safe", "note": "", "done_on": str(w.today)}


ROWS = [
    *_shell("mobile:shell"),
    *_shell("mobile:service_worker"),
    *_shell("mobile:manifest"),
    Row(
        "POST /api/mobile/keys",
        "POST",
        everyone(201),
        data=lambda w: {"username": w.home.users[Role.CASE_WORKER].username, "password": PASSWORD},
        writes=frozenset(PRINCIPALS),
    ),
    Row("DELETE /api/mobile/keys/current", "DELETE", endpoint(400)),
    Row("GET /api/mobile/bootstrap", "GET", endpoint(200)),
    Row("GET /api/mobile/places", "GET", endpoint(200)),
    Row(
        "POST /api/mobile/follow-ups/{follow_up_id}",
        "POST",
        endpoint(403, **dict.fromkeys(CASES, 200)),
        _visit("home"),
        "own",
        data=_safe_visit,
        writes=VISITORS,
    ),
    Row(
        "POST /api/mobile/follow-ups/{follow_up_id}",
        "POST",
        endpoint(403, **dict.fromkeys(CASES, 404)),
        _visit("other"),
        "other",
        data=_safe_visit,
    ),
]


def test_mobile_pages_and_api(world: World) -> None:
    check(world, ROWS)
