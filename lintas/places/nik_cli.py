"""``lintas nik check NIK [--birth-date YYYY-MM-DD] [--sex M|F]``: check a KTP number.

Prints one JSON object (``valid``, ``province_code``, ``regency_code``, ``district_code``,
``birth_date``, ``sex``, ``errors``, ``warnings``); exit 0 when valid, 1 when not, 2 when the
command itself is wrong (an unreadable birth date, a sex other than M or F). Needs no database
or settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from lintas.places.nik import ERRORS, WARNINGS, read_nik


def _iso_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="lintas nik",
        description=__doc__.splitlines()[0],
        epilog="errors: " + ", ".join(ERRORS) + "; warnings: " + ", ".join(WARNINGS),
    )
    parser.add_argument("action", choices=["check"])
    parser.add_argument("nik", metavar="NIK")
    parser.add_argument("--birth-date", type=_iso_date, metavar="YYYY-MM-DD")
    parser.add_argument("--sex", choices=["M", "F"])
    parser.add_argument(
        "--explain", action="store_true", help="also write what each error means to stderr"
    )
    args = parser.parse_args(argv)
    reading = read_nik(args.nik, birth_date=args.birth_date, sex=args.sex)
    sys.stdout.write(json.dumps(reading.as_dict(), ensure_ascii=False) + "\n")
    if args.explain:
        for code in reading.errors:
            sys.stderr.write(f"error {code}: {ERRORS[code]}\n")
        for code in reading.warnings:
            sys.stderr.write(f"warning {code}: {WARNINGS[code]}\n")
    return 0 if reading.valid else 1
