"""The portal's own catalogues (Bahasa Indonesia and Tetum): complete, compiled, consistent."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

import lintas.portal
from lintas.cases import tips

LOCALE = Path(lintas.portal.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

Key = tuple[str, str, str]  # (context, msgid, msgid_plural)


def read_po(path: Path) -> dict[Key, str]:
    """(msgctxt, msgid, msgid_plural) -> msgstr (or msgstr[0]); fuzzy entries count as empty."""
    entries: dict[Key, str] = {}
    fuzzy = False
    current: dict[str, str] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line:
            if current.get("msgid"):
                text = current.get("msgstr", current.get("msgstr[0]", ""))
                ids = (
                    current.get("msgctxt", ""),
                    current["msgid"],
                    current.get("msgid_plural", ""),
                )
                entries[ids] = "" if fuzzy else text
            current, key, fuzzy = {}, "", False
    return entries


@pytest.mark.parametrize("language", ["id", "tet"])
def test_every_message_is_translated_and_compiled(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    po = read_po(folder / "django.po")
    assert len(po) > 150
    untranslated = [ids for ids, msgstr in po.items() if not msgstr]
    assert untranslated == []
    with (folder / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    for (context, msgid, plural), msgstr in po.items():
        if context:
            found = mo.pgettext(context, msgid)
        else:
            found = mo.ngettext(msgid, plural, 1) if plural else mo.gettext(msgid)
        if found != msgstr:
            stale.append(msgid)
    assert stale == [], "run `lintas portal-messages`: django.mo is older than django.po"


@pytest.mark.parametrize("language", ["id", "tet"])
def test_translations_keep_every_placeholder(language: str) -> None:
    po = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    broken = [
        msgid
        for (_ctx, msgid, _plural), msgstr in po.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert broken == []


def test_the_tip_services_messages_are_in_the_portal_catalogues() -> None:
    """``cases/tips.py`` speaks to the public: its messages must reach Tetum readers too."""
    source = Path(tips.__file__).read_text(encoding="utf-8")
    wanted: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and len(args) == 1:
                wanted.add(("", str(args[0])))
            elif node.func.id == "pgettext_lazy" and len(args) == 2:
                wanted.add((str(args[0]), str(args[1])))
    assert len(wanted) >= 20  # the walk found the messages (23 today)
    for language in ("id", "tet"):
        po = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
        have = {(ctx, msgid) for ctx, msgid, _plural in po}
        assert sorted(wanted - have) == [], language
