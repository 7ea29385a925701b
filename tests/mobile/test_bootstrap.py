"""What a phone is given to work offline, and the follow-up visits a case worker records."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, FollowUp
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.cases.support import follow_ups_schedule
from lintas.outreach.services import group_register
from lintas.places.models import District, Regency, Village
from tests.factories import PASSWORD, make_agency, make_user

pytestmark = pytest.mark.django_db


def _token(user: User) -> str:
    answer = Client().post(
        "/api/mobile/keys",
        json.dumps({"username": user.username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    return str(answer.json()["token"])


def _call(method: str, path: str, token: str, body: Any = None) -> Any:
    client = Client()
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def shelter(reference: None) -> Any:
    return make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")


@pytest.fixture
def worker(shelter: Any) -> User:
    return make_user(Role.CASE_WORKER, agency=shelter, username="pendamping.rpk")


def _survivor_case(worker: User, months: tuple[int, ...] = (1, 3)) -> tuple[Case, list[FollowUp]]:
    case = case_open(actor=worker, summary="Kasus uji tindak lanjut")
    victim = case_person_add(
        actor=worker, case=case, data=PersonData(role="victim", first_name="Maria")
    )
    start = timezone.localdate() - timedelta(days=40)
    return case, follow_ups_schedule(actor=worker, person=victim, months=months, start=start)


def test_a_case_worker_gets_the_visits_of_own_cases_without_identity(worker: User) -> None:
    case, (first, second) = _survivor_case(worker)
    colleague = make_user(Role.CASE_WORKER, agency=worker.agency)
    _survivor_case(colleague)  # a colleague's case: not on this phone
    token = _token(worker)
    with CaptureQueriesContext(connection) as queries:
        answer = _call("get", "/api/mobile/bootstrap", token)
    assert answer.status_code == 200
    body = answer.json()
    assert body["visits"] == [
        {
            "id": str(first.pk),
            "case_reference": case.reference,
            "due_on": str(first.due_on),
            "overdue": True,
        },
        {
            "id": str(second.pk),
            "case_reference": case.reference,
            "due_on": str(second.due_on),
            "overdue": False,
        },
    ]
    assert "Maria" not in answer.content.decode()
    assert (body["profile"]["records_outreach"], body["profile"]["records_follow_ups"]) == (
        False,
        True,
    )
    assert body["groups"] == []
    assert [o["label"] for o in body["outcomes"]][:2] == [
        "Aman dan didampingi",
        "Berisiko: didekati perekrut atau dalam kesulitan",
    ]
    # The key with its user and agency; the visits with their cases.
    assert len(queries) == 2


def test_a_visit_recorded_from_a_phone_is_idempotent_and_checked(worker: User) -> None:
    case, (first, _second) = _survivor_case(worker)
    token = _token(worker)
    path = f"/api/mobile/follow-ups/{first.pk}"
    today = str(timezone.localdate())
    visit = {"outcome": "safe", "note": "", "done_on": today}
    done = _call("post", path, token, visit)
    assert done.status_code == 200
    assert done.json() == {
        "id": str(first.pk),
        "case_reference": case.reference,
        "done_on": today,
        "outcome": "safe",
    }
    entries = AuditEntry.objects.count()
    assert _call("post", path, token, visit).json() == done.json()
    assert AuditEntry.objects.count() == entries
    other = _call("post", path, token, {**visit, "outcome": "at_risk", "note": "Didekati calo"})
    assert (other.status_code, other.json()["code"]) == (409, "conflict")
    first.refresh_from_db()
    assert (first.outcome, first.note) == ("safe", "")


@pytest.mark.parametrize(
    ("visit", "field", "message"),
    [
        ({"outcome": "fine", "note": ""}, "outcome", "Pilih hasil."),
        ({"outcome": "at_risk", "note": ""}, "note", "Bidang ini tidak boleh kosong."),
        ({"outcome": "safe", "note": "", "done_on": "03/14/2026"}, "done_on", None),
        ({"outcome": "safe", "note": "", "done_on": "2999-01-01"}, "done_on", None),
        ({"outcome": "safe", "note": "a\x00b"}, None, None),
    ],
)
def test_a_bad_visit_changes_nothing(
    worker: User, visit: dict[str, str], field: str | None, message: str | None
) -> None:
    _case, (first, _second) = _survivor_case(worker)
    token = _token(worker)
    body = {"done_on": str(timezone.localdate()), **visit}
    answer = _call("post", f"/api/mobile/follow-ups/{first.pk}", token, body)
    if field is None:
        assert (answer.status_code, answer.json()["code"]) == (400, "nul_character")
    else:
        assert answer.status_code == 422
        assert list(answer.json()["fields"]) == [field]
        if message:
            assert answer.json()["fields"][field] == message
    first.refresh_from_db()
    assert (first.done_on, first.outcome) == (None, "")


def test_another_agencys_visit_reads_as_not_found(worker: User) -> None:
    _case, (first, _second) = _survivor_case(worker)
    elsewhere = make_user(Role.CASE_WORKER, agency=make_agency(type=AgencyType.NGO))
    visit = {"outcome": "safe", "note": "", "done_on": str(timezone.localdate())}
    answer = _call("post", f"/api/mobile/follow-ups/{first.pk}", _token(elsewhere), visit)
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    coordinator = make_user(Role.OUTREACH_COORDINATOR, agency=worker.agency)
    answer = _call("post", f"/api/mobile/follow-ups/{first.pk}", _token(coordinator), visit)
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    first.refresh_from_db()
    assert first.done_on is None


def test_an_outreach_worker_gets_the_groups_and_the_places(reference: None) -> None:
    agency = make_agency(type=AgencyType.RELIGIOUS, name="Sinode GKS")
    coordinator = make_user(Role.OUTREACH_COORDINATOR, agency=agency)
    group = group_register(
        actor=coordinator,
        id="01900000-0000-7000-8000-0000000000a1",
        kind="church",
        name="Komite Jemaat Menia",
        village_code="53.20.01.2002",
        member_count=12,
    )
    token = _token(coordinator)
    body = _call("get", "/api/mobile/bootstrap", token).json()
    assert body["groups"] == [
        {"id": str(group.pk), "name": "Komite Jemaat Menia", "village_code": "53.20.01.2002"}
    ]
    assert body["visits"] == []
    assert {"value": "awareness", "label": "Sosialisasi"} in body["activity_kinds"]
    places = _call("get", "/api/mobile/places", token).json()
    assert len(places["regencies"]) == Regency.objects.count() == 22
    assert len(places["districts"]) == District.objects.count() == 315
    assert len(places["villages"]) == Village.objects.count()
    assert ["53.20.01.2002", "Menia"] in places["villages"]
    # Over 2G the phone takes it compressed (the browser unpacks it).
    packed = Client().get(
        "/api/mobile/places", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert packed["Content-Encoding"] == "gzip"
    assert packed["Vary"].split(", ")[0] == "Accept-Encoding"
    assert json.loads(gzip.decompress(packed.content)) == places
    assert len(packed.content) * 3 < len(json.dumps(places))
