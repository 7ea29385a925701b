from __future__ import annotations

import signal
import sys
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.sync.client import RoundReport, node_key_rotate, sync_loop, sync_round
from lintas.sync.protocol import SyncError


class Command(BaseCommand):
    help = (
        "Sync this post node with the hub: one round (pull, push, pull), or with --loop a "
        "daemon that syncs every --interval seconds and backs off while the hub is away."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep syncing (a daemon)")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between rounds")
        parser.add_argument(
            "--backoff-max", type=float, default=600.0, help="longest wait after failures"
        )
        parser.add_argument("--max-rounds", type=int, default=sys.maxsize)
        parser.add_argument("--max-seconds", type=float, default=float(365 * 24 * 3600))
        parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
        parser.add_argument(
            "--rotate-key",
            action="store_true",
            help="give this node a new signing key (the hub confirms it), then stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate_key"]:
            try:
                public_key = node_key_rotate(timeout=options["timeout"])
            except SyncError as exc:
                raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
            self.stdout.write(f"rotated public_key={public_key}")
            return
        if not options["loop"]:
            try:
                report = sync_round(timeout=options["timeout"])
            except SyncError as exc:
                raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
            self.stdout.write(f"ok {report.line()}")
            return
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()  # finish the current step, then leave

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

        def on_round(report: RoundReport | None, error: SyncError | None) -> None:
            if error is not None:
                self.stderr.write(f"error {error.code}: {error.message}")
            elif report is not None and (report.pushed or report.pulled or report.resends):
                self.stdout.write(f"ok {report.line()}")

        rounds, failures = sync_loop(
            interval=options["interval"],
            backoff_max=options["backoff_max"],
            max_rounds=options["max_rounds"],
            max_seconds=options["max_seconds"],
            stop=stop,
            timeout=options["timeout"],
            on_round=on_round,
        )
        self.stdout.write(f"stopped rounds={rounds} failures={failures}")
