from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.accounts.models import User
from lintas.cases.export import decrypt_export, export_htcds
from lintas.common.errors import LintasError


class Command(BaseCommand):
    help = (
        "lintas export htcds --user NAME --out FILE.json [--deidentified | --passphrase-file F]; "
        "lintas export decrypt --in FILE --out FILE.json --passphrase-file F"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("format", choices=["htcds", "decrypt"])
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--in", dest="source", type=Path)
        parser.add_argument("--user", help="the person making the export (checked and audited)")
        parser.add_argument("--deidentified", action="store_true")
        parser.add_argument("--passphrase-file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase = ""
        if options["passphrase_file"]:
            try:
                passphrase = options["passphrase_file"].read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"cannot read the passphrase file: {exc}") from exc
        try:
            if options["format"] == "decrypt":
                if not options["source"] or not passphrase:
                    raise CommandError("decrypt needs --in and --passphrase-file")
                data = decrypt_export(options["source"].read_bytes(), passphrase)
            else:
                user = User.objects.filter(
                    username=(options["user"] or "").lower(), is_active=True
                ).first()
                if user is None:
                    raise CommandError("--user must name an active user")
                if not options["deidentified"] and not passphrase:
                    raise CommandError(
                        "an identified export must be encrypted: give --passphrase-file, "
                        "or export with --deidentified"
                    )
                data = export_htcds(
                    actor=user, deidentified=options["deidentified"], passphrase=passphrase
                )
        except LintasError as exc:
            raise CommandError(str(exc.message)) from exc
        options["out"].write_bytes(data)
        self.stdout.write(f"wrote {options['out']} ({len(data)} bytes)")
