"""The public statistics page: the published release, in three languages, no small count."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.insights.services import public_release_publish
from lintas.portal import statistics
from tests.insights import world

pytestmark = pytest.mark.django_db

URL = "/publik/statistik/"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


def client_in(language: str) -> Client:
    client = Client()
    client.cookies["lintas_language"] = language
    return client


@pytest.fixture
def published(user_factory: Callable[..., User]) -> Any:
    owner = user_factory(Role.CASE_WORKER)
    for year, regency, n in [(2025, "53.04", 15), (2026, "53.04", 30), (2026, "53.71", 20)]:
        world.cases(owner, year, regency, n)
    [case] = world.cases(owner, 2026, "53.71", 1)
    world.victims(
        case, 12, gender="Feminine", age_when_trafficked=16, exploitation_types=["ForcedLabour"]
    )
    world.tips(2026, "sms", 14)
    statistics._CACHE.clear()
    return public_release_publish(actor=None, now=NOW)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", "Belum ada angka yang diterbitkan."),
        ("en", "No figures have been published yet."),
        ("tet", "Seidauk publika númeru ida."),
    ],
)
def test_before_any_release_the_page_says_so(language: str, words: str) -> None:
    response = client_in(language).get(URL)
    assert response.status_code == 200
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "dated", "labour"),
    [
        (
            "id",
            "Perdagangan orang dalam angka",
            "Angka diterbitkan pada 4 Desember 2026, 11:00 (WITA), untuk tahun 2025 sampai 2026.",
            "Kerja paksa",
        ),
        (
            "en",
            "Human trafficking in figures",
            "Figures published on 4 December 2026, 11:00 (WITA), for 2025 to 2026.",
            "Forced labour",
        ),
        ("tet", "Tráfiku ema iha númeru", "Númeru publika iha 4", "Servisu forsadu"),
    ],
)
def test_the_release_is_shown_in_the_readers_language(
    published: Any, language: str, heading: str, dated: str, labour: str
) -> None:
    html = client_in(language).get(URL).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert dated in html
    assert f'<th scope="row">{labour}</th>' in html


def _on_the_grid(table: dict[str, Any]) -> tuple[list[int], int]:
    """The numbers a table puts in its grid, and how many hidden marks: its cells, and its
    grand total where it has both kinds of totals (overlapping columns show it apart)."""
    cells = list(table["cells"])
    if table["row_totals"]:
        cells.append({"count": table["total"], "suppressed": table["total_suppressed"]})
    shown = [c["count"] for c in cells if not c["suppressed"]]
    return shown, sum(1 for c in cells if c["suppressed"])


def test_no_count_under_eleven_is_on_the_page_and_each_hidden_one_is_marked(
    published: Any,
) -> None:
    html = client_in("id").get(URL).content.decode()
    on_page = [int(n) for n in re.findall(r"<td(?: class=\"total\")?>(\d+)</td>", html)]
    marks = html.count('<span aria-hidden="true">—</span><span class="sr">disembunyikan</span>')
    grids = [_on_the_grid(t) for t in published.payload["tables"]]
    assert min(on_page) == 12
    assert sorted(on_page) == sorted(n for shown, _hidden in grids for n in shown)
    assert marks == sum(hidden for _shown, hidden in grids)
    # The numbers the records give: 45 cases in Belu (15 and 30).
    row = html.split("Kabupaten Belu</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)<", row) == ["15", "30", "45"]


def test_the_page_is_one_query_and_revalidates_with_its_etag(
    published: Any, django_assert_num_queries: Any
) -> None:
    client = client_in("id")
    first = client.get(URL)
    with django_assert_num_queries(1):  # the latest release; its layout is kept
        again = client.get(URL)
    assert again.content == first.content
    etag = first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.post(URL).status_code == 405
