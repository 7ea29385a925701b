"""Border-pass rules an administrator keeps, KILB cards and their allowance, groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.crossings.kilb import kilb_card_issue, kilb_month_used
from lintas.crossings.models import Crossing, DocumentKind, PlbDistrict, PostPlbPolicy
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.places.models import Post
from tests.crossings.conftest import register
from tests.factories import make_agency

pytestmark = pytest.mark.django_db
TODAY = date.today()


def plb_crossing(
    officer: User,
    *,
    direction: str = "out",
    goods: int | None = None,
    kilb: str = "",
    destination: str = "Balibo",
    district: str = "53.04.02",
) -> Crossing:
    issued = TODAY - timedelta(days=10)
    return register(
        officer,
        traveller=TravellerData(
            surname="Mau", given_names="Fransiska", sex="F", residence_district_code=district
        ),
        document=DocumentData(
            kind=DocumentKind.PLB,
            number="PLB4242",
            issuing_state="IDN",
            issued_on=issued,
            expiry_date=issued + timedelta(days=364),
        ),
        crossing=CrossingData(
            direction=direction,
            purpose="trade",
            entry_point_code="motaain-motaain",
            destination=destination,
            goods_value_idr=goods,
            kilb_number=kilb,
        ),
    )


def test_system_admin_decides_a_pending_district(
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    with pytest.raises(ValidationFailed):
        plb_crossing(officer, district="53.04.18")  # Lamaknen Selatan: decision pending
    admin = login_client(user_factory(Role.SYSTEM_ADMIN))
    page = admin.get("/crossings/plb/").content.decode()
    assert "Lamaknen Selatan" in page
    response = admin.post(
        "/crossings/plb/district/",
        {
            "district_code": "53.04.18",
            "status": "eligible",
            "note": "Dimekarkan dari Lamaknen; tetap wilayah perbatasan",
        },
    )
    assert response.status_code == 302
    row = PlbDistrict.objects.get(district_id="53.04.18")
    assert (row.status, row.decided_by is not None) == ("eligible", True)
    assert AuditEntry.objects.filter(action="plb_district.decide").count() == 1
    assert plb_crossing(officer, district="53.04.18").document.kind == DocumentKind.PLB


def test_decision_needs_a_reason_and_an_admin(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = login_client(user_factory(Role.SYSTEM_ADMIN))
    response = admin.post(
        "/crossings/plb/district/", {"district_code": "53.04.18", "status": "eligible", "note": ""}
    )
    assert response.status_code == 400
    assert PlbDistrict.objects.get(district_id="53.04.18").status == "pending"
    officer = login_client(user_factory(Role.POST_OFFICER))
    assert officer.get("/crossings/plb/").status_code == 403
    assert (
        officer.post(
            "/crossings/plb/district/",
            {"district_code": "53.04.18", "status": "eligible", "note": "x"},
        ).status_code
        == 403
    )
    assert PlbDistrict.objects.get(district_id="53.04.18").status == "pending"


def test_post_policy_can_be_changed(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = login_client(user_factory(Role.SYSTEM_ADMIN))
    response = admin.post(
        "/crossings/plb/post/",
        {
            "post_code": "motamasin",
            "accepts_plb": "on",
            "since": "2026-12-01",
            "note": "Dibuka lagi",
        },
    )
    assert response.status_code == 302
    policy = PostPlbPolicy.objects.get(post_id="motamasin")
    assert (policy.accepts_plb, policy.since) == (True, date(2026, 12, 1))


def test_kilb_card_and_monthly_allowance(
    officer_at: Callable[[str], User], user_factory: Callable[..., User]
) -> None:
    officer = officer_at("motaain")
    plb_crossing(officer)
    customs = user_factory(
        Role.SUPERVISOR,
        agency=make_agency(type=AgencyType.CUSTOMS),
        post=Post.objects.get(code="motaain"),
    )
    card = kilb_card_issue(
        actor=customs,
        number="kilb-9",
        plb_number="plb4242",
        monthly_limit_idr=1_000_000,
        expiry_date=TODAY + timedelta(days=300),
    )
    assert card.number == "KILB-9"
    plb_crossing(officer, direction="in", goods=600_000, kilb="KILB-9")
    assert kilb_month_used(card=card, on=TODAY) == 600_000
    before = Crossing.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        plb_crossing(officer, direction="in", goods=500_000, kilb="KILB-9")
    assert "goods_value_idr" in exc.value.field_errors
    assert "600.000" in str(exc.value.field_errors["goods_value_idr"])
    assert Crossing.objects.count() == before


def test_kilb_issue_is_for_customs_and_post_authority(
    officer_at: Callable[[str], User], user_factory: Callable[..., User]
) -> None:
    officer = officer_at("motaain")  # an immigration officer
    plb_crossing(officer)
    with pytest.raises(PermissionDenied):
        kilb_card_issue(
            actor=officer,
            number="K1",
            plb_number="PLB4242",
            monthly_limit_idr=1,
            expiry_date=TODAY + timedelta(days=3),
        )


def test_kilb_api_refuses_unknown_plb(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    customs = user_factory(
        Role.SUPERVISOR,
        agency=make_agency(type=AgencyType.CUSTOMS),
        post=Post.objects.get(code="motaain"),
    )
    response = login_client(customs).post(
        "/api/kilb",
        data=json.dumps(
            {
                "number": "K2",
                "plb_number": "NOPE",
                "monthly_limit_idr": 5,
                "expiry_date": str(TODAY + timedelta(days=9)),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "plb_number" in response.json()["fields"]


def test_desk_group_links_companions(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    from tests.crossings.test_desk import desk_post

    client = login_client(officer_at("motaain"))
    assert (
        client.post(
            "/crossings/desk/group/", {"action": "start", "label": "Bus Atambua-Dili"}
        ).status_code
        == 302
    )
    page = client.get("/crossings/desk/").content.decode()
    assert "Bus Atambua-Dili" in page
    first = client.post("/crossings/desk/", desk_post(number="B1", surname="A"))
    assert first.status_code == 302, first.content.decode()[-3000:]
    second = client.post("/crossings/desk/", desk_post(number="B2", surname="B"))
    assert second.status_code == 302, second.content.decode()[-3000:]
    client.post("/crossings/desk/group/", {"action": "end"})
    client.post("/crossings/desk/", desk_post(number="B3", surname="C"))
    groups = dict(Crossing.objects.values_list("traveller__surname", "group__label"))
    assert groups == {"A": "Bus Atambua-Dili", "B": "Bus Atambua-Dili", "C": None}
