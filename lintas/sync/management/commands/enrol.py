from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.sync.client import hub_enrol
from lintas.sync.protocol import SyncError


class Command(BaseCommand):
    help = "Enrol this post node with the hub, using the one-time code the hub issued."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--hub", required=True, help="the hub's address, https://...")
        parser.add_argument("--code", required=True, help="the one-time enrolment code")
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            link = hub_enrol(
                hub_url=options["hub"], code=options["code"], timeout=options["timeout"]
            )
        except SyncError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        self.stdout.write(f"enrolled node={link.node} hub={link.hub_url}")
