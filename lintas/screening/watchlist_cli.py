"""``lintas watchlist match --list LIST.csv --queries QUERIES.csv --out RESULTS.csv``.

LIST.csv: ``id,full_name,birth_date,sex,nationality``; QUERIES.csv:
``qid,full_name,birth_date,sex,nationality`` (birth_date YYYY-MM-DD, YYYY or empty; sex M,
F or empty; nationality ISO 3166 alpha-3). RESULTS.csv: ``qid,id,score,rank``, one row for
each alert the desk would raise at the default threshold, rank 1 the best; no row for a
query with no alert. Needs no database or settings.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from lintas.screening.matching import DEFAULT_THRESHOLD, NameIndex, Person

BirthValue = date | int | None


class InputError(ValueError):
    pass


def _birth(value: str, where: str) -> BirthValue:
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 4 and value.isdigit():
            return int(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{where}: birth_date {value!r} is not YYYY-MM-DD, YYYY or empty") from exc


def _sex(value: str) -> str | None:
    value = value.strip().upper()
    return value if value in ("M", "F") else None


def _rows(path: Path, key: str) -> Iterator[tuple[str, str, BirthValue, str | None, str | None]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        needed = {key, "full_name", "birth_date", "sex", "nationality"}
        if not needed <= set(reader.fieldnames or []):
            raise InputError(f"{path}: the header must have {','.join(sorted(needed))}")
        for line, row in enumerate(reader, start=2):
            yield (
                row[key].strip(),
                row["full_name"] or "",
                _birth(row["birth_date"] or "", f"{path} line {line}"),
                _sex(row["sex"] or ""),
                (row["nationality"] or "").strip().upper() or None,
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lintas watchlist", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["match"])
    parser.add_argument("--list", required=True, type=Path, dest="list_path")
    parser.add_argument("--queries", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    try:
        index = NameIndex.build(_rows(args.list_path, "id"))
        queries = list(_rows(args.queries, "qid"))
    except (OSError, InputError, UnicodeDecodeError, csv.Error) as exc:
        sys.stderr.write(f"lintas watchlist: {exc}\n")
        return 2
    written = 0
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["qid", "id", "score", "rank"])
        for qid, name, born, sex, nat in queries:
            person = Person(full_name=name, birth_date=born, sex=sex, nationality=nat)
            for rank, match in enumerate(index.search(person, threshold=args.threshold), 1):
                out.writerow([qid, match.id, f"{match.score:.4f}", rank])
                written += 1
    sys.stderr.write(f"{len(index)} entries, {len(queries)} queries, {written} alerts\n")
    return 0
