"""The watch-list index: retrieval against brute force, additions, caps, rows."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from lintas.screening.matching import (
    DEFAULT_THRESHOLD,
    WEAK_CAP,
    Entry,
    NameIndex,
    Person,
    QueryScorer,
    Reason,
    Row,
    compare,
)
from lintas.screening.matching.variants import LabelledSet, make_labelled_set

D = dt.date


class BruteIndex(NameIndex):
    """Same scoring and caps, but every entry is a candidate."""

    def candidates(self, scorer: QueryScorer) -> list[int]:
        return list(range(len(self)))


@cache
def labelled() -> LabelledSet:
    return make_labelled_set(2000, 300, seed=11)


@cache
def indexes() -> tuple[NameIndex, NameIndex]:
    data = labelled()
    return NameIndex.build(data.entries), BruteIndex.build(data.entries)


def test_index_finds_the_same_best_match_as_brute_force() -> None:
    index, brute = indexes()
    data = labelled()
    queries = data.queries + data.undecidable
    differences = []
    alerts = 0
    for q in queries:
        best = [(m.id, m.score) for m in index.search(q, limit=1)]
        reference = [(m.id, m.score) for m in brute.search(q, limit=1)]
        alerts += bool(reference)
        if best != reference:
            differences.append((q, best, reference))
    assert differences == []
    assert alerts > 150


def test_index_agrees_with_compare_below_the_threshold_too() -> None:
    index, _ = indexes()
    data = labelled()
    entries = {e.id: e for e in data.entries}
    for q in data.queries[:100]:
        for match in index.search(q, threshold=0.5, limit=5):
            assert match.score == pytest.approx(compare(q, entries[match.id]).score) or (
                match.score == WEAK_CAP
                and Reason("common_name", match.reasons[-1].params) in match.reasons
            )


def test_added_entries_are_found_like_built_ones() -> None:
    data = labelled()
    built = NameIndex.build(data.entries)
    grown = NameIndex.build(data.entries[:1200])
    for entry in data.entries[1200:]:
        grown.add(entry)
    assert len(grown) == len(built) == 2000
    for q in data.queries[:150]:
        assert grown.search(q) == built.search(q)


def test_rows_and_entries_build_the_same_index() -> None:
    rows: list[Row] = [
        ("a1", "Djoko Santoso", D(1980, 5, 3), "M", "IDN"),
        ("a2", "Maria Goreti Seran", 1975, "F", None),
        ("a3", "Xanana Gusmão", None, None, "TLS"),
    ]
    from_rows = NameIndex.build(rows)
    from_entries = NameIndex.build(Entry(*row) for row in rows)
    query = Person("Joko Santoso", D(1980, 5, 3), "M")
    assert from_rows.search(query) == from_entries.search(query)
    [match] = from_rows.search(query)
    assert match.id == "a1"
    assert match.score == 1.0
    assert match.reasons == (
        Reason("spelling_variant", {"query": "Joko", "entry": "Djoko"}),
        Reason("birth_date_exact", {}),
        Reason("sex_match", {"sex": "M"}),
    )
    assert (
        match.describe()
        == "a1 1.000: Joko and Djoko are spellings of one name; same birth date; same sex"
    )


def test_results_are_ranked_and_limited() -> None:
    rows: list[Row] = [
        ("b1", "Yohanes Nahak", D(1980, 5, 3), "M", "IDN"),
        ("b2", "Johanes Nahak", D(1980, 5, 4), "M", "IDN"),
        ("b3", "Yohanes Nahak", 1980, "M", "IDN"),
        ("b4", "Yosef Nahak", D(1980, 5, 3), "M", "IDN"),
    ]
    index = NameIndex.build(rows)
    query = Person("Yohanes Nahak", D(1980, 5, 3), "M", "IDN")
    # All three reach 1.0; the exact one comes first, then the variant one day off,
    # then the year-only record.
    matches = index.search(query)
    assert [(m.id, m.score) for m in matches] == [("b1", 1.0), ("b2", 1.0), ("b3", 1.0)]
    assert [m.id for m in index.search(query, limit=1)] == ["b1"]
    assert index.search(Person("Yosef Nahak", 1980, "M"))[0].id == "b4"


def test_a_crowded_name_without_a_full_date_is_not_an_alert() -> None:
    rows = [(f"m{i}", "Maria Nahak", D(1950 + i, 1, 1), "F", "IDN") for i in range(30)]
    index = NameIndex.build(rows)
    assert index.search(Person("Maria Nahak")) == []
    assert index.search(Person("Maria Nahak", 1960)) != []
    weak = index.search(Person("Maria Nahak", None, "F"), threshold=0.5, limit=3)
    assert [m.score for m in weak] == [WEAK_CAP] * 3
    assert weak[0].reasons[-1] == Reason("common_name", {"entries": 30})
    # With the full birth date, the one that matches is an alert at once.
    exact, *near = index.search(Person("Maria Nahak", D(1960, 1, 1)))
    assert (exact.id, exact.score) == ("m10", 1.0)
    assert sorted(m.id for m in near) == ["m11", "m9"]
    assert all(Reason("birth_date_off_by_one_year", {}) in m.reasons for m in near)


def test_a_rare_name_without_a_date_is_an_alert() -> None:
    index = NameIndex.build([("r1", "Benediktus Nenometa", None, "M", "IDN")])
    [match] = index.search(Person("Benediktus Nenometa", D(1970, 1, 1)))
    assert match.id == "r1"
    assert match.score == pytest.approx(1.0 - 0.03)
    assert match.score >= DEFAULT_THRESHOLD


def test_typos_are_found_through_near_keys() -> None:
    rows = [(f"x{i}", f"Yosefina Nenometa{i}", D(1990, 1, 1), "F", "IDN") for i in range(3)]
    rows.append(("t1", "Marselina Tualaka", D(1988, 2, 3), "F", "IDN"))
    index = NameIndex.build(rows)
    [match] = index.search(Person("Marselnia Tualka", D(1988, 2, 3)))
    assert match.id == "t1"
    assert [r.code for r in match.reasons] == ["typo", "typo", "birth_date_exact"]


def test_stats_describe_the_structures() -> None:
    index = NameIndex.build([("s1", "Maria Goreti Seran", None, None, None)])
    assert index.stats() == {
        "entries": 1,
        "keys": 6,
        "postings": 6,
        "longest_posting": 1,
        "near_variants": index.stats()["near_variants"],
    }
    assert index.stats()["near_variants"] > 10
    assert index.names == ["maria goreti seran"]
