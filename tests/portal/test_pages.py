"""Public pages: three languages, small and cacheable, accurate, usable without JavaScript."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from lintas.crossings.models import PostPlbPolicy

pytestmark = pytest.mark.django_db

PAGES = [
    "/publik/",
    "/publik/pos/",
    "/publik/pos/wini/",
    "/publik/pos/motaain/",
    "/publik/pos/motamasin/",
    "/publik/dokumen/",
    "/publik/migrasi-aman/",
    "/publik/agensi/",
    "/publik/lapor/",
    "/publik/cek/",
]
INFO_PAGES = [p for p in PAGES if p not in ("/publik/lapor/", "/publik/cek/")]
H1 = {
    "id": "Melintas batas dan bekerja di luar negeri dengan aman",
    "en": "Crossing the border and working abroad safely",
    "tet": "Liu fronteira no servisu iha rai li'ur ho seguru",
}
PAGE_LIMIT = 30_000


def client_in(language: str) -> Client:
    client = Client()
    client.cookies["lintas_language"] = language
    return client


class Structure(HTMLParser):
    """Headings, form controls and their labels, scripts: what a screen reader relies on."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.scripts: list[dict[str, str | None]] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden",):
            self.controls.append(a)
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag == "script":
            self.scripts.append(a)


def parse(html: str) -> Structure:
    structure = Structure()
    structure.feed(html)
    return structure


@pytest.mark.parametrize("language", ["id", "en", "tet"])
def test_every_page_answers_in_each_language(reference: None, language: str) -> None:
    client = client_in(language)
    home = client.get("/publik/")
    assert f"<h1>{H1[language]}</h1>" in home.content.decode()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Language"] == language
        page = parse(response.content.decode())
        assert page.html_lang == language, path
        assert page.headings.count("h1") == 1, path


