"""Matrix: the desk, today's crossings, overstays, the market, border rules and KILB cards."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from tests.permissions.matrix import Row, check, page
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

R = Role
PO, MR, SA = (
    frozenset({R.POST_OFFICER}),
    frozenset({R.MARKET_REGISTRAR}),
    frozenset({R.SYSTEM_ADMIN}),
)


def _crossing(w: World) -> dict[str, object]:
    return {
        "crossing_id": str(uuid7()),
        "direction": "in",
        "entry_point": "motaain-motaain",
        "purpose": "family",
        "kind": "passport",
        "number": "C9990001",
        "issuing_state": "IDN",
        "expiry_date": "2031-01-01",
        "surname": "Seran",
        "given_names": "Maria",
        "sex": "F",
        "birth_date": "1990-01-01",
        "nationality": "IDN",
    }


def _slip(w: World) -> dict[str, object]:
    return {"number": w.visit.visit_number}


ROWS = [
    Row("crossings:desk", "GET", page(post_officer=200)),
    Row("crossings:desk", "POST", page(post_officer=302), data=_crossing, writes=PO),
    Row("crossings:desk_scan", "GET", page(post_officer=405)),
    Row("crossings:desk_scan", "POST", page(post_officer=200), data=lambda w: {"scan": "C7654321"}),
    Row("crossings:desk_group", "GET", page(post_officer=405)),
    Row(
        "crossings:desk_group",
        "POST",
        page(post_officer=302),
        data=lambda w: {"label": "Bus"},
        writes=PO,
    ),
    Row("crossings:today", "GET", page(post_officer=200, supervisor=200)),
    Row("crossings:today", "POST", page(post_officer=200, supervisor=200)),
    Row("crossings:overstays", "GET", page(post_officer=200, supervisor=200)),
    Row("crossings:overstays", "POST", page(post_officer=200, supervisor=200)),
    Row("crossings:overstay_extend", "GET", page(post_officer=405, supervisor=405)),
    Row(
        "crossings:overstay_extend",
        "POST",
        page(post_officer=302, supervisor=302),
        of="own",
        data=lambda w: {"crossing_id": str(w.home.plb_abroad.pk), "reason": "Duka keluarga"},
        writes=PO | {R.SUPERVISOR},
    ),
    # Another post's holder: not found at this post, nothing written.
    Row(
        "crossings:overstay_extend",
        "POST",
        page(post_officer=302, supervisor=302),
        of="other",
        data=lambda w: {"crossing_id": str(w.other.plb_abroad.pk), "reason": "Duka keluarga"},
    ),
    Row("crossings:market", "GET", page(market_registrar=200)),
    Row(
        "crossings:market",
        "POST",
        page(market_registrar=302),
        data=lambda w: {"full_name": "Ana Soares", "origin_village": "Batugade"},
        writes=MR,
    ),
    Row("crossings:market_checkout", "GET", page(market_registrar=405)),
    Row(
        "crossings:market_checkout",
        "POST",
        page(market_registrar=302),
        data=lambda w: {"visit_number": w.visit.visit_number},
        writes=MR,
    ),
    # Only Motaain has a border market: every visit is of the registrar's own post.
    Row("crossings:market_slip", "GET", page(market_registrar=200), _slip, "own"),
    Row("crossings:market_slip", "POST", page(market_registrar=200), _slip, "own"),
    Row("crossings:plb_rules", "GET", page(system_admin=200)),
    Row("crossings:plb_rules", "POST", page(system_admin=200)),
    Row("crossings:plb_district_decide", "GET", page(system_admin=405)),
    Row(
        "crossings:plb_district_decide",
        "POST",
        page(system_admin=302),
        data=lambda w: {"district_code": "53.04.02", "status": "not_eligible", "note": "Uji"},
        writes=SA,
    ),
    Row("crossings:post_policy_set", "GET", page(system_admin=405)),
    Row(
        "crossings:post_policy_set",
        "POST",
        page(system_admin=302),
        data=lambda w: {"post_code": "wini", "accepts_plb": "on", "since": "", "note": "Uji"},
        writes=SA,
    ),
    Row("crossings:kilb_issue", "GET", page(post_officer=200, supervisor=200)),
    # Only customs and the border post authority issue KILB cards: the immigration
    # officers of the home office may open the form, and the service refuses (400).
    Row(
        "crossings:kilb_issue",
        "POST",
        page(post_officer=400, supervisor=400),
        data=lambda w: {
            "number": "KILB-1",
            "plb_number": "P000001",
            "monthly_limit_idr": "1000000",
            "expiry_date": "2031-01-01",
        },
    ),
]


def test_crossings(world: World) -> None:
    check(world, ROWS)
