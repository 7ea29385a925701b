from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lintas.crossings.reference import plb_reference_load
from lintas.insights.services import study_figures_load
from lintas.places.services import reference_load
from lintas.screening.services import ruleset_seed


class Command(BaseCommand):
    help = "Load the province's areas, islands, border posts and the study's figures."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--rules",
            action="store_true",
            help="also load the shipped indicator rule set on a node that runs without a hub",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reference_load()
        for line in report.lines():
            self.stdout.write(line)
        for name, count in study_figures_load().items():
            self.stdout.write(f"{name}: {count} changed")
        for name, count in plb_reference_load().items():
            self.stdout.write(f"{name}: {count} added")
        if settings.LINTAS_NODE != "hub" and not options["rules"]:
            # The hub owns the rule sets; a node gets the active one with its first sync.
            self.stdout.write("indicator rule set: comes from the hub with the first sync")
        else:
            ruleset = ruleset_seed()
            self.stdout.write(
                f"indicator rule set: v{ruleset.version} loaded"
                if ruleset
                else "indicator rule set: kept"
            )
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
