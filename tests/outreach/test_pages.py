"""Outreach pages and API as every role, another agency and anonymous; pinned query counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.outreach import planning, services
from lintas.outreach.models import Activity, Meeting, Plan, PlanTarget, SupportGroup
from tests.factories import make_user
from tests.outreach.conftest import SABU_VILLAGE, SEMAU_VILLAGE

pytestmark = pytest.mark.django_db

MANAGE = ["/outreach/activities/", "/outreach/activities/new/", "/outreach/groups/",
          "/outreach/reports/", "/outreach/plans/"]  # fmt: skip
COVERAGE = ["/outreach/coverage/", "/outreach/coverage/map.svg",
            "/outreach/coverage/districts.csv", "/outreach/province/"]  # fmt: skip
IMPORT = ["/outreach/indicators/"]


def expected(role: str, url: str) -> int:
    if url in MANAGE:
        return 200 if role == Role.OUTREACH_COORDINATOR else 403
    if url in COVERAGE:
        return 200 if role in (Role.OUTREACH_COORDINATOR, Role.ANALYST) else 403
    return 200 if role == Role.ANALYST else 403


@pytest.mark.parametrize("role", list(Role.values))
def test_every_page_answers_each_role_exactly(
    role: str, login_client: Callable[[User], Client]
) -> None:
    client = login_client(make_user(role))
    for url in MANAGE + COVERAGE + IMPORT:
        assert client.get(url).status_code == expected(role, url), (role, url)


def test_anonymous_is_sent_to_sign_in(reference: None) -> None:
    for url in MANAGE + COVERAGE + IMPORT:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Client().get("/api/outreach/activities").status_code == 401
    assert (
        Client().post("/api/outreach/activities", "{}", content_type="application/json").status_code
        == 401
    )


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "id": str(uuid7()),
        "kind": "awareness",
        "held_on": str(timezone.localdate() - timedelta(days=1)),
        "village": SABU_VILLAGE,
        "girls": "2", "boys": "1", "women": "15", "men": "11",
        "language": "Bahasa Sabu",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_coordinator_records_an_activity_once_even_when_sent_twice(
    coordinator: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(coordinator)
    data = form_data()
    first = client.post("/outreach/activities/new/", data)
    assert first.status_code == 302
    assert client.post("/outreach/activities/new/", data).status_code == 302
    assert Activity.objects.get().people_reached == 29
    listed = client.get("/outreach/activities/")
    assert "Menia" in listed.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"women": "-4"}, "Jumlah tidak boleh negatif."),
        ({"men": "sebelas"}, "Tulis bilangan bulat."),
        ({"girls": "250000"}, "Paling banyak 100.000"),
        ({"held_on": "2099-01-01"}, "Tanggal ini di masa depan."),
        ({"village": "00.00.00.0000"}, "Kode desa tidak dikenal"),
        ({"concerns": "a\x00b"}, "NUL"),
    ],
)
def test_bad_input_on_the_page_is_shown_and_saves_nothing(
    coordinator: User,
    login_client: Callable[[User], Client],
    overrides: dict[str, str],
    message: str,
) -> None:
    response = login_client(coordinator).post("/outreach/activities/new/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.OUTREACH_COORDINATOR])
def test_a_denied_post_changes_nothing(role: str, login_client: Callable[[User], Client]) -> None:
    client = login_client(make_user(role))
    assert client.post("/outreach/activities/new/", form_data()).status_code == 403
    body = json.dumps({"id": str(uuid7()), "kind": "awareness", "held_on": "2026-01-05",
                       "village_code": SABU_VILLAGE, "women": 3})  # fmt: skip
    api = client.post("/api/outreach/activities", body, content_type="application/json")
    assert api.status_code == 403
    assert api.json()["code"] == "forbidden"
    assert Activity.objects.count() == 0


def test_another_agencys_group_and_plan_read_as_not_found(
    coordinator: User, other_coordinator: User, login_client: Callable[[User], Client]
) -> None:
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="women",
        name="Kelompok Perempuan Menia",
        village_code=SABU_VILLAGE,
        member_count=9,
        contact_name="Ina Rohi",
    )
    year, quarter = planning.current_quarter()
    plan = planning.plan_create(actor=coordinator, id=uuid7(), year=year, quarter=quarter)
    target = planning.plan_target_add(
        actor=coordinator,
        id=uuid7(),
        plan_id=plan.pk,
        district_code="53.20.01",
        activities_planned=2,
    )
    own = login_client(coordinator)
    page = own.get(f"/outreach/groups/{group.pk}/")
    assert page.status_code == 200
    assert "Ina Rohi" in page.content.decode()
    other = login_client(other_coordinator)
    assert other.get(f"/outreach/groups/{group.pk}/").status_code == 404
    assert "Ina Rohi" not in other.get("/outreach/groups/").content.decode()
    meeting = {"id": str(uuid7()), "held_on": str(timezone.localdate()), "women": "4"}
    assert other.post(f"/outreach/groups/{group.pk}/", meeting).status_code == 404
    assert other.get(f"/outreach/plans/{plan.pk}/").status_code == 404
    removed = other.post(f"/outreach/plans/{plan.pk}/targets/{target.pk}/remove/")
    assert removed.status_code == 404
    assert Meeting.objects.count() == 0
    assert PlanTarget.objects.live().count() == 1
    assert own.get(f"/outreach/plans/{plan.pk}/").status_code == 200


def test_api_records_are_idempotent_and_a_changed_resend_is_a_conflict(
    coordinator: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(coordinator)
    pk = str(uuid7())
    body = {"id": pk, "kind": "market_day", "held_on": str(timezone.localdate()),
            "village_code": SABU_VILLAGE, "women": 20, "men": "18"}  # fmt: skip
    first = client.post("/api/outreach/activities", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["people_reached"] == 38
    again = client.post("/api/outreach/activities", body, content_type="application/json")
    assert (again.status_code, again.json()["id"]) == (201, pk)
    changed = client.post(
        "/api/outreach/activities", {**body, "women": 21}, content_type="application/json"
    )
    assert changed.status_code == 409
    assert changed.json()["code"] == "id_conflict"
    assert Activity.objects.get().women == 20
    bad = client.post(
        "/api/outreach/activities",
        {**body, "id": str(uuid7()), "men": -2},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"men": "Jumlah tidak boleh negatif."}
    assert Activity.objects.count() == 1
    listed = client.get("/api/outreach/activities")
    assert [a["id"] for a in listed.json()] == [pk]


def test_api_groups_meetings_and_reports(
    coordinator: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(coordinator)
    gid = str(uuid7())
    made = client.post(
        "/api/outreach/groups",
        {"id": gid, "kind": "returnees", "name": "Purna Migran Menia",
         "village_code": SABU_VILLAGE, "member_count": 14},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    assert made.json()["active"] is False
    met = client.post(
        "/api/outreach/meetings",
        {"id": str(uuid7()), "group_id": gid, "held_on": str(timezone.localdate()), "women": 6},
        content_type="application/json",
    )
    assert met.status_code == 201
    assert client.get("/api/outreach/groups").json()[0]["active"] is True
    report = client.post(
        "/api/outreach/reports",
        {"id": str(uuid7()), "body": "Ada calo di pasar.", "village_code": SABU_VILLAGE,
         "group_id": gid},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="id",
    )  # fmt: skip
    assert report.status_code == 201
    assert (report.json()["outcome"], report.json()["group"]) == ("received", "Purna Migran Menia")
    assert [r["outcome"] for r in client.get("/api/outreach/reports").json()] == ["received"]
    assert SupportGroup.objects.get().last_met_on == timezone.localdate()


def test_api_coverage_for_an_analyst_but_not_for_a_case_worker(
    analyst: User, login_client: Callable[[User], Client]
) -> None:
    rows = login_client(analyst).get("/api/outreach/coverage").json()
    assert len(rows) == 315
    assert rows[0]["district_code"] == "53.17.01"
    assert rows[0]["priority_rank"] == 1
    worker = login_client(make_user(Role.CASE_WORKER))
    assert worker.get("/api/outreach/coverage").status_code == 403
    assert worker.get("/api/outreach/activities").status_code == 403


def seed(actor: User, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        group = services.group_register(
            actor=actor,
            id=uuid7(),
            kind="women",
            name=f"Kelompok {i}",
            village_code=SEMAU_VILLAGE if i % 2 else SABU_VILLAGE,
            member_count=5,
        )
        services.meeting_record(actor=actor, id=uuid7(), group_id=group.pk, held_on=today)
        services.activity_record(
            actor=actor,
            id=uuid7(),
            kind="awareness",
            held_on=today - timedelta(days=i),
            village_code=SABU_VILLAGE,
            reached={"women": 5},
        )
        services.community_report_file(
            actor=actor,
            id=uuid7(),
            body=f"Laporan {i}",
            village_code=SABU_VILLAGE,
            group_id=group.pk,
        )


PINNED = {
    "/outreach/activities/": 3,
    "/outreach/groups/": 4,
    "/outreach/reports/": 5,
    "/outreach/coverage/": 11,
    "/outreach/province/": 12,
    "/outreach/plans/": 3,
    "/outreach/activities/new/": 4,
    "/api/outreach/activities": 3,
    "/api/outreach/groups": 3,
    "/api/outreach/reports": 3,
    "/api/outreach/coverage": 10,
}


@pytest.mark.parametrize("url", list(PINNED))
def test_lists_and_dashboards_pin_their_query_count(
    url: str,
    coordinator: User,
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    seed(coordinator, 3)
    year, quarter = planning.current_quarter()
    planning.plan_create(actor=coordinator, id=uuid7(), year=year, quarter=quarter)
    client = login_client(coordinator)
    client.get(url)  # session and caches warm
    with django_assert_num_queries(PINNED[url]):  # type: ignore[operator]
        assert client.get(url).status_code == 200
    seed(coordinator, 2)  # more records, the same number of queries
    with django_assert_num_queries(PINNED[url]):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_the_plan_page_pins_its_query_count(
    coordinator: User,
    login_client: Callable[[User], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    year, quarter = planning.current_quarter()
    plan = planning.plan_create(actor=coordinator, id=uuid7(), year=year, quarter=quarter)
    for code in ("53.20.01", "53.20.02"):
        planning.plan_target_add(
            actor=coordinator,
            id=uuid7(),
            plan_id=plan.pk,
            district_code=code,
            activities_planned=3,
        )
    seed(coordinator, 2)
    client = login_client(coordinator)
    page = client.get(f"/outreach/plans/{plan.pk}/")
    assert "Sabu Barat" in page.content.decode()
    group = SupportGroup.objects.first()
    assert group is not None
    with django_assert_num_queries(5):  # type: ignore[operator]
        assert client.get(f"/outreach/groups/{group.pk}/").status_code == 200
    with django_assert_num_queries(16):  # type: ignore[operator]
        client.get(f"/outreach/plans/{plan.pk}/")
    progress = planning.plan_progress(user=coordinator, plan=Plan.objects.get())
    # 2 activities, both in Sabu Barat (53.20.01) this quarter: 2 of 3 planned
    assert [(p.target.district_id, p.done, p.percent) for p in progress] == [
        ("53.20.01", 2, 67), ("53.20.02", 0, 0),
    ]  # fmt: skip
