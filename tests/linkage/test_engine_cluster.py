"""Clustering: strongest links first, no chains of weak links between groups."""

from __future__ import annotations

from lintas.linkage.engine import MAX_CLUSTER, ScoredPair, cluster
from lintas.linkage.engine.features import BLOCK_CAP, build_features, district_of
from lintas.linkage.engine.records import LinkInput, parse_birth_date


def _pair(a: str, b: str, p: float) -> ScoredPair:
    return ScoredPair(a, b, 10.0 * p, p, ())


def test_links_below_the_threshold_are_ignored() -> None:
    pairs = [_pair("a", "b", 0.995), _pair("b", "c", 0.6)]
    assert cluster(pairs, "abcd", threshold=0.99) == {"a": "a", "b": "a", "c": "c", "d": "d"}


def test_one_link_does_not_join_two_groups() -> None:
    pairs = [
        _pair("a1", "a2", 0.999),
        _pair("a1", "a3", 0.999),
        _pair("a2", "a3", 0.999),
        _pair("b1", "b2", 0.999),
        _pair("b1", "b3", 0.999),
        _pair("b2", "b3", 0.999),
        _pair("a3", "b1", 0.995),
    ]
    ids = ["a1", "a2", "a3", "b1", "b2", "b3"]
    out = cluster(pairs, ids, threshold=0.99)
    assert out == {"a1": "a1", "a2": "a1", "a3": "a1", "b1": "b1", "b2": "b1", "b3": "b1"}
    # With links from most of one group into the other, they are one person.
    more = [*pairs, _pair("a1", "b2", 0.995), _pair("a2", "b3", 0.995)]
    assert set(cluster(more, ids, threshold=0.99).values()) == {"a1"}


def test_a_cluster_stops_growing_at_its_cap() -> None:
    ids = [f"r{i:04d}" for i in range(MAX_CLUSTER + 5)]
    pairs = [_pair(ids[0], other, 0.999) for other in ids[1:]]
    sizes: dict[str, int] = {}
    for root in cluster(pairs, ids, threshold=0.99).values():
        sizes[root] = sizes.get(root, 0) + 1
    assert sizes[ids[0]] == MAX_CLUSTER
    assert len(sizes) == 6


def test_birth_dates_in_the_future_or_impossible_are_missing() -> None:
    assert parse_birth_date("2099-01-01") is None
    assert parse_birth_date("2099") is None
    assert parse_birth_date("2001-02-30") is None
    assert parse_birth_date("12/03/1990") is None
    parsed = parse_birth_date("1990")
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.iso) == (1990, None, None)


def test_features_read_names_places_and_phones() -> None:
    cols, bad = build_features(
        [
            LinkInput("1", "t", "Bapak Djoko Soeharto, S.Pd.", "2099-01-01", "m", "53.04.01.2001",
                      "", "0812 3456 7890", "a 123-45"),
            LinkInput("2", "t"),
        ]
    )  # fmt: skip
    assert bad == 1
    assert cols["name_written"] == ["yoko suharto", None]
    assert cols["name_tokens"] == [["suhartu", "yuku"], None]
    assert cols["birth_year"] == [None, None]
    assert cols["sex"] == ["M", None]
    assert cols["district_code"] == ["53.04.01", None]
    assert cols["phone"] == ["+6281234567890", None]
    assert cols["document_number"] == ["A12345", None]
    assert district_of("5304012001") == "530401"


def test_a_crowded_blocking_key_is_refined_then_dropped() -> None:
    # 2 * BLOCK_CAP people with one name and birth year: the name-and-year key is
    # refined by village; in the crowded village it is dropped.
    villages = ["53.04.01.2002" if i % 5 == 0 else "53.04.01.2001" for i in range(BLOCK_CAP * 2)]
    records = [
        LinkInput(str(i), "t", "Maria Nahak", "1990", "F", village)
        for i, village in enumerate(villages)
    ]

    cols, _ = build_features(records)
    keys = cols["bk_name_year"]
    assert keys[0] == "maria nahak|1990|53.04.01.2002"
    assert keys[1] is None
