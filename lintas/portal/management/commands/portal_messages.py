"""``lintas portal-messages``: update and compile the portal's own catalogues (id, tet).

``makemessages`` run inside ``lintas/portal`` would miss ``lintas/cases/tips.py``, whose
messages the public reads (wrong code, too long, status words), nor ``lintas/common/nul.py``
(the refusal of a NUL byte on a portal page). This command extracts the
portal's Python files, its templates and ``tips.py`` with GNU xgettext (as makemessages
does), merges the result into ``lintas/portal/locale/{id,tet}/LC_MESSAGES/django.po``
without fuzzy guesses, drops obsolete entries and compiles the ``.mo`` files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation.template import templatize

PORTAL = Path(__file__).resolve().parents[2]
PROJECT = PORTAL.parents[1]
EXTRA_SOURCES = [PORTAL.parent / "cases" / "tips.py", PORTAL.parent / "common" / "nul.py"]
LOCALES = {"id": "nplurals=1; plural=0;", "tet": "nplurals=2; plural=(n != 1);"}
KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} not found: install GNU gettext (apt-get install gettext)")
    return found


def _run(args: list[str], cwd: Path | None = None) -> None:
    # The tools are GNU gettext's, found on PATH; the arguments are this command's own paths.
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def _new_catalogue(pot: str, code: str, plural: str) -> str:
    """The template with a header fit for ``code``: language, plural forms, no placeholders."""
    body = pot[pot.index('msgid ""') :]
    body = body.replace("#, fuzzy\n", "", 1)
    body = body.replace('"Language: \\n"', f'"Language: {code}\\n"')
    body = body.replace("PACKAGE VERSION", "lintas-portal")
    body = re.sub(r'"Plural-Forms: [^"]*"\n', "", body)
    body = body.replace(
        '"Content-Transfer-Encoding: 8bit\\n"\n',
        f'"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: {plural}\\n"\n',
        1,
    )
    return f"# Lintas public portal, {code}. Message ids are English.\n{body}"


class Command(BaseCommand):
    help = "Update (from the sources) and compile the portal's id and tet catalogues."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--compile-only", action="store_true", help="only compile the .po files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["compile_only"]:
            self._update()
        for code in LOCALES:
            po = PORTAL / "locale" / code / "LC_MESSAGES" / "django.po"
            _run([_tool("msgfmt"), "--check-format", "-o", str(po.with_suffix(".mo")), str(po)])
            self.stdout.write(f"compiled {po.relative_to(PROJECT)}")

    def _update(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            sources: list[str] = []
            python = [p for p in PORTAL.rglob("*.py") if "migrations" not in p.parts]
            for path in sorted(python) + EXTRA_SOURCES:
                sources.append(str(path.relative_to(PROJECT)))
            for path in sorted((PORTAL / "templates").rglob("*.html")):
                relative = path.relative_to(PROJECT)
                target = work / f"{relative}.py"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(templatize(path.read_text("utf-8"), origin=str(relative)))
                sources.append(str(target))
            pot = work / "django.pot"
            _run(
                [
                    _tool("xgettext"),
                    "--language=Python",
                    "--from-code=UTF-8",
                    "--add-comments=Translators",
                    "--sort-by-file",
                    *[f"--keyword={k}" for k in KEYWORDS],
                    f"--output={pot}",
                    *sources,
                ],
                cwd=PROJECT,
            )
            # References to the templatized copies name the templates themselves.
            text = pot.read_text("utf-8").replace(f"{work}/", "")
            text = re.sub(r"\.html\.py:", ".html:", text)
            text = text.replace("charset=CHARSET", "charset=UTF-8")
            pot.write_text(text, "utf-8")
            for code, plural in LOCALES.items():
                self._merge(pot, code, plural)

    def _merge(self, pot: Path, code: str, plural: str) -> None:
        po = PORTAL / "locale" / code / "LC_MESSAGES" / "django.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():
            _run(
                [
                    _tool("msgmerge"),
                    "--quiet",
                    "--no-fuzzy-matching",
                    "--previous",
                    "--backup=none",
                    "--update",
                    str(po),
                    str(pot),
                ]
            )
        else:
            po.write_text(_new_catalogue(pot.read_text("utf-8"), code, plural), "utf-8")
        _run([_tool("msgattrib"), "--no-obsolete", "--sort-by-file", "-o", str(po), str(po)])
        self.stdout.write(f"updated {po.relative_to(PROJECT)}")
