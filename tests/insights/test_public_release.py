"""The public statistics: counted from the records, small counts hidden, published and audited.

Each published table is checked as a reader would attack it: from the document alone (the
shown counts and the sums that tie them) the tightest bounds on every hidden count are
computed; none of one or more may be recovered, none under 11 shown to be small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import TipChannel, TipStatus
from lintas.common.errors import PermissionDenied
from lintas.insights.disclosure import reader_bounds
from lintas.insights.models import PublicRelease
from lintas.insights.public_stats import CountTable, age_band, hide_together, public_release_build
from lintas.insights.services import public_release_publish
from tests.insights import world

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
REGENCIES = 22 + 2  # the province's, outside NTT, not recorded
Key = tuple[Any, Any]


def _table(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in document["tables"] if t["name"] == name)


def _shown(table: dict[str, Any]) -> dict[Key, int]:
    return {
        (c["key"][table["dimensions"][0]], c["key"][table["dimensions"][1]]): c["count"]
        for c in table["cells"]
        if not c["suppressed"]
    }


def assert_safe(table: dict[str, Any], truth: dict[Key, int], *, total: int | None = None) -> None:
    """Shown counts are the true ones, all 11 or more; no hidden one can be worked out.

    ``truth`` holds the non-zero cells; margins are their sums. ``total`` is the grand total
    of a table whose columns overlap (no row totals, and a total that is not their sum).
    """
    first, second = table["dimensions"]
    keys: list[Key] = [(c["key"][first], c["key"][second]) for c in table["cells"]]
    index = {key: q for q, key in enumerate(keys)}
    grand = len(keys)

    def value(key: Key) -> int:
        r, c = key
        if r is not None and c is not None:
            return truth.get(key, 0)
        return sum(n for (tr, tc), n in truth.items() if r in (None, tr) and c in (None, tc))

    values = [value(key) for key in keys] + [total if total is not None else sum(truth.values())]
    sums: list[tuple[int, list[int]]] = []
    for q, (r, c) in enumerate(keys):
        if c is None:
            sums.append((q, [index[(r, cc)] for cc in table["values"][second]]))
        elif r is None:
            sums.append((q, [index[(rr, c)] for rr in table["values"][first]]))
    if table["row_totals"]:
        sums.append((grand, [index[(r, None)] for r in table["values"][first]]))
    if total is None:
        sums.append((grand, [index[(None, c)] for c in table["values"][second]]))
    hidden = {q for q, cell in enumerate(table["cells"]) if cell["suppressed"]}
    if table["total_suppressed"]:
        hidden.add(grand)
    for q, cell in enumerate(table["cells"]):
        if not cell["suppressed"]:
            assert cell["count"] == values[q], keys[q]
            assert cell["count"] >= 11, keys[q]
    if not table["total_suppressed"]:
        assert table["total"] == values[grand] >= 11
    for q in hidden:
        if values[q] == 0:
            continue
        bounds = reader_bounds(values, sums, hidden, q)
        assert bounds.high - bounds.low >= 1, ("recoverable", keys[q] if q < grand else "total")
        if values[q] < 11:
            assert bounds.high >= 11, ("shown small", keys[q] if q < grand else "total")


@pytest.fixture
def case_worker(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.CASE_WORKER)


BIG = {(2025, "53.04"): 15, (2025, "53.71"): 25, (2026, "53.04"): 30, (2026, "53.71"): 20}


def _cases(owner: User, counts: dict[Key, int]) -> None:
    for (year, regency), n in counts.items():
        world.cases(owner, year, regency, n)


def test_counts_of_eleven_and_more_are_shown_exactly_and_the_rest_hidden(
    case_worker: User,
) -> None:
    _cases(case_worker, BIG)
    table = _table(public_release_build(now=NOW), "cases_by_year_regency")
    assert table["dimensions"] == ["year", "regency"]
    assert table["values"]["year"] == [2025, 2026]  # from the first year with a record
    assert table["values"]["regency"][:2] == ["53.01", "53.02"]
    assert table["values"]["regency"][-2:] == ["outside", "unknown"]
    assert len(table["cells"]) == 2 * REGENCIES + 2 + REGENCIES
    assert _shown(table) == {
        **BIG,
        (2025, None): 40,
        (2026, None): 50,
        (None, "53.04"): 45,
        (None, "53.71"): 45,
    }
    assert table["total"] == 90
    assert table["total_suppressed"] is False
    hidden = [c for c in table["cells"] if c["suppressed"]]
    assert len(hidden) == len(table["cells"]) - 8
    assert {c["count"] for c in hidden} == {None}
    assert_safe(table, BIG)


def test_a_small_count_is_hidden_with_partners_so_that_no_total_gives_it_away(
    case_worker: User,
) -> None:
    truth = {**BIG, (2026, "53.17"): 3}
    _cases(case_worker, truth)
    table = _table(public_release_build(now=NOW), "cases_by_year_regency")
    shown = _shown(table)
    assert (2026, "53.17") not in shown
    # 2026's total less its shown cells would be the 3: a cell of 2026 is hidden with it.
    assert (2026, None) in shown
    assert {(2026, "53.04"), (2026, "53.71")} - set(shown)
    assert table["total"] == 93
    assert_safe(table, truth)


def test_cases_outside_the_province_without_a_regency_or_deleted_are_counted_as_such(
    case_worker: User,
) -> None:
    _cases(case_worker, {(2026, "53.04"): 12, (2026, None): 13, (2026, "52.01"): 0})
    far = world.cases(case_worker, 2026, None, 1)[0]
    far.deleted_at = NOW
    far.save()
    table = _table(public_release_build(now=NOW), "cases_by_year_regency")
    assert _shown(table) == {
        (2026, "53.04"): 12,
        (2026, "unknown"): 13,
        (2026, None): 25,
        (None, "53.04"): 12,
        (None, "unknown"): 13,
    }
    assert table["total"] == 25


def test_victims_are_counted_by_origin_type_sex_and_age_and_share_one_total(
    case_worker: User,
) -> None:
    [case] = world.cases(case_worker, 2026, "53.04", 1)
    world.victims(
        case,
        12,
        gender="Feminine",
        age_when_trafficked=16,
        residence_regency_id="53.04",
        exploitation_types=["ForcedLabour"],
    )
    world.victims(
        case,
        11,
        gender="Masculine",
        birth_year=1990,  # 36 in the case's year
        residence_regency_id="53.71",
        exploitation_types=["ForcedLabour", "SexualExploitation"],
    )
    world.victims(case, 4, trafficking_status="NotAVictimOfTrafficking", gender="Feminine")
    document = public_release_build(now=NOW)
    by_regency = _table(document, "victims_by_year_regency")
    assert _shown(by_regency) == {
        (2026, "53.04"): 12,
        (2026, "53.71"): 11,
        (2026, None): 23,
        (None, "53.04"): 12,
        (None, "53.71"): 11,
    }
    by_type = _table(document, "victims_by_year_exploitation")
    assert by_type["row_totals"] is False  # a victim may count under several types
    assert _shown(by_type) == {
        (2026, "ForcedLabour"): 23,
        (2026, "SexualExploitation"): 11,
        (None, "ForcedLabour"): 23,
        (None, "SexualExploitation"): 11,
    }
    assert by_type["total"] == 23  # each victim once
    by_sex = _table(document, "victims_by_sex_age")
    assert _shown(by_sex) == {
        ("female", "0-17"): 12,
        ("male", "25-39"): 11,
        ("female", None): 12,
        ("male", None): 11,
        (None, "0-17"): 12,
        (None, "25-39"): 11,
    }
    assert {t["total"] for t in (by_regency, by_type, by_sex)} == {23}
    assert_safe(by_regency, {(2026, "53.04"): 12, (2026, "53.71"): 11})
    assert_safe(by_type, {(2026, "ForcedLabour"): 23, (2026, "SexualExploitation"): 11}, total=23)
    assert_safe(by_sex, {("female", "0-17"): 12, ("male", "25-39"): 11})


def test_a_total_hidden_in_one_table_is_hidden_in_every_table_that_shares_it() -> None:
    def table(name: str, counts: dict[Key, int]) -> CountTable:
        return CountTable(
            name, "victims", ("a", "b"), [1, 2], ["x", "y"], Counter(counts), shared_total="v"
        )

    safe = table("safe", {(1, "x"): 12, (2, "y"): 12})
    small = table("small", {(1, "x"): 5, (2, "y"): 4})  # its total, 9, is hidden
    grids = {t.name: t.grid() for t in (safe, small)}
    alone = hide_together([safe], {"safe": grids["safe"]}, k=11)
    assert grids["safe"].grand_total not in alone["safe"]
    together = hide_together([safe, small], grids, k=11)
    assert grids["small"].grand_total in together["small"]
    assert grids["safe"].grand_total in together["safe"]
    # A hidden total alone in the sum of the row totals takes the first row's with it, and
    # that row's cell, and its column's total: 0 is cell (1, x), 4 row 1, 6 column x, 8 all.
    assert together["safe"] - alone["safe"] == {0, 4, 6, 8}


def test_tips_are_counted_by_channel_once_each(case_worker: User) -> None:
    world.tips(2026, TipChannel.SMS, 14)
    world.tips(2026, TipChannel.WEB, 20)
    world.tips(2026, TipChannel.WEB, 5, status=TipStatus.MERGED)  # repeats of another
    table = _table(public_release_build(now=NOW), "tips_by_year_channel")
    assert table["values"]["channel"] == ["web", "sms", "whatsapp", "desk", "outreach"]
    assert _shown(table) == {
        (2026, "web"): 20,
        (2026, "sms"): 14,
        (2026, None): 34,
        (None, "web"): 20,
        (None, "sms"): 14,
    }


def test_outreach_reach_is_counted_by_the_regency_of_the_village(case_worker: User) -> None:
    world.activities(case_worker, "53.01.04.2003", [(date(2026, 3, 1), 30), (date(2026, 4, 1), 15)])
    world.activities(case_worker, "53.01.04.2004", [(date(2025, 3, 1), 12)])
    table = _table(public_release_build(now=NOW), "outreach_reach_by_year_regency")
    assert _shown(table) == {
        (2025, "53.01"): 12,
        (2026, "53.01"): 45,
        (2025, None): 12,
        (2026, None): 45,
        (None, "53.01"): 57,
    }


def test_with_no_records_the_release_is_this_year_with_everything_hidden() -> None:
    document = public_release_build(now=NOW)
    assert document["years"] == [2026, 2026]
    assert document["threshold"] == 11
    assert document["generated_at"] == "2026-12-04T11:00:00+08:00"
    assert {len(_shown(t)) for t in document["tables"]} == {0}
    assert {t["total"] for t in document["tables"]} == {None}


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (-1, "unknown"),
        (0, "0-17"),
        (17, "0-17"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-39"),
        (39, "25-39"),
        (40, "40+"),
        (120, "40+"),
        (121, "unknown"),
    ],
)
def test_age_bands(age: int | None, band: str) -> None:
    assert age_band(age) == band


def test_the_analyst_publishes_a_release_that_is_stored_dated_and_audited(
    user_factory: Callable[..., User], case_worker: User
) -> None:
    _cases(case_worker, BIG)
    analyst = user_factory(Role.ANALYST)
    release = public_release_publish(actor=analyst, now=NOW)
    assert PublicRelease.objects.get() == release
    assert release.generated_by == analyst
    assert release.generated_at == NOW
    assert release.threshold == 11
    assert _table(release.payload, "cases_by_year_regency")["total"] == 90
    assert len(release.digest) == 64
    entry = AuditEntry.objects.get(action="insights.public_release")
    assert (entry.object_type, entry.object_id) == ("insights.publicrelease", str(release.pk))
    assert entry.actor_id == analyst.pk


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ANALYST])
def test_no_other_role_may_publish_and_nothing_is_written(
    user_factory: Callable[..., User], role: str
) -> None:
    user = user_factory(role)
    audited = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        public_release_publish(actor=user)
    assert str(refused.value) == "Anda tidak boleh menerbitkan statistik publik."
    assert PublicRelease.objects.count() == 0
    assert AuditEntry.objects.count() == audited


def test_a_post_node_does_not_publish(settings: Any) -> None:
    settings.LINTAS_NODE = "motaain"
    with pytest.raises(PermissionDenied) as refused:
        public_release_publish(actor=None)
    assert refused.value.code == "hub_only"
    assert PublicRelease.objects.count() == 0
