"""Matrix: outreach pages and API, the SMS bridge's calls.

Activities, groups, reports and plans are the outreach coordinator's, of their own agency
(another agency's group or plan reads as not found); coverage and the province view are
also the analyst's (counts only); indicators are imported by analysts. The bridge's calls
are signed by the bridge, never by a session: unsigned, everyone is refused alike.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from tests.permissions.matrix import Row, check, endpoint, everyone, page
from tests.permissions.world import World
from tests.permissions.world_reach import SABU_VILLAGE

pytestmark = pytest.mark.django_db

OC, AN = Role.OUTREACH_COORDINATOR, Role.ANALYST
COORDINATOR = frozenset({OC})
MANAGE = page(**{OC: 200})
COVERAGE = page(**{OC: 200, AN: 200})
GET_ONLY = page(**{OC: 405, AN: 405})
INDICATORS = (
    b"district_code,indicator,year,value,source\n53.20.01,school_participation,2023,61.5,BPS\n"
)


def _yesterday(w: World) -> str:
    return str(w.today - timedelta(days=1))


def _activity(w: World) -> dict[str, object]:
    return {
        "id": str(uuid7()),
        "kind": "awareness",
        "held_on": _yesterday(w),
        "village": SABU_VILLAGE,
        "girls": "2",
        "boys": "1",
        "women": "15",
        "men": "11",
        "language": "Bahasa Sabu",
    }


def _group(w: World) -> dict[str, object]:
    return {
        "id": str(uuid7()),
        "kind": "church",
        "name": "Komisi Gereja Menia",
        "village": SABU_VILLAGE,
        "member_count": "8",
    }


def _meeting(w: World) -> dict[str, object]:
    return {"id": str(uuid7()), "held_on": _yesterday(w), "women": "6", "men": "2"}


def _report(w: World) -> dict[str, object]:
    return {
        "id": str(uuid7()),
        "village": SABU_VILLAGE,
        "at_risk": "woman",
        "body": "Seorang perekrut menjanjikan pekerjaan di Malaysia kepada ibu-ibu.",
    }


def _group_of(side: str) -> object:
    return lambda w: {"group_id": str(getattr(w, side).r.group.pk)}


def _plan_of(side: str) -> object:
    return lambda w: {"plan_id": str(getattr(w, side).r.plan.pk)}


def _target_of(side: str) -> object:
    return lambda w: {
        "plan_id": str(getattr(w, side).r.plan.pk),
        "target_id": str(getattr(w, side).r.plan_target.pk),
    }


PAGES = [
    Row("outreach:activity_list", "GET", MANAGE),
    Row("outreach:activity_list", "POST", page(**{OC: 405})),
    Row("outreach:activity_new", "GET", MANAGE),
    Row("outreach:activity_new", "POST", page(**{OC: 302}), data=_activity, writes=COORDINATOR),
    Row("outreach:group_list", "GET", MANAGE),
    Row("outreach:group_list", "POST", page(**{OC: 302}), data=_group, writes=COORDINATOR),
    Row("outreach:group_detail", "GET", MANAGE, _group_of("home"), "own"),
    Row("outreach:group_detail", "GET", page(**{OC: 404}), _group_of("other"), "other"),
    Row(
        "outreach:group_detail",
        "POST",
        page(**{OC: 302}),
        _group_of("home"),
        "own",
        data=_meeting,
        writes=COORDINATOR,
    ),
    Row(
        "outreach:group_detail",
        "POST",
        page(**{OC: 404}),
        _group_of("other"),
        "other",
        data=_meeting,
    ),
    Row("outreach:report_list", "GET", MANAGE),
    Row("outreach:report_list", "POST", page(**{OC: 302}), data=_report, writes=COORDINATOR),
    Row("outreach:coverage", "GET", COVERAGE),
    Row("outreach:coverage", "POST", GET_ONLY),
    Row("outreach:coverage_map", "GET", COVERAGE),
    Row("outreach:coverage_map", "POST", GET_ONLY),
    Row("outreach:coverage_csv", "GET", COVERAGE),
    Row("outreach:coverage_csv", "POST", GET_ONLY),
    Row("outreach:province", "GET", COVERAGE),
    Row("outreach:province", "POST", GET_ONLY),
    Row("outreach:indicator_import", "GET", page(**{AN: 200})),
    Row(
        "outreach:indicator_import",
        "POST",
        page(**{AN: 200}),
        data=lambda w: {"file": SimpleUploadedFile("bps.csv", INDICATORS, "text/csv")},
        writes=frozenset({AN}),
    ),
    Row("outreach:plan_list", "GET", MANAGE),
    Row(
        "outreach:plan_list",
        "POST",
        page(**{OC: 302}),
        data=lambda w: {"id": str(uuid7()), "year": str(w.today.year + 1), "quarter": "1"},
        writes=COORDINATOR,
    ),
    Row("outreach:plan_detail", "GET", MANAGE, _plan_of("home"), "own"),
    Row("outreach:plan_detail", "GET", page(**{OC: 404}), _plan_of("other"), "other"),
    Row(
        "outreach:plan_detail",
        "POST",
        page(**{OC: 302}),
        _plan_of("home"),
        "own",
        data=lambda w: {"id": str(uuid7()), "district": "53.20.02", "activities_planned": "3"},
        writes=COORDINATOR,
    ),
    Row(
        "outreach:plan_detail",
        "POST",
        page(**{OC: 404}),
        _plan_of("other"),
        "other",
        data=lambda w: {"id": str(uuid7()), "district": "53.20.02", "activities_planned": "3"},
    ),
    Row("outreach:plan_target_remove", "GET", page(**{OC: 405}), _target_of("home"), "own"),
    Row(
        "outreach:plan_target_remove",
        "POST",
        page(**{OC: 302}),
        _target_of("home"),
        "own",
        writes=COORDINATOR,
    ),
    Row("outreach:plan_target_remove", "POST", page(**{OC: 404}), _target_of("other"), "other"),
]


def _api_activity(w: World) -> dict[str, object]:
    return {
        "id": str(uuid7()),
        "kind": "market_day",
        "held_on": _yesterday(w),
        "village_code": SABU_VILLAGE,
        "women": 20,
        "men": 18,
    }


API = [
    Row("GET /api/outreach/activities", "GET", endpoint(**{OC: 200})),
    Row(
        "POST /api/outreach/activities",
        "POST",
        endpoint(**{OC: 201}),
        data=_api_activity,
        writes=COORDINATOR,
    ),
    Row("GET /api/outreach/groups", "GET", endpoint(**{OC: 200})),
    Row(
        "POST /api/outreach/groups",
        "POST",
        endpoint(**{OC: 201}),
        data=lambda w: {
            "id": str(uuid7()),
            "kind": "returnees",
            "name": "Purna Migran Menia",
            "village_code": SABU_VILLAGE,
            "member_count": 14,
        },
        writes=COORDINATOR,
    ),
    Row(
        "POST /api/outreach/meetings",
        "POST",
        endpoint(**{OC: 201}),
        of="own",
        data=lambda w: {
            "id": str(uuid7()),
            "group_id": str(w.home.r.group.pk),
            "held_on": _yesterday(w),
            "women": 5,
        },
        writes=COORDINATOR,
    ),
    Row(
        "POST /api/outreach/reports",
        "POST",
        endpoint(**{OC: 201}),
        data=lambda w: {
            "id": str(uuid7()),
            "village_code": SABU_VILLAGE,
            "body": "Anak-anak dibawa ke Kupang oleh orang asing.",
        },
        writes=COORDINATOR,
    ),
    Row("GET /api/outreach/reports", "GET", endpoint(**{OC: 200})),
    Row("GET /api/outreach/coverage", "GET", endpoint(**{OC: 200, AN: 200})),
    # The bridge's calls: a session is no signature.
    Row(
        "POST /api/messaging/inbound",
        "POST",
        everyone(401),
        data=lambda w: {"message_id": "m-1", "from": "+6281234567890", "text": "INFO"},
    ),
    Row(
        "POST /api/messaging/report",
        "POST",
        everyone(401),
        data=lambda w: {"key": "k", "status": "1"},
    ),
]

ROWS = [*PAGES, *API]


@override_settings(LINTAS_GATEWAY_SECRET="matrix-bridge-secret-0123456789abcdef")
def test_outreach_pages_and_api(world: World) -> None:
    check(world, ROWS)
