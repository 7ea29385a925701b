from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lintas.crossings.reference import plb_reference_load
from lintas.insights.services import study_figures_load
from lintas.places.services import reference_load
from lintas.screening.services import ruleset_seed


class Command(BaseCommand):
    help = "Load the province's areas, islands, border posts and the study's figures."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reference_load()
        for line in report.lines():
            self.stdout.write(line)
        for name, count in study_figures_load().items():
            self.stdout.write(f"{name}: {count} changed")
        for name, count in plb_reference_load().items():
            self.stdout.write(f"{name}: {count} added")
        ruleset = ruleset_seed()
        self.stdout.write(
            f"indicator rule set: v{ruleset.version} loaded"
            if ruleset
            else "indicator rule set: kept"
        )
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