def test_the_language_switch_is_a_plain_link_that_comes_back(reference: None) -> None:
    client = Client()
    page = client.get("/publik/pos/").content.decode()
    assert '<strong lang="id" aria-current="true">Bahasa Indonesia</strong>' in page
    assert (
        '<a href="/publik/bahasa/tet/?next=/publik/pos/" lang="tet" hreflang="tet" '
        'rel="nofollow">Tetun</a>'
    ) in page
    switched = client.get("/publik/bahasa/tet/", {"next": "/publik/pos/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/publik/pos/"
    assert switched.cookies["lintas_language"].value == "tet"
    assert "<h1>Postu fronteira</h1>" in client.get("/publik/pos/").content.decode()
    # Only portal pages are accepted as the way back.
    for target in ("https://evil.example/", "//evil.example/", "/accounts/login/"):
        away = client.get("/publik/bahasa/en/", {"next": target})
        assert away["Location"] == "/publik/"
    unknown = client.get("/publik/bahasa/xx/", {"next": "/publik/pos/"})
    assert "lintas_language" not in unknown.cookies


def test_pages_are_small_and_need_no_javascript(reference: None) -> None:
    css_path = finders.find("portal/portal.css")
    assert isinstance(css_path, str)
    css = Path(css_path).stat().st_size
    assert css < 4_000
    for language in ("id", "en", "tet"):
        client = client_in(language)
        for path in PAGES:
            size = len(client.get(path).content)
            assert size + css < PAGE_LIMIT, (path, language, size)
    for path in INFO_PAGES:
        assert parse(Client().get(path).content.decode()).scripts == [], path
    # The report form loads htmx only to narrow the place lists, deferred; it works without.
    scripts = parse(Client().get("/publik/lapor/").content.decode()).scripts
    assert scripts == [{"src": "/static/vendor/htmx/htmx.min.js", "defer": None}]


def test_information_pages_revalidate_with_an_etag(reference: None) -> None:
    client = Client()
    first = client.get("/publik/dokumen/")
    assert first["Cache-Control"] == "no-cache"
    assert "Cookie" in first["Vary"]
    again = client.get("/publik/dokumen/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    english = client_in("en").get("/publik/dokumen/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert english.status_code == 200
    static = client.get("/static/portal/portal.css")
    assert static.status_code == 200
    assert "Last-Modified" in static
    assert "max-age" in static["Cache-Control"]


def test_every_form_control_has_a_label(reference: None) -> None:
    client = client_in("en")
    for path in PAGES:
        page = parse(client.get(path).content.decode())
        for control in page.controls:
            if control.get("type") == "radio":
                continue  # each radio sits inside its own <label>
            assert control.get("id") in page.label_for, (path, control)


def test_the_post_pages_state_the_border_pass_and_market_rules(reference: None) -> None:
    client = client_in("en")
    motaain = client.get("/publik/pos/motaain/").content.decode()
    assert "Crossing points: Motaain, Turiskain." in motaain
    assert "Residents of Timor-Leste may enter the market area without a passport" in motaain
    assert "Register at the entrance: you receive a slip." in motaain
    assert "Or a border pass (PLB), if you live in one of the listed border districts" in motaain
    motamasin = client.get("/publik/pos/motamasin/").content.decode()
    assert "The border pass (PLB) is not accepted at this post since 2020." in motamasin
    assert "market area" not in motamasin
    wini = client.get("/publik/pos/wini/").content.decode()
    assert "Across the border: Oecusse exclave (Timor-Leste)." in wini
    assert "About 48 km from Kefamenanu." in wini
    for page in (motaain, motamasin, wini):
        assert "ask at the post before you travel" in page
        assert "smuggling" not in page  # the posts' internal notes are not public
    missing = client.get("/publik/pos/nowhere/")
    assert missing.status_code == 404
    assert "<h1>Page not found</h1>" in missing.content.decode()
    elsewhere = client_in("tet").get("/publik/no/such/page/")
    assert elsewhere.status_code == 404
    assert "<h1>Pájina la hetan</h1>" in elsewhere.content.decode()


def test_the_documents_page_reads_the_border_pass_lists(reference: None) -> None:
    page = client_in("en").get("/publik/dokumen/").content.decode()
    assert "Valid for one year." in page
    assert "Stay: up to 10 days per visit, which can be extended to 30 days." in page
    assert "Not accepted at PLBN Motamasin since 2020." in page
    assert "<li>Raihat (Kabupaten Belu)</li>" in page
    assert "<li>Maliana (Bobonaro)</li>" in page
    assert "<li>Pante Makassar (Oecusse)</li>" in page
    assert "Lamaknen Selatan" not in page  # a district still waiting for a decision
    # An administrator's decision shows at once.
    PostPlbPolicy.objects.filter(post_id="motamasin").update(accepts_plb=True, since=None)
    page = client_in("en").get("/publik/dokumen/").content.decode()
    assert "Not accepted at" not in page


def test_the_safe_migration_page_covers_the_legal_route_and_warning_signs(
    reference: None,
) -> None:
    page = client_in("en").get("/publik/migrasi-aman/").content.decode()
    for text in (
        "licensed placement agency (P3MI)",
        "BP3MI NTT",
        "labour office (Disnakertrans)",
        "uang sirih pinang",
        "jalan tikus",
        "Rumah Perempuan Kupang",
        "IOM (International Organization for Migration)",
        "GKS synod",
        "Law 18/2017",
    ):
        assert text in page, text
    indonesian = client_in("id").get("/publik/migrasi-aman/").content.decode()
    assert "<h2>Tanda bahaya</h2>" in indonesian
    tetum = client_in("tet").get("/publik/migrasi-aman/").content.decode()
    assert "<h2>Sinál perigu</h2>" in tetum


def test_the_sms_number_shows_only_when_configured(reference: None, settings: object) -> None:
    assert "SMS" not in client_in("en").get("/publik/").content.decode()
    from django.test import override_settings

    with override_settings(LINTAS_PUBLIC_SMS_NUMBER="0812 0000 1111"):
        page = client_in("en").get("/publik/").content.decode()
    assert "By SMS or WhatsApp: send what happened to 0812 0000 1111." in page
