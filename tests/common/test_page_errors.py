"""Pages answer the domain's errors in one place: 403, 404, 400, the form, the message."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.page_error_urls")]

FORBIDDEN = "Peran Anda tidak memberi akses ke halaman ini. Tidak ada yang diubah."
NOT_FOUND = "Halaman atau data ini tidak ada, atau bukan untuk Anda lihat."


def _page(client: Client, url: str, method: str = "get") -> tuple[int, list[str], str]:
    response = getattr(client, method)(url)
    return (
        response.status_code,
        [t.name for t in response.templates if t.name and not t.name.startswith("_")][:1],
        response.content.decode(),
    )


@pytest.fixture
def client_in(user_factory: Callable[..., User], login_client: Callable[[User], Client]) -> Client:
    return login_client(user_factory(Role.POST_OFFICER))


def test_permission_denied_gives_the_403_page(client_in: Client) -> None:
    status, templates, html = _page(client_in, "/forbidden/")
    assert (status, templates) == (403, ["403.html"])
    assert "<h1>Tidak diizinkan</h1>" in html
    assert FORBIDDEN in html


def test_not_found_gives_the_404_page(client_in: Client) -> None:
    status, templates, html = _page(client_in, "/missing/")
    assert (status, templates) == (404, ["404.html"])
    assert "<h1>Tidak ditemukan</h1>" in html
    assert NOT_FOUND in html


def test_not_found_under_the_portal_gives_the_portals_page(client: Client) -> None:
    status, templates, html = _page(client, "/portal-test/missing/")
    assert (status, templates) == (404, ["portal/not_found.html"])
    assert "Halaman tidak ditemukan" in html


@pytest.mark.parametrize("url", ["/invalid/", "/conflict/"])
def test_another_refusal_gives_the_400_page_with_its_message(client_in: Client, url: str) -> None:
    status, templates, html = _page(client_in, url)
    assert (status, templates) == (400, ["400.html"])
    message = {"/invalid/": "Masukan tidak valid.", "/conflict/": "Tindakan tidak dikenal."}[url]
    assert f"<p data-refusal>{message}</p>" in html


def test_a_form_post_shows_the_refusal_on_the_form(client_in: Client) -> None:
    response = client_in.post("/form/", {"name": "x"})
    assert (response.status_code, response.content.decode()) == (
        400,
        # Next to its field; the general message only when no field shows the refusal.
        "Tindakan tidak dikenal.|",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [("0", "Masukan tidak valid."), ("1", "Masukan tidak valid. Tindakan tidak dikenal.")],
)
def test_a_button_post_flashes_the_refusal(client_in: Client, fields: str, message: str) -> None:
    response = client_in.post("/button/", {"fields": fields})
    assert response.status_code == 302
    assert [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] == [
        ("error", message)
    ]


def test_real_pages_use_the_mapping(client_in: Client, client: Client) -> None:
    # A selector's PermissionDenied (a post officer and the watch lists), a selector's
    # NotFound (a case that does not exist), the portal's unknown post.
    assert _page(client_in, "/screening/watch-lists/")[:2] == (403, ["403.html"])
    assert _page(client, "/publik/pos/tidak-ada/")[:2] == (404, ["portal/not_found.html"])
