"""``lintas linkage``: linkage runs from the command line, at the hub.

- ``lintas linkage run``: a full run in the foreground, its progress printed; exit 0 when
  it is done, 1 when it failed or another full run is under way. ``--new-only`` links only
  the records new since the last run.
- ``lintas linkage status``: the latest runs, the model in use and the next nightly run.
- ``lintas linkage schedule``: queue the nightly full run unless it is queued already.

``lintas linkage run --records FILE.csv --out FILE.csv`` (a CSV file, no database) never
reaches this command: ``lintas.cli`` hands it to the engine's own command first.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lintas.common.errors import LintasError
from lintas.linkage.models import LinkageModel, LinkageRun, RunKind, RunStatus
from lintas.linkage.runs import linkage_run_execute, linkage_run_request
from lintas.linkage.tasks import linkage_nightly_ensure

STATUS_ROWS = 10


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Linkage runs at the hub: run (full, in the foreground), status, schedule."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="a full linkage run in the foreground")
        run.add_argument(
            "--new-only", action="store_true", help="link only records new since the last run"
        )
        # Only with --records (the file command, handled before Django starts).
        run.add_argument("--out", help="with --records FILE.csv: the clusters' file")
        sub.add_parser("status", help="the latest runs and the model in use")
        sub.add_parser("schedule", help="queue the nightly full run unless it is queued")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            self._run(options)
        elif action == "status":
            self._status()
        else:
            at = linkage_nightly_ensure()
            self.stdout.write(
                f"nightly full run queued for {_when(at)}"
                if at
                else "nightly full run already queued (or tasks run inline here)"
            )

    def _run(self, options: dict[str, Any]) -> None:
        if options.get("out"):
            raise CommandError("--out goes with --records FILE.csv (linking a file)")
        kind = RunKind.INCREMENTAL if options["new_only"] else RunKind.FULL
        try:
            run = linkage_run_request(actor=None, kind=kind, trigger="command", enqueue=False)
        except LintasError as exc:
            raise CommandError(str(exc.message)) from exc
        if run.status != RunStatus.QUEUED or run.kind != kind:
            raise CommandError(f"a run is already queued for the worker: {run.pk}")

        def report(r: LinkageRun) -> None:
            self.stdout.write(f"[{r.done_steps}/{r.total_steps}] {r.stage}")

        result = linkage_run_execute(run_id=run.pk, progress=report)
        run.refresh_from_db()
        if run.status != RunStatus.DONE:
            raise CommandError(f"linkage run {run.pk} failed: {run.error}")
        self.stdout.write(
            f"done run={run.pk} records={run.record_count} pairs={run.pair_count} "
            f"proposals={run.proposal_count} superseded={result.get('superseded', 0)}"
        )

    def _status(self) -> None:
        model = LinkageModel.objects.order_by("-version").first()
        self.stdout.write(
            f"model: v{model.version} ({model.backend}, {model.record_count} records, "
            f"trained {_when(model.trained_at)})"
            if model
            else "model: none trained yet"
        )
        runs = list(LinkageRun.objects.order_by("-queued_at")[:STATUS_ROWS])
        if not runs:
            self.stdout.write("no linkage run yet")
        for r in runs:
            self.stdout.write(
                f"{_when(r.queued_at)}  {r.kind:<11} {r.status:<7} {r.stage or '-':<8} "
                f"{r.done_steps}/{r.total_steps}  records={r.record_count} "
                f"proposals={r.proposal_count}  {r.trigger}"
                + (f"  error: {r.error}" if r.error else "")
            )
