"""The alert queue: highest level first, then the longest waiting; paged; filtered."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.places.models import Post
from lintas.screening.models import Alert, AlertAudience
from lintas.screening.selectors import alerts_queue

pytestmark = pytest.mark.django_db

T0 = timezone.now() - timedelta(days=10)


def _alert(
    level: str, hours: int, *, post: str = "motaain", kind: str = "indicators", status: str = "open"
) -> Alert:
    return Alert.objects.create(
        kind=kind,
        audience=AlertAudience.POST,
        level=level,
        post_id=post,
        status=status,
        created_at=T0 + timedelta(hours=hours),
        summary={"reasons": [], "next_step": "none"},
    )


@pytest.fixture
def hub_investigator(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.INVESTIGATOR)


def _rows(html: str) -> list[str]:
    return re.findall(r"/screening/alerts/([0-9a-f-]{36})/", html)


def test_high_before_medium_before_low_and_the_oldest_first_within_a_level(
    hub_investigator: User,
) -> None:
    medium_old = _alert("medium", 1)
    high_new = _alert("high", 50)
    low = _alert("low", 0)
    high_old = _alert("high", 2)
    medium_new = _alert("medium", 40)
    assert list(alerts_queue(user=hub_investigator)) == [
        high_old,
        high_new,
        medium_old,
        medium_new,
        low,
    ]


def test_filters_by_level_post_kind_and_status(hub_investigator: User) -> None:
    a = _alert("high", 1)
    b = _alert("high", 2, post="wini", kind="watch_list")
    c = _alert("medium", 3, post="wini")
    d = _alert("high", 4, status="closed")
    q = alerts_queue
    assert list(q(user=hub_investigator, level="high")) == [a, b]
    assert list(q(user=hub_investigator, post="wini")) == [b, c]
    assert list(q(user=hub_investigator, kind="watch_list")) == [b]
    assert list(q(user=hub_investigator, status="closed")) == [d]
    assert list(q(user=hub_investigator, status="")) == [a, b, d, c]


def test_the_page_is_paged_50_at_a_time_in_three_queries_after_sign_in(
    hub_investigator: User, login_client: Callable[[User], Client]
) -> None:
    alerts = [_alert("high" if i % 3 == 0 else "medium", i) for i in range(120)]
    expected = [a for a in alerts if a.level == "high"] + [a for a in alerts if a.level == "medium"]
    client = login_client(hub_investigator)
    client.get("/screening/alerts/")  # session and language settle
    with CaptureQueriesContext(connection) as first:
        page1 = client.get("/screening/alerts/")
    html = page1.content.decode()
    assert page1.status_code == 200
    assert _rows(html) == [str(a.pk) for a in expected[:50]]
    assert "120 peringatan · halaman 1 dari 3" in html
    assert 'href="?status=open&amp;page=2"' in html
    page3 = client.get("/screening/alerts/?status=open&page=3").content.decode()
    assert _rows(page3) == [str(a.pk) for a in expected[100:]]
    assert "Berikutnya" not in page3
    assert "Sebelumnya" in page3
    with CaptureQueriesContext(connection) as third:
        client.get("/screening/alerts/?status=open&page=3")
    # session, user, the posts to filter by, count, page (the same for every page)
    assert (len(first), len(third)) == (5, 5)


def test_an_htmx_filter_change_returns_the_results_only(
    hub_investigator: User, login_client: Callable[[User], Client]
) -> None:
    a = _alert("high", 1, post="wini")
    _alert("high", 2)
    client = login_client(hub_investigator)
    response = client.get(
        "/screening/alerts/?status=open&post=wini", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert (response.status_code, _rows(html)) == (200, [str(a.pk)])
    assert "<form" not in html
    assert "1 peringatan" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("level=urgent", "Tingkat"),
        ("status=gone", "Status"),
        ("kind=pattern%20x", "Jenis"),
        ("post=" + "x" * 5000, "Pos"),
    ],
    ids=["level", "status", "kind", "huge"],
)
def test_an_unknown_filter_value_is_a_clear_message_and_shows_nothing(
    hub_investigator: User, login_client: Callable[[User], Client], query: str, field: str
) -> None:
    _alert("high", 1)
    response = login_client(hub_investigator).get(f"/screening/alerts/?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ada saringan dengan nilai yang tidak dikenal halaman ini" in html
    assert f"({field})" in html
    assert _rows(html) == []


def test_a_post_supervisor_may_not_filter_by_another_post(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    supervisor = user_factory(Role.SUPERVISOR, post=Post.objects.get(code="motaain"))
    own = _alert("high", 1)
    _alert("high", 2, post="wini")
    client = login_client(supervisor)
    page = client.get("/screening/alerts/")
    assert _rows(page.content.decode()) == [str(own.pk)]
    assert 'name="post"' not in page.content.decode()  # only one post: no choice to offer
    other = client.get("/screening/alerts/?post=wini")
    assert other.status_code == 400
    assert _rows(other.content.decode()) == []


def test_the_api_refuses_an_unknown_status(
    hub_investigator: User, login_client: Callable[[User], Client]
) -> None:
    _alert("high", 1)
    client = login_client(hub_investigator)
    refused = client.get("/api/alerts?status=gone")
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"status": "Status tidak dikenal."}
    assert [a["level"] for a in client.get("/api/alerts?status=").json()] == ["high"]
