"""``lintas mrz parse LINE [LINE ...]``: read an MRZ and print it as one JSON object.

Exit 0 when every check passes, 1 when the zone was read but a check failed, 2 when the
lines are no MRZ of a known format (the reason on stderr). Needs no database or settings.
"""

from __future__ import annotations

import argparse
import json
import sys

from lintas.crossings.mrz import MrzFormatError, parse_mrz


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lintas mrz", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["parse"])
    parser.add_argument("lines", nargs="+", metavar="LINE")
    args = parser.parse_args(argv)
    try:
        result = parse_mrz(args.lines)
    except MrzFormatError as exc:
        sys.stderr.write(f"not a machine-readable zone ({exc.code}): {exc.message}\n")
        return 2
    sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    return 0 if result.valid else 1
