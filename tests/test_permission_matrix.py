"""The permission matrix covers every page and every API operation, GET and POST.

The rows live with each area in ``tests/permissions/test_*.py`` and run there; this checks
that none is missing, so that a new page or operation cannot arrive without its row.
"""

from __future__ import annotations

from tests.permissions import (
    test_accounts,
    test_api,
    test_cases,
    test_crossings,
    test_linkage,
    test_mobile,
    test_outreach,
    test_screening,
    test_sync_portal,
)
from tests.permissions.matrix import Row, api_operations, page_names
from tests.permissions.world import PRINCIPALS

ROWS: list[Row] = [
    *test_accounts.ROWS,
    *test_crossings.ROWS,
    *test_screening.ROWS,
    *test_cases.ROWS,
    *test_sync_portal.ROWS,
    *test_api.ROWS,
    *test_linkage.ROWS,
    *test_outreach.ROWS,
    *test_mobile.ROWS,
]


def test_every_page_has_a_get_and_a_post_row() -> None:
    covered = {(r.target, r.method) for r in ROWS if not r.is_api}
    missing = sorted(
        (name, method)
        for name in page_names()
        for method in ("GET", "POST")
        if (name, method) not in covered
    )
    assert missing == []
    unknown = sorted({t for t, _m in covered} - page_names())
    assert unknown == []


def test_every_api_operation_has_a_row() -> None:
    covered = {r.operation for r in ROWS if r.is_api}
    assert sorted(api_operations() - covered) == []
    assert sorted(covered - api_operations()) == []
    assert all(r.method == r.operation[0] for r in ROWS if r.is_api)


def test_every_row_names_every_principal() -> None:
    for row in ROWS:
        assert set(row.expect) == set(PRINCIPALS), row.label()
        assert row.writes <= set(PRINCIPALS), row.label()


def test_matrix_size() -> None:
    pages = {r.target for r in ROWS if not r.is_api}
    operations = {r.operation for r in ROWS if r.is_api}
    cells = len(ROWS) * len(PRINCIPALS)
    assert (len(pages), len(operations), len(ROWS), cells) == (97, 33, 260, 2600)
