from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Fault simulation of node sync. 'lintas sim sync --nodes K --events N --seed S' "
        "starts a hub and K nodes on 127.0.0.1, registers N crossings while killing and "
        "cutting them at random, lets everything settle and compares. Exit 0 only when "
        "nothing was lost, duplicated or silently overwritten. (setup-hub, rename and "
        "digest are the steps it runs inside the hub and node processes; crossings registers "
        "--events crossings at a node as --username, for the catch-up benchmark.)"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", choices=["sync", "setup-hub", "rename", "digest", "crossings"]
        )
        parser.add_argument("--nodes", default="3", help="sync: how many; setup-hub: code:post,...")
        parser.add_argument("--events", type=int, default=300, help="crossings to register")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of hub and nodes")
        parser.add_argument("--cuts", type=int, default=None, help="link cuts (default: kills)")
        parser.add_argument("--renames", type=int, default=4, help="concurrent account edits")
        parser.add_argument("--time-limit", type=float, default=900.0, help="seconds")
        parser.add_argument("--settle-limit", type=float, default=180.0, help="seconds")
        parser.add_argument("--workdir", default="", help="keep the run's files here")
        parser.add_argument("--actor", default="")
        parser.add_argument("--username", default="")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--days", type=float, default=3.0, help="crossings: spread over")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "setup-hub":
            from lintas.sync.sim.tasks import setup_hub

            pairs = [tuple(p.split(":", 1)) for p in options["nodes"].split(",") if ":" in p]
            password = os.environ.get("LINTAS_SIM_PASSWORD", "")
            if not password:
                raise CommandError("LINTAS_SIM_PASSWORD must be set", returncode=2)
            info = setup_hub(nodes=[(a, b) for a, b in pairs], password=password)
            self.stdout.write(json.dumps(info))
        elif action == "rename":
            from lintas.sync.sim.tasks import rename

            rename(
                actor=options["actor"], username=options["username"], full_name=options["full_name"]
            )
        elif action == "crossings":
            from lintas.sync.sim.tasks import crossings

            made = crossings(
                username=options["username"],
                count=options["events"],
                days=options["days"],
                seed=options["seed"],
            )
            self.stdout.write(f"crossings={made}")
        elif action == "digest":
            from lintas.sync.sim.tasks import digest

            self.stdout.write(json.dumps(digest()))
        else:
            self._sync(options)

    def _sync(self, options: dict[str, Any]) -> None:
        from lintas.sync.sim.driver import SimConfig, Simulation

        try:
            nodes = int(options["nodes"])
        except ValueError as exc:
            raise CommandError("--nodes must be a number", returncode=2) from exc
        if not 1 <= nodes <= 12 or not 1 <= options["events"] <= 1_000_000:
            raise CommandError("1 to 12 nodes and 1 to 1,000,000 events", returncode=2)
        config = SimConfig(
            nodes=nodes,
            events=options["events"],
            seed=options["seed"],
            kills=max(0, options["kills"]),
            cuts=max(0, options["kills"] if options["cuts"] is None else options["cuts"]),
            renames=max(0, options["renames"]),
            time_limit=options["time_limit"],
            settle_limit=options["settle_limit"],
            workdir=Path(options["workdir"]) if options["workdir"] else None,
            pg_url=os.environ.get("LINTAS_DATABASE_URL", ""),
        )
        result = Simulation(config, out=lambda line: self.stdout.write(line)).run()
        self.stdout.write(result.line())
        if not result.ok:
            raise CommandError("sync simulation failed", returncode=1)
