"""The phone app's weight: what a phone downloads before it can sign in, and after.

A cheap phone over 2G must open the app within 150 KB compressed (issue 10). The shell
(page, scripts, styles, icons, manifest, service worker) is fetched once and then served
from the cache; the reference data (the province's villages) and the bootstrap come after
the first sign-in, once. Sizes are the bytes the server sends and their gzip -9 size; the
time is that of a slow EDGE link (40 kbit/s), the 2G that the islands often have.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PROJECT_DIR, lintas_command

BUDGET = 150 * 1024
EDGE_BITS_PER_S = 40_000

_MEASURE = """
import gzip, json
from django.test import Client
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import agency_create, user_create
from lintas.mobile.views import shell_urls

agency = agency_create(actor=None, name="IOM Kupang", type=AgencyType.INTERNATIONAL)
user = user_create(actor=None, agency=agency, username="penyuluh.bench",
                   full_name="Penyuluh Bench", role=Role.OUTREACH_COORDINATOR,
                   password="sandi-bench-2026-panjang")
client = Client()
rows = []
def fetch(url, part):
    answer = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200, (url, answer.status_code)
    body = b"".join(answer.streaming_content) if hasattr(answer, "streaming_content") \\
        else answer.content
    if answer.get("Content-Encoding") == "gzip":
        sent = len(body)
        body = gzip.decompress(body)
    else:
        sent = len(gzip.compress(body, 9))
    rows.append([part, url, len(body), sent])
for url in [*shell_urls(), "/m/sw.js"]:
    fetch(url, "shell")
client.force_login(user, backend="lintas.accounts.backends.LockoutModelBackend")
fetch("/api/mobile/bootstrap", "after sign-in")
fetch("/api/mobile/places", "after sign-in")
print("BENCH " + json.dumps(rows))
"""


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINTAS_", "DJANGO_"))}
    env.update(
        LINTAS_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        LINTAS_SECRET_KEY=secrets.token_urlsafe(50),
        LINTAS_DATA_KEY=secrets.token_urlsafe(40),
        LINTAS_NODE="hub",
        LINTAS_ALLOWED_HOSTS="127.0.0.1,testserver",
        LINTAS_SECURE="0",
        LINTAS_VAR_DIR=str(folder / "var"),
    )
    return env


# Chromium's own "Regular 2G" preset: 250 kbit/s down, 50 kbit/s up, 300 ms round trip.
REGULAR_2G = {"latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 50_000 / 8}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_open_over_2g(env: dict[str, str]) -> tuple[float, float]:
    """Seconds until the sign-in form shows on a fresh phone, and then from the cache."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lintas", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env={**env, "LINTAS_DEBUG": "1"},
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/m/"
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with sync_playwright() as playwright:
            chromium = shutil.which(os.environ.get("LINTAS_CHROMIUM", "")) or "/usr/bin/chromium"
            browser = playwright.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **REGULAR_2G})
            started = time.monotonic()
            page.goto(url)
            page.get_by_role("button", name="Masuk").wait_for()
            first = time.monotonic() - started
            page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_timeout(3000)  # the worker fills its cache over the same link
            context.set_offline(True)
            started = time.monotonic()
            page.reload()
            page.get_by_role("button", name="Masuk").wait_for()
            cached = time.monotonic() - started
            browser.close()
        return first, cached
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure() -> tuple[list[tuple[str, str, int, int]], tuple[float, float]]:
    with tempfile.TemporaryDirectory(prefix="lintas-mobile-") as folder:
        env = _env(Path(folder))
        lintas_command(env, "migrate", "--verbosity", "0")
        lintas_command(env, "load-reference")
        out = lintas_command(env, "shell", "-c", _MEASURE)
        timings = _first_open_over_2g(env)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    rows = [tuple(row) for row in json.loads(line.removeprefix("BENCH "))]
    return rows, timings  # type: ignore[return-value]


def _seconds(size: int) -> float:
    return size * 8 / EDGE_BITS_PER_S


def run(quick: bool) -> str:
    rows, (first_s, cached_s) = measure()
    lines = ["| part | file | bytes | gzip -9 |", "| --- | --- | ---: | ---: |"]
    lines += [f"| {part} | `{url}` | {raw:,} | {packed:,} |" for part, url, raw, packed in rows]
    totals = {}
    for part in ("shell", "after sign-in"):
        raw = sum(r[2] for r in rows if r[0] == part)
        packed = sum(r[3] for r in rows if r[0] == part)
        totals[part] = (raw, packed)
    shell_raw, shell_packed = totals["shell"]
    after_raw, after_packed = totals["after sign-in"]
    met = "met" if shell_packed <= BUDGET else "NOT met"
    return "\n".join(
        [
            "### First load and first sign-in",
            "",
            f"- Shell, first load: {shell_raw:,} bytes, {shell_packed:,} compressed "
            f"(goal at most {BUDGET:,} compressed: {met}; even uncompressed "
            f"{'within' if shell_raw <= BUDGET else 'over'} it); "
            f"{_seconds(shell_packed):.1f} s compressed, {_seconds(shell_raw):.1f} s "
            "uncompressed at 40 kbit/s.",
            f"- After the first sign-in, once: {after_raw:,} bytes, {after_packed:,} compressed "
            f"({_seconds(after_packed):.1f} s compressed, {_seconds(after_raw):.1f} s "
            "uncompressed at 40 kbit/s); every later screen comes from the phone's cache and "
            "sealed store.",
            f"- In Chromium on a phone-sized screen over emulated Regular 2G (250 kbit/s, "
            f"300 ms round trip), the sign-in form shows {first_s:.1f} s after the address is "
            f"opened on a phone that never saw the app; reopened offline from the cache: "
            f"{cached_s:.2f} s.",
            "- The places answer is sent gzipped by the hub itself when the phone accepts it "
            "(browsers do); the shell files are served as they are on a post node, so its "
            "uncompressed figure is the one a phone meets there, and the compressed one behind "
            "a proxy that compresses.",
            "",
            *lines,
        ]
    )
