"""The ``lintas`` command: Django's management commands under one name.

``lintas load-reference`` runs the ``load_reference`` command; dashes and underscores are
the same. ``lintas`` alone lists the commands. A few data tools (``lintas mrz``,
``lintas watchlist``, ``lintas nik``, ``lintas linkage run --records FILE.csv``) need no database or
settings and run without starting Django.
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> module with ``main(argv) -> int``
STANDALONE_TOOLS = {
    "mrz": "lintas.crossings.mrz_cli",
    "nik": "lintas.places.nik_cli",
    "watchlist": "lintas.screening.watchlist_cli",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if args[1:3] == ["linkage", "run"] and "--records" in args:
        # A CSV file in, clusters out: no database, no settings.
        sys.exit(importlib.import_module("lintas.linkage.engine.cli").main(args[3:]))
    if len(args) > 1 and args[1] in STANDALONE_TOOLS:
        tool = importlib.import_module(STANDALONE_TOOLS[args[1]])
        sys.exit(tool.main(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lintas.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lintas", *args[1:]])


if __name__ == "__main__":
    main()
