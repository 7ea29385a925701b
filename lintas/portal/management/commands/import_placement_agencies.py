"""``lintas import-placement-agencies FILE.csv --source TEXT --date YYYY-MM-DD [--demo]``."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lintas.common.errors import LintasError
from lintas.portal.services import placement_agencies_import

DEMO_SOURCE = "EXAMPLE: invented agencies for trying Lintas, not an official list"


class Command(BaseCommand):
    help = (
        "Replace the public list of placement agencies (P3MI) with a CSV file "
        "(name, licence_number, city, status[, province]) and report the rejected rows."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="the official list this file is from")
        parser.add_argument("--date", default="", help="the date of that list, YYYY-MM-DD")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="the agencies are invented: the public page labels them as demo data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        demo: bool = options["demo"]
        if "example" in path.name.lower() and not demo:
            raise CommandError(
                f"{path.name} is an example of invented agencies: import it only with --demo."
            )
        source = options["source"] or (DEMO_SOURCE if demo else "")
        if not source:
            raise CommandError("--source is required: name the official list (and its office).")
        raw_date = options["date"]
        if not raw_date and not demo:
            raise CommandError("--date is required: the date of the official list.")
        try:
            source_date = date.fromisoformat(raw_date) if raw_date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date {raw_date!r} is not a date (YYYY-MM-DD).") from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            report = placement_agencies_import(
                data=data, source=source, source_date=source_date, demo=demo
            )
        except LintasError as exc:
            raise CommandError(str(exc.message)) from exc
        kind = "DEMO agencies" if demo else "placement agencies"
        self.stdout.write(
            f"Imported {report.imported} {kind} from {source!r} (list of {source_date}); "
            f"{len(report.rejected)} row(s) rejected."
        )
        for line, reason in report.rejected:
            self.stdout.write(f"  line {line}: {reason}")
