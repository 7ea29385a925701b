"""Node sync: catch-up after three days offline, and the fault simulation at full size.

The goals: a node offline for three days with 10,000 crossings catches up in under 10
seconds over loopback, the hub checking and auditing every record; three nodes and a hub,
killed and cut off at random, end with every record at the hub exactly once (at least
10,000 events and 100 kills).

1. Catch-up. A hub (gunicorn, 2 workers; PostgreSQL when ``LINTAS_DATABASE_URL`` names
   one, else SQLite) and one node (SQLite), both with production settings, enrolled as an
   operator enrols them. With the link down, the node's officer registers the crossings
   through the registration service (``crossing_register``: screening, audit and outbox
   included), spread over the last three days; this is set-up, timed apart. Then one
   ``lintas sync`` round sends it all: the figure is that round, from the command's own
   report, and the command's wall time including Python's start. Events per second count
   outbox events; the audit entries travel in the same batches.
2. The fault simulation: ``lintas sim sync`` with three nodes (see docs/sync.md).

Run alone with ``python -m bench.sync [--quick]`` (writes its section of
docs/benchmarks.md), or through ``python -m bench sync`` once registered there.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lintas.sync.sim.procs import LINTAS, Cluster

# Since the hub checks every pushed record against the node write policy and audits it in
# its own chain, the goal is under 10 s (it was 30 s before the checks).
GOAL_SECONDS = 10.0
# What the figures below rest on, kept with the benchmark so that a new run keeps it.
WHERE_THE_TIME_GOES = [
    "The round includes the node write policy (every record checked against its model's",
    "policy, in bulk) and the hub's own audit entry for every applied record (one more",
    "entry in the hub's chain per event). Before the policy and the hub's audit the round",
    "took 14.2 s (SQLite) and 16.0 s (PostgreSQL); with them, and before the work below,",
    "16.3 s and 23.0 s (2026-12-02). What brought it down: one prepared statement per table",
    "instead of `bulk_create`, 1,000 events per push instead of 500, a pushed state read",
    "into its model by one prepared reader per column (`lintas.sync.codec`) instead of each",
    "field parsing each value and `Model.__init__` walking the fields again, and the hub's",
    "audit entries digested and chained in batches; on PostgreSQL, the audit entries and",
    "the records the hub has never seen sent by `COPY` (on this run's machine, 22.8 s before",
    "and 16.8 s after, alone on the machine; the machine of 2026-12-02 measured 14.9 s",
    "before). What is left: each push is one transaction that writes the records, the",
    "node's audit entries and the hub's, and the node waits for it; letting the node pack",
    "the next batch while the hub applies the last one is the next step. This run's",
    "machine is slower than that of 2026-12-03 08:23 (SQLite round 8.4 s there, 15.4 s here).",
]
PASSWORD = secrets.token_urlsafe(16) + "-Bench7"


@dataclass(frozen=True)
class CatchUp:
    crossings: int
    events: int
    audit: int
    setup_s: float
    round_s: float
    command_s: float
    at_hub: int
    hub_engine: str

    @property
    def events_per_s(self) -> float:
        return self.events / self.round_s if self.round_s else 0.0


def _figures(line: str) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def catch_up(*, crossings: int, root: Path, pg_url: str) -> CatchUp:
    """Register ``crossings`` at a node cut off from the hub, then time one sync round."""
    c = Cluster(root, pg_url=pg_url)
    try:
        node = c.add_node("post-motaain", post="motaain")
        c.migrate([c.hub, node])
        raw = c.run(
            c.hub,
            ["sim", "setup-hub", "--nodes", "post-motaain:motaain"],
            env={"LINTAS_SIM_PASSWORD": PASSWORD},
        )
        code = json.loads(raw.strip().splitlines()[-1])["nodes"]["post-motaain"]["enrolment_code"]
        c.start_server(c.hub)
        c.run(node, ["enrol", "--hub", c.hub.url, "--code", code])
        c.run(node, ["sync"])  # the officers and reference data arrive
        c.stop(c.hub)  # three days without a link
        started = time.monotonic()
        args = ["sim", "crossings", "--username", "sim.officer.1", "--events", str(crossings)]
        c.run(node, [*args, "--days", "3", "--seed", "5"], timeout=3600)
        setup_s = time.monotonic() - started
        c.start_server(c.hub)
        started = time.monotonic()
        line = c.run(node, ["sync"], timeout=600).strip().splitlines()[-1]
        command_s = time.monotonic() - started
        figures = _figures(line)
        at_hub = int(c.hub_query("SELECT count(*) FROM crossings_crossing")[0][0])
        if figures.get("backlog") != 0:
            raise RuntimeError(f"the node still has a backlog: {line}")
        return CatchUp(
            crossings=crossings,
            events=int(figures["pushed"]),
            audit=int(figures["audit"]),
            setup_s=setup_s,
            round_s=figures["seconds"],
            command_s=command_s,
            at_hub=at_hub,
            hub_engine="PostgreSQL" if c.pg is not None else "SQLite",
        )
    finally:
        c.close()


def fault_simulation(*, events: int, kills: int, seed: int, pg_url: str) -> tuple[int, str, float]:
    """Run ``lintas sim sync``; (exit code, its output, seconds)."""
    env = {k: v for k, v in os.environ.items() if k != "LINTAS_DATABASE_URL"}
    env["LINTAS_DEBUG"] = "1"
    if pg_url:
        env["LINTAS_DATABASE_URL"] = pg_url
    started = time.monotonic()
    result = subprocess.run(
        [
            *LINTAS,
            "sim",
            "sync",
            "--nodes",
            "3",
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--kills",
            str(kills),
            "--renames",
            "6",
            "--time-limit",
            "5400",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=6000,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def run(quick: bool) -> str:
    """Both benchmarks, with an SQLite hub and, when ``LINTAS_DATABASE_URL`` names a
    PostgreSQL server, a PostgreSQL hub; the Markdown body of the ``sync`` section."""
    crossings = 1000 if quick else 10_000
    events, kills = (300, 10) if quick else (10_000, 100)
    url = os.environ.get("LINTAS_DATABASE_URL", "")
    hubs = [("SQLite", "")] + ([("PostgreSQL", url)] if url.startswith("postgres") else [])
    results: list[CatchUp] = []
    sims: list[tuple[str, int, str, float]] = []
    for name, pg_url in hubs:
        root = Path(tempfile.mkdtemp(prefix="lintas-bench-sync-"))
        try:
            results.append(catch_up(crossings=crossings, root=root / "catch-up", pg_url=pg_url))
        finally:
            shutil.rmtree(root, ignore_errors=True)
        sims.append((name, *fault_simulation(events=events, kills=kills, seed=2026, pg_url=pg_url)))
    met = all(r.round_s < GOAL_SECONDS and r.at_hub == crossings for r in results)

    def row(label: str, values: list[str]) -> str:
        return f"| {label} | " + " | ".join(values) + " |"

    out = [
        "### Catch-up after three days offline",
        "",
        f"Goal: {crossings:,} crossings registered while offline reach the hub in under "
        f"{GOAL_SECONDS:.0f} s over loopback: **{'met' if met else 'NOT met'}**.",
        "",
        *WHERE_THE_TIME_GOES,
        "",
        row("figure", [f"{r.hub_engine} hub" for r in results]),
        "| --- |" + " --- |" * len(results),
        row(
            "crossings registered offline (set-up, through the service)",
            [f"{r.crossings:,} in {r.setup_s:.1f} s" for r in results],
        ),
        row("outbox events sent", [f"{r.events:,}" for r in results]),
        row("audit entries sent with them", [f"{r.audit:,}" for r in results]),
        row("sync round (pull, push, pull)", [f"**{r.round_s:.2f} s**" for r in results]),
        row(
            "`lintas sync` wall time, Python start included",
            [f"{r.command_s:.2f} s" for r in results],
        ),
        row("events per second", [f"**{r.events_per_s:,.0f}**" for r in results]),
        row("crossings at the hub afterwards", [f"{r.at_hub:,}" for r in results]),
        "",
        "### Fault simulation",
    ]
    for name, status, output, seconds in sims:
        lines = [ln for ln in output.strip().splitlines() if ln.startswith(("sim:", "created="))]
        out += [
            "",
            f"{name} hub: `lintas sim sync --nodes 3 --events {events} --seed 2026 "
            f"--kills {kills} --renames 6`: exit {status}, {seconds:.0f} s in all.",
            "",
            "```",
            *lines,
            "```",
        ]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    """Run and write the ``sync`` section with the runner's own format."""
    from bench.__main__ import DOC, DOC_HEAD, section, update_document

    quick = "--quick" in argv
    body = run(quick)
    command = " ".join([".venv/bin/python", "-m", "bench.sync", *argv])
    if os.environ.get("LINTAS_DATABASE_URL", "").startswith("postgres"):
        command = f".venv/bin/python scripts/pgtemp.py -- {command}"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_HEAD
    DOC.write_text(
        update_document(text, "sync", section("sync", body, command=command, quick=quick)),
        encoding="utf-8",
    )
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
