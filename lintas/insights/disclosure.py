"""Small-count suppression for published tables: primary, complementary, and an audit.

A published table is a set of counts tied by sums: each margin (a row's or a column's
total, the grand total) equals the sum of the cells it covers. A reader who sees every
shown count and knows those sums, and that no count is negative, can bound every hidden
one by linear programming, as a careful attacker would. The rules here:

1. **Primary**: every count under ``k`` (11, as CTDC publishes) is hidden, zeros included,
   so that a place or a year with no case is not told apart from one with a few.
2. **Complementary**: no sum may have exactly one hidden count above zero (it would be the
   margin less the rest). The smallest shown count of the same sum is hidden with it.
3. **Audit**: for each hidden count of one or more the reader's tightest bounds are computed
   (two linear programmes). It is protected when its bounds are not equal (it cannot be
   recovered), and, for a count under ``k``, when its upper bound reaches ``k`` (the page
   cannot be shown to hold a small count there). An unprotected count makes the smallest
   shown count of a sum it is in hidden too, and the audit runs again. A hidden zero needs
   no protection of its own: working out that a cell is empty tells of no one.

Hiding only ever grows, so the loop ends (at worst everything is hidden). The quantities are
numbered; ``sums`` lists ``(margin, terms)``: the margin's index and the indices it adds up.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]

#: CTDC's threshold: no count under 11 is published.
K_THRESHOLD = 11


@dataclass(frozen=True)
class Bounds:
    low: float
    high: float


Sum = tuple[int, Sequence[int]]


def suppress(
    values: Sequence[int],
    sums: Sequence[Sum],
    *,
    k: int = K_THRESHOLD,
    hidden: Collection[int] = (),
) -> set[int]:
    """The indices to hide so that no count under ``k`` is shown or can be recovered.

    ``hidden`` is hidden from the start whatever its value (a count hidden in another
    table of the same release, which must not be shown here).
    """
    out = {i for i, v in enumerate(values) if v < k} | set(hidden)
    # Hiding more only widens what a reader can say of a hidden count: a count found
    # protected stays so, and each pass checks only those not yet found protected.
    protected: set[int] = set()
    while True:
        _complete_sums(values, sums, out)
        weak = _unprotected(values, sums, out, k=k, skip=protected)
        if not weak:
            return out
        protected |= (out - protected) - set(weak)
        for index in weak:
            partner = _smallest_shown_beside(index, values, sums, out)
            if partner is None:  # every count it sums with is hidden: widen to any shown one
                shown = [q for q in range(len(values)) if q not in out]
                if not shown:
                    return out
                partner = min(shown, key=lambda q: (values[q], q))
            out.add(partner)


def reader_bounds(
    values: Sequence[int], sums: Sequence[Sum], hidden: Collection[int], index: int
) -> Bounds:
    """The tightest bounds a reader of the shown counts can put on hidden ``index``."""
    hidden_list = sorted(hidden)
    column = {q: j for j, q in enumerate(hidden_list)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for margin, terms in sums:
        row = [0.0] * len(hidden_list)
        constant = 0.0
        for q, sign in [(margin, -1.0), *((t, 1.0) for t in terms)]:
            if q in column:
                row[column[q]] += sign
            else:
                constant += sign * values[q]
        if any(row):
            rows.append(row)
            rhs.append(-constant)
    objective = np.zeros(len(hidden_list))
    objective[column[index]] = 1.0
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    bounds = [(0, None)] * len(hidden_list)
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    top = float("inf") if high.status == 3 else -float(high.fun)  # 3: unbounded
    return Bounds(low=float(low.fun), high=top)


def _complete_sums(values: Sequence[int], sums: Sequence[Sum], out: set[int]) -> None:
    """Until no sum has exactly one hidden count above zero, hide the smallest shown one
    beside it (a hidden zero alone gives nothing away: the audit checks the rest)."""
    changed = True
    while changed:
        changed = False
        for margin, terms in sums:
            members = [margin, *terms]
            shown = [q for q in members if q not in out]
            if shown and sum(1 for q in members if q in out and values[q] > 0) == 1:
                out.add(min(shown, key=lambda q: (values[q], q == margin, q)))
                changed = True


def _unprotected(
    values: Sequence[int], sums: Sequence[Sum], out: set[int], *, k: int, skip: set[int]
) -> list[int]:
    """Hidden counts a reader could recover, or show to be under ``k``."""
    in_a_sum = {q for margin, terms in sums for q in (margin, *terms)}
    weak: list[int] = []
    for index in sorted(out - skip):
        if values[index] == 0 or index not in in_a_sum:
            continue  # a zero tells of no one; tied to nothing, a count is not known
        bounds = reader_bounds(values, sums, out, index)
        exact = bounds.high - bounds.low < 0.5
        if exact or (values[index] < k and bounds.high < k - 0.5):
            weak.append(index)
    return weak


def _smallest_shown_beside(
    index: int, values: Sequence[int], sums: Sequence[Sum], out: set[int]
) -> int | None:
    beside = {
        q
        for margin, terms in sums
        if index in (margin, *terms)
        for q in (margin, *terms)
        if q not in out
    }
    if not beside:
        return None
    margins = {margin for margin, _terms in sums}
    return min(beside, key=lambda q: (q in margins, values[q], q))


@dataclass(frozen=True)
class Grid:
    """A two-way table laid out as numbered quantities, with the sums that tie them.

    Cells come first, row by row; then the row totals (when published), the column totals,
    and the grand total last. A row total is left out where a row's cells overlap (one
    victim counted under several kinds of exploitation): it would not be their sum.
    """

    values: list[int]
    sums: list[Sum]
    n_rows: int
    n_cols: int
    row_totals: bool

    @classmethod
    def of(
        cls,
        cells: Sequence[Sequence[int]],
        *,
        n_cols: int,
        row_totals: bool = True,
        total: int | None = None,
    ) -> Grid:
        """``total`` is the grand total where the cells do not add up to it (overlaps)."""
        n_rows = len(cells)
        values = [int(v) for row in cells for v in row]
        sums: list[Sum] = []

        def cell(r: int, c: int) -> int:
            return r * n_cols + c

        if row_totals:
            for r in range(n_rows):
                sums.append((len(values), [cell(r, c) for c in range(n_cols)]))
                values.append(sum(cells[r]))
        col_start = len(values)
        for c in range(n_cols):
            sums.append((len(values), [cell(r, c) for r in range(n_rows)]))
            values.append(sum(cells[r][c] for r in range(n_rows)))
        grand = len(values)
        if total is None:
            values.append(sum(values[col_start:grand]))
            sums.append((grand, list(range(col_start, grand))))
            if row_totals:
                sums.append((grand, list(range(n_rows * n_cols, col_start))))
        else:
            values.append(int(total))
        return cls(values, sums, n_rows, n_cols, row_totals)

    def cell(self, r: int, c: int) -> int:
        return r * self.n_cols + c

    def row_total(self, r: int) -> int | None:
        return self.n_rows * self.n_cols + r if self.row_totals else None

    def col_total(self, c: int) -> int:
        return self.n_rows * self.n_cols + (self.n_rows if self.row_totals else 0) + c

    @property
    def grand_total(self) -> int:
        return len(self.values) - 1
