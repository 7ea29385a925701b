"""Demo crossings: invented, but shaped like the real ones and obeying the same rules."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from uuid import UUID

import pytest
from django.utils import timezone

from lintas.accounts.demo import demo_accounts_seed
from lintas.accounts.models import User
from lintas.audit.models import AuditEntry
from lintas.common.ids import uuid7_time_ms
from lintas.common.models import current_node
from lintas.crossings import mrz, rules, selectors
from lintas.crossings.demo import (
    CLOSES,
    OPENS,
    SEED_ACTION,
    demo_crossings_seed,
)
from lintas.crossings.models import (
    Crossing,
    CrossingGroup,
    Direction,
    DocumentKind,
    MarketVisit,
    PlbDestination,
    PlbDistrict,
    PlbDistrictStatus,
    TravelDocument,
    Traveller,
)

pytestmark = pytest.mark.django_db

SHORT = 21


@pytest.fixture
def seeded(reference: None) -> dict[str, int]:
    demo_accounts_seed()
    return demo_crossings_seed(days=SHORT)


def _local_day(crossing: Crossing) -> date:
    return timezone.localdate(crossing.crossed_at)


def test_posts_ordered_by_traffic_and_motamasin_refuses_border_passes(
    seeded: dict[str, int],
) -> None:
    per_post = Counter(Crossing.objects.values_list("post_id", flat=True))
    assert per_post["motaain"] > per_post["wini"] > per_post["motamasin"] > 0
    assert sum(per_post.values()) == seeded["crossings"]
    assert not Crossing.objects.filter(post_id="motamasin", document__kind=DocumentKind.PLB)
    kinds = set(Crossing.objects.values_list("document__kind", "document__issuing_state"))
    assert kinds == {("passport", "IDN"), ("passport", "TLS"), ("plb", "IDN"), ("ktp", "IDN")}


def test_every_nik_passes_the_rules(seeded: dict[str, int]) -> None:
    ktps = list(TravelDocument.objects.filter(kind=DocumentKind.KTP).select_related("traveller"))
    assert ktps
    for doc in ktps:
        person = doc.traveller
        assert (
            rules.nik_problems(
                doc.number,
                birth_date=person.birth_date,
                sex=person.sex,
            )
            == []
        ), doc.number
        # The NIK names the district the traveller lives in.
        assert person.residence_district_id is not None
        assert doc.number[:6] == person.residence_district_id.replace(".", "")


def test_documents_pass_the_desk_rules_on_every_crossing(seeded: dict[str, int]) -> None:
    eligible = set(
        PlbDistrict.objects.filter(status=PlbDistrictStatus.ELIGIBLE).values_list(
            "district_id", flat=True
        )
    )
    destinations = {name.lower() for name in PlbDestination.objects.values_list("name", flat=True)}
    crossings = Crossing.objects.select_related("document", "traveller")
    for c in crossings:
        day = _local_day(c)
        doc = c.document
        assert doc.traveller_id == c.traveller_id
        if doc.kind == DocumentKind.PLB:
            assert (
                rules.plb_validity_problems(
                    issued_on=doc.issued_on, expiry_date=doc.expiry_date, on=day
                )
                == []
            )
            assert c.traveller.nationality == "IDN"
            assert c.traveller.residence_district_id in eligible
            if c.direction == Direction.OUTBOUND:
                assert c.destination.lower() in destinations
        elif doc.kind == DocumentKind.PASSPORT:
            assert doc.expiry_date is not None
            assert doc.expiry_date >= day
            assert doc.mrz_format == "TD3"
        assert OPENS <= timezone.localtime(c.crossed_at).time() <= CLOSES
    assert crossings.count() == seeded["crossings"]


def test_inbound_crossings_link_to_the_outbound_one_as_the_service_does(
    seeded: dict[str, int],
) -> None:
    by_traveller: dict[object, list[Crossing]] = defaultdict(list)
    for c in Crossing.objects.select_related("traveller").order_by("crossed_at"):
        by_traveller[c.traveller_id].append(c)
    returns: Counter[tuple[str, bool]] = Counter()
    for trips in by_traveller.values():
        previous: Crossing | None = None
        for c in trips:
            if c.direction == Direction.INBOUND:
                expected: UUID | None = (
                    previous.pk
                    if previous is not None and previous.direction == Direction.OUTBOUND
                    else None
                )
                assert c.outbound_id == expected
                if c.traveller.nationality == "IDN" and expected is None:
                    # An Indonesian's trip starts outbound: only a trip begun before the
                    # window starts with the return.
                    assert previous is None
                returns[(c.traveller.nationality, c.outbound_id is not None)] += 1
            else:
                assert c.outbound_id is None
            previous = c
    # Indonesians come back after leaving: unlinked only when they left before the window.
    assert returns[("IDN", True)] > 2 * returns[("IDN", False)]
    # Timorese come in first; they are linked only from their second visit on.
    assert returns[("TLS", False)] > returns[("TLS", True)] > 0


def test_second_call_adds_nothing(seeded: dict[str, int]) -> None:
    assert seeded["crossings"] > 0
    assert seeded["officers"] == 0  # the demo accounts already include the post officers
    before = (
        Crossing.objects.count(),
        Traveller.objects.count(),
        TravelDocument.objects.count(),
        CrossingGroup.objects.count(),
        MarketVisit.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )
    assert before[:5] == (
        seeded["crossings"],
        seeded["travellers"],
        seeded["documents"],
        seeded["crossing_groups"],
        seeded["market_visits"],
    )
    again = demo_crossings_seed(days=SHORT)
    assert set(again.values()) == {0}
    after = (
        Crossing.objects.count(),
        Traveller.objects.count(),
        TravelDocument.objects.count(),
        CrossingGroup.objects.count(),
        MarketVisit.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before
    seed_entry = AuditEntry.objects.get(action=SEED_ACTION)
    assert seed_entry.actor_id is None
    assert seed_entry.fields == ",".join(sorted(seeded))


def test_market_weeks_near_the_study_figure(reference: None) -> None:
    demo_accounts_seed()
    today = timezone.localdate() - timedelta(days=7)
    counts = demo_crossings_seed(days=SHORT, today=today)
    start = today - timedelta(days=SHORT - 1)
    weeks: Counter[date] = Counter()
    for visit in MarketVisit.objects.all():
        day = timezone.localdate(visit.checked_in_at)
        assert start <= day <= today
        assert day.weekday() in (1, 4)
        weeks[day - timedelta(days=day.weekday())] += 1
    full = [w for w in weeks if w >= start and w + timedelta(days=6) <= today]
    assert len(full) >= 2
    for week in full:
        assert abs(weeks[week] - 655) <= 655 * 0.15, (week, weeks[week])
    assert sum(weeks.values()) == counts["market_visits"]
    # Nothing after the chosen day, and most visitors checked out at the desk.
    assert max(_local_day(c) for c in Crossing.objects.only("crossed_at")) == today
    open_visits = MarketVisit.objects.filter(checked_out_at__isnull=True).count()
    assert open_visits < counts["market_visits"] * 0.05
    for visit in MarketVisit.objects.exclude(checked_out_at=None):
        assert visit.checked_out_at is not None
        assert visit.checked_in_at < visit.checked_out_at
        assert timezone.localtime(visit.checked_out_at).time() <= CLOSES
        assert visit.checked_out_by is not None
        assert visit.checked_out_by.username == "pasar.motaain"


def test_border_pass_overstays_are_listed_for_the_motaain_officer(
    seeded: dict[str, int],
) -> None:
    officer = User.objects.get(username="petugas.motaain")
    rows = selectors.plb_overstays(user=officer)
    # Worked out here from the rows: holders who left through Motaain before the stay
    # allowed ran out and have not come back through any post.
    today = timezone.localdate()
    crossings = list(Crossing.objects.select_related("document").order_by("crossed_at"))
    expected: set[UUID] = set()
    for c in crossings:
        if (
            c.post_id == "motaain"
            and c.direction == Direction.OUTBOUND
            and c.document.kind == DocumentKind.PLB
            and (today - _local_day(c)).days > rules.PLB_STAY_DAYS
            and not any(
                o.traveller_id == c.traveller_id
                and o.direction == Direction.INBOUND
                and o.crossed_at > c.crossed_at
                for o in crossings
            )
        ):
            expected.add(c.pk)
    assert len(expected) == 3
    assert {row.crossing.pk for row in rows} == expected
    assert all(row.days_over > 0 for row in rows)


def test_default_seed_is_ninety_days_of_well_formed_records(reference: None) -> None:
    demo_accounts_seed()
    counts = demo_crossings_seed()
    today = timezone.localdate()
    days = {_local_day(c) for c in Crossing.objects.all()}
    assert min(days) == today - timedelta(days=89)
    assert max(days) <= today
    # Officers: each crossing is registered by the desk officer of its own post.
    officers = {u.post_id: u.pk for u in User.objects.filter(username__startswith="petugas.")}
    assert set(officers) == {"motaain", "wini", "motamasin"}
    for post_id, created_by, origin in Crossing.objects.values_list(
        "post_id", "created_by_id", "origin"
    ):
        assert created_by == officers[post_id]
        assert origin == current_node()
    # UUIDv7 ids, made in crossing order.
    ids = list(Crossing.objects.order_by("crossed_at", "id").values_list("id", flat=True))
    assert all(i.version == 7 for i in ids)
    assert ids == sorted(ids, key=lambda i: i.int)
    assert uuid7_time_ms(ids[0]) <= uuid7_time_ms(ids[-1])
    # Fewer crossings on Sundays than on the average day, at every post.
    window = [today - timedelta(days=n) for n in range(90)]
    sundays = sum(day.weekday() == 6 for day in window)
    per_day = Counter(
        (c.post_id, _local_day(c).weekday() == 6)
        for c in Crossing.objects.only("post_id", "crossed_at")
    )
    for post in ("motaain", "wini", "motamasin"):
        assert per_day[(post, True)] / sundays < per_day[(post, False)] / (90 - sundays)
    # The purposes are spread, and some records show what the desk sees rarely.
    purposes = Counter(Crossing.objects.values_list("purpose", flat=True))
    assert set(purposes) == {"family", "trade", "market", "work", "study", "tourism", "other"}
    assert purposes.most_common(1)[0][0] == "family"
    workers = Crossing.objects.filter(purpose="work", direction=Direction.OUTBOUND)
    assert workers.exclude(employer_name="").exclude(recruiter_name="").exists()
    problems = Crossing.objects.exclude(document_problems=[])
    assert problems.exists()
    for c in problems.select_related("document"):
        assert c.document.kind == DocumentKind.PASSPORT
        assert set(c.document_problems) <= set(mrz.FIELD_ERRORS)
        assert c.notes
    labels = list(CrossingGroup.objects.values_list("label", flat=True))
    assert any(label.startswith("Bus ") for label in labels)
    assert any(label.startswith("Keluarga ") for label in labels)
    assert counts["crossings"] > 10_000
