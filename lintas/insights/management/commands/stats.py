"""``lintas stats public --out FILE.json``: the public statistics exactly as the portal shows them.

The file is the latest published release (``generated_at``, ``tables`` with their
``dimensions``, ``cells`` of ``key``, ``count`` (null when hidden) and ``suppressed``, and
``total``). ``--publish`` first computes and publishes a new release from the hub's records;
where none was ever published, one is published first, so the page and the file agree.
"""

from __future__ import annotations

import json
import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.common.errors import LintasError
from lintas.insights.selectors import public_release_latest
from lintas.insights.services import public_release_publish


class Command(BaseCommand):
    help = (
        "Statistics. 'lintas stats public --out FILE.json' writes the public statistics as "
        "the portal shows them; --publish computes a new release first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["public"])
        parser.add_argument("--out", required=True, help="the JSON file to write ('-': stdout)")
        parser.add_argument(
            "--publish", action="store_true", help="compute and publish a new release first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        release = None if options["publish"] else public_release_latest()
        if release is None:
            try:
                release = public_release_publish(actor=None)
            except LintasError as e:
                raise CommandError(str(e.message)) from e
            self.stderr.write(f"published release {release.pk} ({release.generated_at:%Y-%m-%d})")
        # Keys sorted: PostgreSQL (jsonb) gives them back in its own order, SQLite as written.
        text = json.dumps(release.payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        out = options["out"]
        if out == "-":
            self.stdout.write(text, ending="")
            return
        _write_whole(Path(out), text)
        self.stderr.write(f"wrote {out}: {len(release.payload['tables'])} tables")


def _write_whole(path: Path, text: str) -> None:
    """Write the file whole or not at all (a reader never finds half a release)."""
    if path.is_dir():
        raise CommandError(f"{path} is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".tmp")
    except OSError as e:
        raise CommandError(f"cannot write to {path.parent}: {e.strerror}") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {e.strerror}") from e
