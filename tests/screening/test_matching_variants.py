"""The labelled-variant generator: determinism, labels, CSV files, measured quality."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from lintas.screening.matching import NameIndex, normalise_name
from lintas.screening.matching.variants import (
    LabelledSet,
    format_birth_date,
    generate_entries,
    generate_queries,
    make_labelled_set,
    parse_birth_date,
    write_csv,
)


@cache
def labelled() -> LabelledSet:
    return make_labelled_set(20_000, 600, seed=3)


def test_entries_are_deterministic_per_seed() -> None:
    first = list(generate_entries(500, seed=1))
    assert first == list(generate_entries(500, seed=1))
    assert first != list(generate_entries(500, seed=2))
    assert [e.id for e in first[:3]] == ["W0000000", "W0000001", "W0000002"]


def test_labelled_sets_are_deterministic_per_seed() -> None:
    assert make_labelled_set(3000, 120, seed=9) == make_labelled_set(3000, 120, seed=9)
    assert make_labelled_set(3000, 120, seed=9).queries != make_labelled_set(3000, 120, 8).queries
    sources = list(generate_entries(50, seed=4))
    assert generate_queries(sources, seed=5) == generate_queries(sources, seed=5)


def test_population_looks_like_the_region() -> None:
    entries = list(generate_entries(5000, seed=1))
    tokens = [t for e in entries for t in normalise_name(e.full_name).tokens]
    for name in ("maria", "yohanes", "nahak", "seran", "soares", "costa", "muhammad"):
        assert name in tokens
    assert sum(len(normalise_name(e.full_name).tokens) == 1 for e in entries) > 100
    assert {e.nationality for e in entries} >= {"IDN", "TLS", None}
    assert {e.sex for e in entries} == {"M", "F", None}
    kinds = {type(e.birth_date) for e in entries}
    assert kinds == {dt.date, int, type(None)}
    assert any(" da " in e.full_name or " dos " in e.full_name for e in entries)
    assert any("oe" in e.full_name.lower() or "dj" in e.full_name.lower() for e in entries)


def test_labels_point_at_entries_and_cover_every_kind() -> None:
    data = labelled()
    ids = {e.id for e in data.entries}
    positives = [q for q in data.queries if q.expected_id]
    negatives = [q for q in data.queries if not q.expected_id]
    assert len(data.queries) == 600
    assert all(q.expected_id in ids for q in positives)
    assert 200 < len(positives) < 400
    kinds = {k for q in positives for k in q.kind.split("+")}
    assert kinds >= {
        "spelling", "typo", "reorder", "drop_token", "initial", "honorific", "date_missing",
        "year_only", "day_month_swapped", "day_off_by_one", "year_off_by_one", "field_missing",
    }  # fmt: skip
    assert {q.kind for q in negatives} == {
        "negative_sibling",
        "negative_other_surname",
        "negative_decades_apart",
        "negative_other_person",
    }
    qids = [q.qid for q in data.queries + data.undecidable]
    assert len(qids) == len(set(qids))


def test_quality_goals_hold_on_a_small_list() -> None:
    data = labelled()
    index = NameIndex.build(data.entries)
    found = positives = alerts = negatives = 0
    for q in data.queries:
        ids = [m.id for m in index.search(q)]
        if q.expected_id:
            positives += 1
            found += q.expected_id in ids
        else:
            negatives += 1
            alerts += bool(ids)
    assert found / positives >= 0.95
    assert alerts / negatives <= 0.02


@pytest.mark.parametrize("value", [None, 1987, dt.date(1987, 3, 4)])
def test_birth_dates_round_trip(value: dt.date | int | None) -> None:
    assert parse_birth_date(format_birth_date(value)) == value


def test_csv_files_follow_the_cli_contract(tmp_path: Path) -> None:
    data = make_labelled_set(300, 20, seed=2)
    write_csv(tmp_path, data.entries, data.queries)
    with (tmp_path / "LIST.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "full_name", "birth_date", "sex", "nationality"]
    assert len(rows) == 301
    first = data.entries[0]
    assert rows[1] == [
        first.id,
        first.full_name,
        format_birth_date(first.birth_date),
        first.sex or "",
        first.nationality or "",
    ]
    assert {len(r[2]) for r in rows[1:]} <= {0, 4, 10}
    assert {r[3] for r in rows[1:]} <= {"", "M", "F"}
    with (tmp_path / "QUERIES.csv").open(encoding="utf-8") as handle:
        queries = list(csv.reader(handle))
    assert queries[0] == ["qid", "full_name", "birth_date", "sex", "nationality"]
    assert [q[0] for q in queries[1:]] == [q.qid for q in data.queries]
    with (tmp_path / "TRUTH.csv").open(encoding="utf-8") as handle:
        truth = list(csv.reader(handle))
    assert truth[0] == ["qid", "expected_id", "kind"]
    assert [(t[0], t[1] or None) for t in truth[1:]] == [
        (q.qid, q.expected_id) for q in data.queries
    ]
