"""The phone app's shell, service worker and manifest: no data, the same for everyone.

The shell holds no record and no name: it is cached by the service worker so that the app
opens without signal, and everything it shows comes from the phone's sealed store or the
API. The service worker's cache is named after a digest of the files it keeps, so that a
new release replaces the old shell at the next visit with signal.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

SHELL_FILES = (
    "mobile/app.css",
    "mobile/app.js",
    "mobile/forms.js",
    "mobile/i18n.js",
    "mobile/queue.js",
    "mobile/store.js",
    "mobile/icon.svg",
    "mobile/icon-192.png",
    "mobile/icon-512.png",
)


@cache
def shell_version() -> str:
    """A digest of every file the shell is made of (and of the shell page itself)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = finders.find(name)
        assert isinstance(path, str), name
        with open(path, "rb") as handle:
            digest.update(handle.read())
    templates = Path(__file__).parent / "templates" / "mobile"
    for template in ("shell.html", "sw.js"):
        digest.update((templates / template).read_bytes())
    return digest.hexdigest()[:16]


def shell_urls() -> list[str]:
    return [reverse("mobile:shell"), reverse("mobile:manifest"), *map(static, SHELL_FILES)]


def _no_store_of_data(response: HttpResponse) -> HttpResponse:
    # The service worker decides what is kept; the browser's HTTP cache should not.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    return _no_store_of_data(render(request, "mobile/shell.html"))


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "mobile/sw.js",
        {
            "version": shell_version(),
            "shell_urls": json.dumps(shell_urls()),
            "shell_url": reverse("mobile:shell"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    return _no_store_of_data(response)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    shell_url = reverse("mobile:shell")
    body = {
        "name": "Lintas Lapangan",
        "short_name": "Lintas",
        "description": "Catat penyuluhan, pertemuan kelompok, laporan masyarakat dan "
        "kunjungan tindak lanjut tanpa sinyal.",
        "lang": "id",
        "start_url": shell_url,
        "scope": shell_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d3b",
        "icons": [
            {"src": static("mobile/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("mobile/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    return _no_store_of_data(response)
