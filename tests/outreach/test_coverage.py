"""Coverage and priority, checked against figures computed by hand on a small data set.

The shipped poverty rates (2023) are those of 8 regencies: 31.78, 28.37, 27.48, 27.17,
27.17, 12.06, 11.77 and 8.61. Scaled from 8.61 (0) to 31.78 (1) over a span of 23.17, their
mean is 4.554596 / 8 = 0.569325, which a regency without a rate counts as.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.cases.tips import tip_submit
from lintas.common.ids import uuid7
from lintas.outreach import services
from lintas.outreach.coverage import coverage_compute, island_of, reach_score
from tests.outreach.conftest import KUPANG_BARAT_VILLAGE, SEMAU_VILLAGE

pytestmark = pytest.mark.django_db


def by_code(today: object = None) -> dict[str, object]:
    return {row.district_code: row for row in coverage_compute()}


def test_every_district_once_and_every_rank_once(reference: None) -> None:
    rows = coverage_compute()
    assert len(rows) == 315
    assert sorted(r.priority_rank for r in rows) == list(range(1, 316))
    assert len({r.district_code for r in rows}) == 315


@pytest.mark.parametrize(
    ("code", "island", "has_post", "vulnerability"),
    [
        # Semau: no post, regency without a rate: (2 * 0.569325 + 1) / 3
        ("53.01.04", "Pulau Semau", False, 0.713),
        # Kupang Barat, on Timor with the posts: (2 * 0.569325 + 0) / 3
        ("53.01.05", "Pulau Timor", True, 0.380),
        # Sumba Tengah, the highest rate, no post: (2 * 1 + 1) / 3
        ("53.17.03", "Pulau Sumba", False, 1.000),
        # Sabu Barat: (2 * 19.76 / 23.17 + 1) / 3
        ("53.20.01", "Pulau Sabu", False, 0.902),
        # Raijua lies on its own island, also without a post
        ("53.20.06", "Pulau Raijua", False, 0.902),
        # Kota Kupang, the lowest rate, on Timor: 0
        ("53.71.01", "Pulau Timor", True, 0.000),
        # Larantuka, Flores (immigration offices at Maumere and Labuan Bajo): 2 * 3.16/23.17 / 3
        ("53.06.03", "Pulau Flores", True, 0.091),
        # Adonara Barat, on Adonara without an office: (2 * 0.136383 + 1) / 3
        ("53.06.08", "Pulau Adonara", False, 0.424),
        # Alor and Pantar: no post, no rate
        ("53.05.01", "Pulau Alor", False, 0.713),
        ("53.05.06", "Pulau Pantar", False, 0.713),
    ],
)
def test_vulnerability_by_hand(
    reference: None, code: str, island: str, has_post: bool, vulnerability: float
) -> None:
    row = by_code()[code]
    assert (row.island, row.island_has_post, row.vulnerability) == (island, has_post, vulnerability)


def test_with_nothing_recorded_the_poorest_islands_without_a_post_come_first(
    reference: None,
) -> None:
    ranked = sorted(coverage_compute(), key=lambda r: r.priority_rank)
    # Sumba Tengah's 6 districts: vulnerability 1, priority 1 / 1.25 = 0.8, ties by code
    assert [(r.district_code, r.priority) for r in ranked[:6]] == [
        (f"53.17.0{i}", 0.8) for i in range(1, 7)
    ]
    assert ranked[6].regency_code == "53.20"  # then Sabu Raijua, 0.902 / 1.25
    assert ranked[6].priority == 0.7216
    assert ranked[-1].district_code.startswith("53.71")  # Kota Kupang last
    assert sum(r.left_out for r in ranked) == 0 + len([r for r in ranked if r.vulnerability >= 0.5])


def test_reach_tips_and_priority_by_hand(coordinator: User) -> None:
    today = timezone.localdate()
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="women",
        name="Kelompok Perempuan Otan",
        village_code=SEMAU_VILLAGE,
        member_count=12,
    )
    services.meeting_record(
        actor=coordinator, id=uuid7(), group_id=group.pk, held_on=today - timedelta(days=10)
    )
    for days, women in ((20, 80), (200, 70)):
        services.activity_record(
            actor=coordinator,
            id=uuid7(),
            kind="awareness",
            held_on=today - timedelta(days=days),
            village_code=SEMAU_VILLAGE,
            reached={"women": women},
        )
    # 400 days ago: outside the 12 months, counted nowhere
    services.activity_record(
        actor=coordinator,
        id=uuid7(),
        kind="awareness",
        held_on=today - timedelta(days=400),
        village_code=SEMAU_VILLAGE,
        reached={"women": 500},
    )
    tip_submit(body="Ada perekrut di Semau", district_code="53.01.04")
    services.activity_record(
        actor=coordinator,
        id=uuid7(),
        kind="school",
        held_on=today,
        village_code=KUPANG_BARAT_VILLAGE,
        reached={"girls": 400, "boys": 400},
    )
    rows = by_code()
    semau = rows["53.01.04"]
    assert (semau.activities_12m, semau.people_reached_12m, semau.groups_active) == (2, 150, 1)
    assert semau.tips_12m == 1
    # reach = 0.4 * 2/4 + 0.4 * 150/400 + 0.2 * 1 = 0.55; signal = 1/3
    assert semau.reach == 0.55
    assert semau.signal == 0.3333
    # priority = (0.713 + 0.25 * 0.3333) / 1.25 * 0.45 = 0.28667
    assert semau.priority == 0.2867
    assert semau.left_out is False  # reach 0.55 is not little
    barat = rows["53.01.05"]
    # one activity, 800 people: 0.4 * 1/4 + 0.4 * 1 + 0 = 0.5
    assert (barat.activities_12m, barat.people_reached_12m, barat.reach) == (1, 800, 0.5)
    assert barat.priority == round(0.380 / 1.25 * 0.5, 4)


def test_reach_is_capped_at_one(reference: None) -> None:
    assert reach_score(activities=40, people=10_000, groups=7) == 1.0
    assert reach_score(activities=0, people=0, groups=0) == 0.0


def test_islands_cover_every_district(reference: None) -> None:
    from lintas.places.models import District

    names = {island_of(d.code, d.regency_id).name for d in District.objects.all()}
    assert names == {
        "Pulau Timor", "Pulau Semau", "Pulau Flores", "Pulau Adonara", "Pulau Solor",
        "Pulau Palue", "Pulau Sumba", "Pulau Alor", "Pulau Pantar", "Pulau Lembata",
        "Pulau Rote", "Pulau Ndao", "Pulau Sabu", "Pulau Raijua",
    }  # fmt: skip
