"""Small-count suppression: what is hidden, and that a reader cannot work a hidden count out.

The reader's bounds (linear programming) are checked against a brute-force search of every
table that agrees with what is shown; the suppression is then checked with those bounds on
many tables, and pinned exactly on one.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.insights.disclosure import Grid, reader_bounds, suppress

K = 11


def _agreeing(grid: Grid, hidden: set[int], cap: int) -> list[list[int]]:
    """Every 2x2 table with cells up to ``cap`` showing what ``grid`` shows."""
    shown = [(q, grid.values[q]) for q in range(len(grid.values)) if q not in hidden]
    out = []
    for a, b, c, d in itertools.product(range(cap + 1), repeat=4):
        values = [a, b, c, d, a + b, c + d, a + c, b + d, a + b + c + d]
        if all(values[q] == v for q, v in shown):
            out.append(values)
    return out


@pytest.mark.parametrize(
    ("cells", "hidden"),
    [
        ([[3, 9], [7, 4]], {0, 1, 2, 3}),  # every cell hidden, margins shown
        ([[3, 9], [7, 4]], {0, 1}),  # a row hidden: its cells are their column less the other
        ([[0, 5], [7, 0]], {0, 1, 2, 3, 4, 5, 6, 7}),  # cells and margins hidden, total shown
        ([[6, 2], [1, 8]], {0, 3}),  # a diagonal: both recoverable from the margins
    ],
)
def test_the_readers_bounds_are_those_of_every_agreeing_table(
    cells: list[list[int]], hidden: set[int]
) -> None:
    grid = Grid.of(cells, n_cols=2)
    tables = _agreeing(grid, hidden, cap=grid.values[grid.grand_total])
    for index in hidden:
        bounds = reader_bounds(grid.values, grid.sums, hidden, index)
        brute = (min(t[index] for t in tables), max(t[index] for t in tables))
        assert (round(bounds.low), round(bounds.high)) == brute


def test_a_table_is_hidden_as_pinned() -> None:
    grid = Grid.of([[20, 3, 15], [30, 40, 12], [11, 25, 50]], n_cols=3)
    hidden = suppress(grid.values, grid.sums)
    # The 3 (primary); 15 beside it in its row; then 30 and 12 and 11 and 25 so that no
    # column or row leaves one hidden count, and none can be worked out.
    assert sorted(grid.values[q] for q in hidden) == [3, 11, 12, 15, 25, 30]
    assert {grid.values[q] for q in set(range(len(grid.values))) - hidden} >= {20, 40, 50, 206}


def test_a_single_small_count_in_a_row_takes_its_smallest_neighbour() -> None:
    grid = Grid.of([[5, 40, 30], [60, 70, 80]], n_cols=3)
    hidden = suppress(grid.values, grid.sums)
    # 5 is primary; 30 is the smallest beside it in its row; their columns then need a
    # partner each: 60 and 80 below them.
    assert sorted(grid.values[q] for q in hidden) == [5, 30, 60, 80]


def test_a_table_under_the_threshold_is_hidden_whole() -> None:
    grid = Grid.of([[2, 3], [1, 4]], n_cols=2)
    assert suppress(grid.values, grid.sums) == set(range(len(grid.values)))


def test_overlapping_columns_keep_their_own_total_and_no_row_totals() -> None:
    # One victim under two types: the columns add up to 3, the total says 2.
    grid = Grid.of([[1, 1], [0, 1]], n_cols=2, row_totals=False, total=2)
    assert grid.values == [1, 1, 0, 1, 1, 2, 2]
    assert grid.sums == [(4, [0, 2]), (5, [1, 3])]
    assert grid.row_total(0) is None
    assert grid.col_total(1) == 5


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=n_cols, max_size=n_cols),
            min_size=1,
            max_size=4,
        )
    )
)
def test_no_small_count_is_shown_and_no_hidden_count_can_be_worked_out(
    cells: list[list[int]],
) -> None:
    grid = Grid.of(cells, n_cols=len(cells[0]))
    hidden = suppress(grid.values, grid.sums)
    shown = set(range(len(grid.values))) - hidden
    assert all(grid.values[q] >= K for q in shown)
    for q in hidden:
        if grid.values[q] == 0:
            continue  # that a cell is empty tells of no one
        bounds = reader_bounds(grid.values, grid.sums, hidden, q)
        assert bounds.high - bounds.low >= 1, (cells, q)
        if grid.values[q] < K:
            assert bounds.high >= K, (cells, q)
