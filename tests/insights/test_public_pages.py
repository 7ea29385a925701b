"""The analyst's page for the public statistics: what is published, publishing, its queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.insights.models import PublicRelease
from lintas.insights.services import public_release_publish
from tests.insights import world

pytestmark = pytest.mark.django_db

URL = "/insights/public/"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def analyst(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.ANALYST)


def test_the_analyst_publishes_from_the_page_and_sees_each_table(
    analyst: User, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    world.cases(user_factory(Role.CASE_WORKER), 2026, "53.04", 12)
    client = login_client(analyst)
    assert "Belum ada yang diterbitkan" in client.get(URL).content.decode()
    response = client.post(URL, follow=True)
    release = PublicRelease.objects.get()
    assert release.generated_by == analyst
    html = response.content.decode()
    assert "Angka baru diterbitkan:" in html
    row = html.split("<td>Kasus menurut kabupaten/kota dan tahun</td>", 1)[1].split("</tr>", 1)[0]
    cells = release.payload["tables"][0]["cells"]
    hidden = sum(1 for c in cells if c["suppressed"])
    assert row == (
        f'<td class="num">{len(cells)}</td><td class="num">{hidden}</td><td class="num">12</td>'
    )


def test_the_page_is_three_queries_however_many_releases(
    analyst: User, login_client: Callable[[User], Client], django_assert_num_queries: Any
) -> None:
    client = login_client(analyst)
    for days in range(5):
        public_release_publish(actor=analyst if days % 2 else None, now=NOW - timedelta(days=days))
    # session, user, the releases with who published them
    with django_assert_num_queries(3):
        html = client.get(URL).content.decode()
    assert html.count("dari baris perintah") == 3  # the latest and two earlier: the command
    assert html.count("<code>") == 4


def test_a_case_worker_is_refused_and_nothing_is_published(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(Role.CASE_WORKER))
    audited = AuditEntry.objects.count()
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert PublicRelease.objects.count() == 0
    assert AuditEntry.objects.count() == audited
