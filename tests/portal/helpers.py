"""Shared steps of the portal tests: the real form, the real token, the real client."""

from __future__ import annotations

import re
import time
from typing import Any

from django.test import Client

from lintas.portal.security import form_token_issue

RECEIPT_RE = re.compile(r"\b([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})\b")
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def aged_token(seconds: float = 30) -> str:
    """A form token as if the form had been shown ``seconds`` ago (a person filling it)."""
    return form_token_issue(now=time.time() - seconds)


def tip_data(**overrides: str) -> dict[str, str]:
    data = {
        "body": "Seorang perekrut menjemput tiga anak perempuan dari Silawan pada malam hari.",
        "regency": "53.04",
        "district": "53.04.02",
        "village": "53.04.02.2001",
        "happened_on": "2026-11-20",
        "at_risk": "child",
        "contact": "",
        "contact_phone": "",
        "token": aged_token(),
        "website": "",
    }
    data.update(overrides)
    return data


def receipt_in(html: str) -> str:
    """The receipt code shown on a page (grouped spans joined by dashes)."""
    flat = re.sub(r"</?span>", "", html)
    match = RECEIPT_RE.search(flat)
    assert match is not None, "no receipt code on the page"
    return match.group(1)


def token_in(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match is not None
    return match.group(1)


def post_tip(client: Client, **overrides: str) -> Any:
    return client.post("/publik/lapor/", tip_data(**overrides))


def english(client: Client) -> Client:
    client.cookies["lintas_language"] = "en"
    return client
