"""The ``lintas`` command: Django's management commands under one name.

``lintas load-reference`` runs the ``load_reference`` command; dashes and underscores are
the same. ``lintas`` alone lists the commands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lintas.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lintas", *args[1:]])


if __name__ == "__main__":
    main()
