"""The fault simulation at CI size: three nodes and a hub, killed and cut at random."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from lintas.sync.sim.driver import SimConfig, schedule
from lintas.sync.sim.procs import LINTAS


def test_nothing_is_lost_duplicated_or_silently_overwritten(tmp_path: Path) -> None:
    args = ["--nodes", "3", "--events", "300", "--seed", "11", "--kills", "10", "--renames", "4"]
    result = subprocess.run(
        [*LINTAS, "sim", "sync", *args, "--workdir", str(tmp_path / "sim")],
        env={**os.environ, "LINTAS_TESTING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    figures = dict(re.findall(r"(\w+)=(\d+)", last))
    # Accounts change at the hub only: each node's attempt to rename its officer is refused
    # by the node's own service, and nothing of it travels.
    plan = schedule(SimConfig(nodes=3, events=300, seed=11, kills=10, cuts=10, renames=4))
    refused = [a for a in plan if a.kind == "rename_node"]
    assert refused  # the seed does produce node edits
    assert figures == {
        "created": "300",
        "at_hub": "300",
        "lost": "0",
        "duplicated": "0",
        "conflicts_surfaced": "0",
        "silent_overwrites": "0",
        "node_edits_refused": str(len(refused)),
        "kills": "10",
    }
    hub = (
        "postgresql"
        if os.environ.get("LINTAS_DATABASE_URL", "").startswith("postgres")
        else "sqlite"
    )
    assert f"hub={hub}" in result.stdout
    assert "settled=True chains_intact=True complete=True" in result.stdout
