"""The shell the phone caches: no data in it, everything vendored, small enough for 2G."""

from __future__ import annotations

import gzip
import json
import re
import struct

import pytest
from django.test import Client

from lintas.mobile.views import SHELL_FILES, shell_urls, shell_version

pytestmark = pytest.mark.django_db

# What a phone downloads before it can sign in, compressed: the ceiling.
FIRST_LOAD_BUDGET = 150 * 1024


def _body(client: Client, url: str) -> bytes:
    answer = client.get(url)
    assert answer.status_code == 200, url
    if hasattr(answer, "streaming_content"):
        return b"".join(answer.streaming_content)
    return bytes(answer.content)


def test_the_shell_names_only_files_of_this_origin() -> None:
    answer = Client().get("/m/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert answer["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in answer["Content-Security-Policy"]
    assert sorted(re.findall(r'(?:src|href)="([^"]+)"', html)) == sorted(
        [
            "/m/manifest.webmanifest",
            "/static/mobile/icon.svg",
            "/static/mobile/icon-192.png",
            "/static/mobile/app.css",
            "/static/mobile/app.js",
        ]
    )
    assert "<script>" not in html  # no inline script: the policy would block it


def test_the_service_worker_caches_the_whole_shell_under_its_version() -> None:
    answer = Client().get("/m/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/javascript; charset=utf-8"
    source = answer.content.decode()
    assert f'const CACHE = "lintas-m-{shell_version()}";' in source
    listed = json.loads(re.search(r"const SHELL = (\[.*?\]);", source).group(1))  # type: ignore[union-attr]
    assert listed == shell_urls()
    assert listed[:2] == ["/m/", "/m/manifest.webmanifest"]
    assert len(listed) == 2 + len(SHELL_FILES)
    # Records, keys and places are never answered from the cache.
    assert 'if (url.pathname.startsWith("/api/")) return;' in source


def test_the_manifest_makes_the_app_installable() -> None:
    client = Client()
    answer = client.get("/m/manifest.webmanifest")
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = answer.json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"], manifest["lang"]) == (
        "/m/",
        "/m/",
        "standalone",
        "id",
    )
    sizes = {}
    for icon in manifest["icons"]:
        data = _body(client, icon["src"])
        if icon["type"] == "image/png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            sizes[icon["sizes"]] = (width, height)
        else:
            assert data.startswith(b"<svg")
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_the_first_load_fits_a_2g_phone() -> None:
    client = Client()
    urls = [*shell_urls(), "/m/sw.js"]
    raw = {url: _body(client, url) for url in urls}
    compressed = sum(len(gzip.compress(body, 9)) for body in raw.values())
    # Even uncompressed, the shell fits the budget (a server that does not compress).
    assert sum(map(len, raw.values())) < FIRST_LOAD_BUDGET
    assert compressed < FIRST_LOAD_BUDGET / 5
