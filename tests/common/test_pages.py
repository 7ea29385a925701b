"""Static assets, error pages and the translation catalogue."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.test import Client

import lintas

LOCALE = Path(lintas.__file__).parent / "locale" / "id" / "LC_MESSAGES"

pytestmark = pytest.mark.django_db


def read_po(path: Path) -> dict[tuple[str, str], str]:
    """(msgid, msgid_plural) -> msgstr (or msgstr[0]); fuzzy entries count as empty."""
    entries: dict[tuple[str, str], str] = {}
    fuzzy = False
    current: dict[str, str] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line:
            if current.get("msgid"):
                text = current.get("msgstr", current.get("msgstr[0]", ""))
                msgid = current["msgid"]
                if "msgctxt" in current:
                    msgid = f"{current['msgctxt']}\x04{msgid}"  # as gettext keys context
                entries[(msgid, current.get("msgid_plural", ""))] = "" if fuzzy else text
            current, key, fuzzy = {}, "", False
    return entries


def test_every_message_is_translated_and_compiled() -> None:
    po = read_po(LOCALE / "django.po")
    assert len(po) > 100
    untranslated = [ids for ids, msgstr in po.items() if not msgstr]
    assert untranslated == []
    with (LOCALE / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [
        (msgid, plural)
        for (msgid, plural), msgstr in po.items()
        if (mo.ngettext(msgid, plural, 1) if plural else mo.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages`: django.mo is older than django.po"


def test_vendored_assets_are_served() -> None:
    client = Client()
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/lintas/lintas.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_unknown_page_is_a_404_in_indonesian() -> None:
    response = Client().get("/tidak/ada/")
    assert response.status_code == 404
    assert "Tidak ditemukan" in response.content.decode()


def test_oversized_body_is_refused_not_crashed() -> None:
    response = Client().post(
        "/accounts/login/",
        data=b"username=" + b"x" * (3 * 1024 * 1024) + b"&password=y",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.content.decode()


def test_security_headers() -> None:
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Language"] == "id"
