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
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
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


def _lintas(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lintas", *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"lintas {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def measure() -> list[tuple[str, str, int, int]]:
    with tempfile.TemporaryDirectory(prefix="lintas-mobile-") as folder:
        env = _env(Path(folder))
        _lintas(env, "migrate", "--verbosity", "0")
        _lintas(env, "load-reference")
        out = _lintas(env, "shell", "-c", _MEASURE)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    return [tuple(row) for row in json.loads(line.removeprefix("BENCH "))]  # type: ignore[misc]


def _seconds(size: int) -> float:
    return size * 8 / EDGE_BITS_PER_S


def run(quick: bool) -> str:
    rows = measure()
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
            "- The places answer is sent gzipped by the hub itself when the phone accepts it "
            "(browsers do); the shell files are served as they are on a post node, so its "
            "uncompressed figure is the one a phone meets there, and the compressed one behind "
            "a proxy that compresses.",
            "",
            *lines,
        ]
    )
