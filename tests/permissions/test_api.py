"""Matrix: every operation of the HTTP API, as every role, anonymous, own and other post."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from tests.crossings.conftest import passport_lines
from tests.permissions.matrix import Row, check, endpoint, everyone
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

R = Role
WATCHERS = frozenset({R.SUPERVISOR, R.INVESTIGATOR})
ALL_200 = endpoint(200)


def _crossing(w: World) -> dict[str, object]:
    return {
        "id": str(uuid7()),
        "direction": "in",
        "purpose": "family",
        "entry_point": "motaain-motaain",
        "traveller": {"surname": "Seran", "given_names": "Maria", "sex": "F"},
        "document": {"kind": "passport", "number": "C9990002", "issuing_state": "IDN"},
    }


def _alert(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"alert_id": getattr(w, side).alert.pk}


def _crossing_of(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"crossing_id": getattr(w, side).crossing.pk}


def _close(w: World) -> dict[str, object]:
    return {"outcome": "referred_police", "note": "Diserahkan ke Polres Belu"}


ROWS = [
    Row("GET /api/accounts/me", "GET", ALL_200),
    Row("GET /api/accounts/users", "GET", endpoint(agency_admin=200, system_admin=200)),
    Row("GET /api/places/posts", "GET", ALL_200),
    Row("GET /api/places/regencies", "GET", ALL_200),
    Row("GET /api/places/regencies/{code}/districts", "GET", ALL_200, lambda w: {"code": "53.04"}),
    Row(
        "GET /api/places/districts/{code}/villages",
        "GET",
        ALL_200,
        lambda w: {"code": "53.04.02"},
    ),
    Row(
        "POST /api/crossings",
        "POST",
        endpoint(post_officer=201),
        data=_crossing,
        writes=frozenset({R.POST_OFFICER}),
    ),
    Row("GET /api/crossings/today", "GET", endpoint(post_officer=200, supervisor=200)),
    # Reading an MRZ writes nothing and needs no capability, only a session.
    Row("POST /api/mrz", "POST", ALL_200, data=lambda w: {"lines": list(passport_lines())}),
    Row(
        "POST /api/market/visits",
        "POST",
        endpoint(market_registrar=201),
        data=lambda w: {"full_name": "Ana Soares", "origin_village": "Batugade"},
        writes=frozenset({R.MARKET_REGISTRAR}),
    ),
    Row(
        "POST /api/market/visits/{number}/checkout",
        "POST",
        endpoint(market_registrar=200),
        lambda w: {"number": w.visit.visit_number},
        "own",
        writes=frozenset({R.MARKET_REGISTRAR}),
    ),
    Row("GET /api/market/open", "GET", endpoint(market_registrar=200)),
    # The home office is immigration: only customs and the border post authority issue KILB.
    Row(
        "POST /api/kilb",
        "POST",
        endpoint(),
        data=lambda w: {
            "number": "KILB-1",
            "plb_number": "P000001",
            "monthly_limit_idr": 1000000,
            "expiry_date": "2031-01-01",
        },
    ),
    Row("GET /api/alerts", "GET", ALL_200),
    Row(
        "POST /api/alerts/{alert_id}/acknowledge",
        "POST",
        endpoint(404, supervisor=200, investigator=200),
        _alert("home"),
        "own",
        writes=WATCHERS,
    ),
    Row(
        "POST /api/alerts/{alert_id}/acknowledge",
        "POST",
        endpoint(404, investigator=200),
        _alert("other"),
        "other",
        writes=frozenset({R.INVESTIGATOR}),
    ),
    Row(
        "POST /api/alerts/{alert_id}/close",
        "POST",
        endpoint(404, supervisor=200, investigator=200),
        _alert("home"),
        "own",
        data=_close,
        writes=WATCHERS,
    ),
    Row(
        "POST /api/alerts/{alert_id}/close",
        "POST",
        endpoint(404, investigator=200),
        _alert("other"),
        "other",
        data=_close,
        writes=frozenset({R.INVESTIGATOR}),
    ),
    Row(
        "GET /api/screening/{crossing_id}",
        "GET",
        endpoint(post_officer=200, supervisor=200),
        _crossing_of("home"),
        "own",
    ),
    Row(
        "GET /api/screening/{crossing_id}",
        "GET",
        endpoint(post_officer=404, supervisor=404),
        _crossing_of("other"),
        "other",
    ),
    # The SMS gateway has its own token; without one configured every call is refused.
    Row(
        "POST /api/portal/sms",
        "POST",
        everyone(503),
        data=lambda w: {"message_id": "m-1", "from": "+6281234500009", "text": "Ada perekrut"},
    ),
]


def test_api(world: World) -> None:
    check(world, ROWS)
