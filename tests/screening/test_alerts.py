"""The alert workflow: queue by audience, acknowledge, close with an outcome, audit."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.common.errors import Conflict, NotFound, ValidationFailed
from lintas.places.models import Post
from lintas.screening.models import Alert
from lintas.screening.selectors import alerts_queue
from lintas.screening.services import alert_acknowledge, alert_close
from tests.screening.conftest import cross

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(officer: User) -> Alert:
    cross(officer, purpose="work", destination="Nunukan")
    return Alert.objects.get()


def test_queue_by_post_and_hub(
    alert: Alert, supervisor: User, user_factory: Callable[..., User]
) -> None:
    wini_supervisor = user_factory(Role.SUPERVISOR, post=Post.objects.get(code="wini"))
    hub_investigator = user_factory(Role.INVESTIGATOR)
    case_worker = user_factory(Role.CASE_WORKER)
    assert list(alerts_queue(user=supervisor)) == [alert]
    assert list(alerts_queue(user=hub_investigator)) == [alert]
    assert list(alerts_queue(user=wini_supervisor)) == []
    assert list(alerts_queue(user=case_worker)) == []


def test_acknowledge_then_close(alert: Alert, supervisor: User) -> None:
    acked = alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    assert (acked.status, acked.acknowledged_by_id, acked.version) == (
        "acknowledged",
        supervisor.pk,
        2,
    )
    with pytest.raises(Conflict):
        alert_acknowledge(actor=supervisor, alert_id=alert.pk)
    with pytest.raises(ValidationFailed):
        alert_close(actor=supervisor, alert_id=alert.pk, outcome="no_concern", note="")
    closed = alert_close(
        actor=supervisor,
        alert_id=alert.pk,
        outcome="referred_police",
        note="Diserahkan ke Polres Belu",
    )
    assert (closed.status, closed.outcome, closed.version) == ("closed", "referred_police", 3)
    actions = list(
        AuditEntry.objects.filter(object_id=str(alert.pk)).values_list("action", flat=True)
    )
    assert actions == ["alert.create", "alert.acknowledge", "alert.close"]


def test_another_posts_supervisor_cannot_act(
    alert: Alert, user_factory: Callable[..., User]
) -> None:
    other = user_factory(Role.SUPERVISOR, post=Post.objects.get(code="motamasin"))
    with pytest.raises(NotFound):
        alert_acknowledge(actor=other, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.status == "open"


def test_alert_pages_and_api(
    alert: Alert, supervisor: User, officer: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(supervisor)
    page = client.get("/screening/alerts/").content.decode()
    assert "Tinggi" in page
    detail = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Pekerja migran keluar tanpa dokumen penempatan" in detail
    assert (
        client.post(f"/screening/alerts/{alert.pk}/", {"action": "acknowledge"}).status_code == 302
    )
    response = client.post(
        f"/api/alerts/{alert.pk}/close",
        data=json.dumps({"outcome": "no_concern", "note": "Izin ada, salah input"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert client.get("/api/alerts?status=closed").json()[0]["id"] == str(alert.pk)
    officer_client = login_client(officer)
    assert officer_client.get("/screening/alerts/").content.decode().count("level-high") == 0
    assert officer_client.get(f"/screening/alerts/{alert.pk}/").status_code == 404
