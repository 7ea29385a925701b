from __future__ import annotations

import csv
import io
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.outreach.coverage import CSV_COLUMNS, coverage_compute, coverage_csv_rows


class Command(BaseCommand):
    help = (
        "lintas outreach coverage --out FILE.csv: one row per district of the province, "
        "with reach in the last 12 months, vulnerability (0..1) and priority rank (1 = most "
        "left out). Counts only; no record of any person."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("report", choices=["coverage"])
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = coverage_compute()
        if not rows:
            raise CommandError(
                "no districts: load the reference data first (lintas load-reference)"
            )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(coverage_csv_rows(rows))
        out: Path = options["out"]
        try:
            out.write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc}") from exc
        left_out = sum(1 for row in rows if row.left_out)
        self.stdout.write(f"{len(rows)} districts written to {out}; {left_out} left out")
