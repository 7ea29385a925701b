"""``lintas linkage run --records FILE.csv --out FILE.csv``: link a CSV file, no database.

Reads ``id,source,full_name,birth_date,sex,village_code,phone`` (``district_code`` and
``document_number`` may be added; any field but ``id`` may be empty), trains a model on
the file itself (a small file uses the model shipped with the engine), and writes
``id,cluster_id`` with every input id once, in input order. Exit 0 on success, 1 on an
unusable file, with the reason on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from .cluster import cluster
from .model import predict, train
from .records import LinkInput, is_date_text_invalid

__all__ = ["InputError", "main", "read_records"]

REQUIRED: Final = ("id", "source", "full_name", "birth_date", "sex", "village_code", "phone")
OPTIONAL: Final = ("district_code", "document_number")
#: Links at or above this probability join two records in the output.
CLUSTER_THRESHOLD: Final = 0.9
# A UTF-8 multi-byte sequence: its presence in a file that is not valid UTF-8 means the
# file mixes encodings, and no single decoding reads it right.
_UTF8_SEQUENCE: Final = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


class InputError(ValueError):
    """The input file cannot be linked; the message says why."""


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding used."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"the file contains a NUL byte (line {line}); is it a CSV file?")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise InputError(f"the file starts as UTF-8 but is not: {error}") from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_SEQUENCE.search(data):
            raise InputError(
                "the file mixes encodings (UTF-8 and another): save it again as UTF-8"
            ) from error
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError("the file is in no known text encoding: save it as UTF-8")  # pragma: no cover


def read_records(data: bytes) -> tuple[list[LinkInput], str, int]:
    """The records of a CSV file, the encoding used and the count of unusable dates."""
    text, encoding = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise InputError("the file is empty: expected a header " + ",".join(REQUIRED))
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(columns)) != len(columns):
        raise InputError(
            f"wrong header {','.join(header)!r}: expected {','.join(REQUIRED)}"
            + (f" (missing {', '.join(missing)})" if missing else "")
            + (f" (unknown {', '.join(unknown)})" if unknown else "")
        )
    records: list[LinkInput] = []
    seen: dict[str, int] = {}
    bad_dates = 0
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != len(columns):
            raise InputError(f"line {line}: {len(row)} fields, the header has {len(columns)}")
        fields = dict(zip(columns, (v.strip() for v in row), strict=True))
        record_id = fields["id"]
        if not record_id:
            raise InputError(f"line {line}: the id is missing")
        if record_id in seen:
            raise InputError(
                f"line {line}: id {record_id!r} already used on line {seen[record_id]}"
            )
        seen[record_id] = line
        bad_dates += is_date_text_invalid(fields["birth_date"])
        records.append(
            LinkInput(
                id=record_id,
                source=fields["source"],
                full_name=fields["full_name"],
                birth_date=fields["birth_date"],
                sex=fields["sex"],
                village_code=fields["village_code"],
                district_code=fields.get("district_code", ""),
                phone=fields["phone"],
                document_number=fields.get("document_number", ""),
            )
        )
    return records, encoding, bad_dates


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lintas linkage run",
        description="Link the records of a CSV file into people; no database needed.",
    )
    parser.add_argument("--records", type=Path, required=True, help="input CSV file")
    parser.add_argument("--out", type=Path, required=True, help="output CSV file (id,cluster_id)")
    parser.add_argument(
        "--threshold",
        type=float,
        default=CLUSTER_THRESHOLD,
        help=f"match probability that joins two records (default {CLUSTER_THRESHOLD})",
    )
    parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not 0.0 < args.threshold < 1.0:
        print("error: --threshold must be between 0 and 1", file=sys.stderr)
        return 1
    try:
        data = args.records.read_bytes()
    except OSError as error:
        print(f"error: cannot read {args.records}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        records, encoding, bad_dates = read_records(data)
    except InputError as error:
        print(f"error: {args.records}: {error}", file=sys.stderr)
        return 1
    if encoding not in ("utf-8", "utf-8-sig"):
        print(f"note: {args.records} is not UTF-8; read as {encoding}", file=sys.stderr)
    if bad_dates:
        print(
            f"warning: {bad_dates} birth date(s) unusable (not YYYY-MM-DD or YYYY, "
            "impossible or in the future), treated as missing",
            file=sys.stderr,
        )
    model = train(records, backend=args.backend)
    pairs = predict(model, records, threshold=args.threshold, backend=args.backend)
    clusters = cluster(pairs, (r.id for r in records), threshold=args.threshold)
    try:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("id", "cluster_id"))
            writer.writerows((r.id, clusters[r.id]) for r in records)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 1
    people = len(set(clusters.values()))
    print(f"{len(records)} records, {people} people, model {model.version}", file=sys.stderr)
    return 0
