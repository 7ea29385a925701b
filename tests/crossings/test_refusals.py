"""Refusals at the desk: recorded with their reason, screened, and never saved twice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.common.errors import Conflict, ValidationFailed
from lintas.crossings.models import Crossing, DocumentKind
from lintas.crossings.services import CrossingData, DocumentData
from lintas.screening.models import Alert
from tests.crossings.conftest import register
from tests.crossings.test_register import counts, plb, resident, to

pytestmark = pytest.mark.django_db

TODAY = date.today()


def refusal(reason: str, *, notes: str = "", purpose: str = "family") -> CrossingData:
    return CrossingData(
        direction="out",
        purpose=purpose,
        entry_point_code="motaain-motaain",
        destination="Batugade",
        outcome="refused",
        refusal_reason=reason,
        notes=notes,
    )


def test_refusal_on_suspicion_is_saved_screened_strong_and_alerted(
    officer_at: Callable[[str], User],
) -> None:
    crossing = register(officer_at("motaain"), crossing=refusal("suspected_trafficking"))
    crossing.refresh_from_db()
    assert (crossing.outcome, crossing.refusal_reason) == ("refused", "suspected_trafficking")
    assert crossing.outbound_id is None
    reasons = crossing.screening.reasons
    assert [(r["id"], r["strength"]) for r in reasons] == [
        ("REFUSED-SUSPECTED-TRAFFICKING", "strong")
    ]
    assert crossing.screening.level == "high"
    assert list(Alert.objects.filter(crossing=crossing).values_list("level", flat=True)) == ["high"]


def test_refusal_without_papers_is_a_medium_indicator(officer_at: Callable[[str], User]) -> None:
    crossing = register(
        officer_at("motaain"), crossing=refusal("no_placement_papers", purpose="work")
    )
    assert [(r["id"], r["strength"]) for r in crossing.screening.reasons] == [
        ("NTT-NONPROCEDURAL", "strong"),
        ("REFUSED-NO-PLACEMENT-PAPERS", "medium"),
    ]


@pytest.mark.parametrize(
    ("reason", "notes", "fields"),
    [
        ("", "", {"refusal_reason": "Isi alasan penolakan."}),
        ("bribe", "", {"refusal_reason": "Isi alasan penolakan."}),
        ("other", "", {"notes": "Tulis di catatan mengapa pelintas ditolak."}),
    ],
    ids=["no-reason", "unknown-reason", "other-without-notes"],
)
def test_refusal_needs_its_reason_and_changes_nothing(
    officer_at: Callable[[str], User], reason: str, notes: str, fields: dict[str, str]
) -> None:
    officer = officer_at("motaain")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(officer, crossing=refusal(reason, notes=notes))
    assert {k: str(v) for k, v in exc.value.field_errors.items()} == fields
    assert counts() == before


def test_unknown_outcome_is_refused(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("motaain")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(officer, crossing=replace(refusal("other"), outcome="maybe"))
    assert {k: str(v) for k, v in exc.value.field_errors.items()} == {
        "outcome": "Pilih melintas atau ditolak."
    }
    assert counts() == before


def test_reason_left_selected_on_a_crossing_is_not_recorded(
    officer_at: Callable[[str], User],
) -> None:
    crossing = register(
        officer_at("motaain"), crossing=replace(refusal("suspected_trafficking"), outcome="crossed")
    )
    crossing.refresh_from_db()
    assert (crossing.outcome, crossing.refusal_reason) == ("crossed", "")


def test_expired_passport_accepted_with_a_reason_keeps_the_problem(
    officer_at: Callable[[str], User],
) -> None:
    doc = DocumentData(
        kind=DocumentKind.PASSPORT,
        number="C2",
        issuing_state="IDN",
        expiry_date=TODAY - timedelta(days=3),
    )
    crossing = register(
        officer_at("motaain"),
        document=doc,
        crossing=CrossingData(
            direction="in",
            purpose="family",
            entry_point_code="motaain-motaain",
            document_reason="Pulang ke Indonesia; paspor diperpanjang di Atambua",
        ),
    )
    crossing.refresh_from_db()
    assert crossing.document_problems == ["document_expired"]
    assert crossing.document_reason == "Pulang ke Indonesia; paspor diperpanjang di Atambua"


def test_refused_border_pass_records_every_rule_it_breaks(
    officer_at: Callable[[str], User],
) -> None:
    refused = replace(to("Dili"), outcome="refused", refusal_reason="no_plb_for_post")
    crossing = register(
        officer_at("motaain"), traveller=resident("53.71.01"), document=plb(), crossing=refused
    )
    crossing.refresh_from_db()
    assert sorted(crossing.document_problems) == ["plb_destination", "plb_district_not_eligible"]
    assert crossing.refusal_reason == "no_plb_for_post"


def test_a_reason_without_a_rule_problem_is_not_kept(officer_at: Callable[[str], User]) -> None:
    crossing = register(
        officer_at("motaain"),
        crossing=CrossingData(
            direction="out",
            purpose="family",
            entry_point_code="motaain-motaain",
            document_reason="tidak perlu",
        ),
    )
    crossing.refresh_from_db()
    assert (crossing.document_problems, crossing.document_reason) == ([], "")


def test_same_crossing_saved_twice_within_minutes_is_a_conflict(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    now = timezone.now() - timedelta(hours=2)
    first = register(officer, crossing=replace(to("Batugade"), crossed_at=now))
    before = counts()
    with pytest.raises(Conflict) as exc:
        register(officer, crossing=replace(to("Batugade"), crossed_at=now + timedelta(minutes=4)))
    hhmm = timezone.localtime(first.crossed_at).strftime("%H:%M")
    assert str(exc.value) == f"Perlintasan ini sudah disimpan pukul {hhmm} oleh {officer.username}."
    assert counts() == before
    # the other direction, a refusal, or the same direction later are new crossings
    back = register(officer, crossing=replace(to("Batugade", "in"), crossed_at=now))
    refused = register(officer, crossing=replace(refusal("other", notes="x"), crossed_at=now))
    later = register(officer, crossing=replace(to("Batugade"), crossed_at=now + timedelta(hours=1)))
    assert Crossing.objects.filter(pk__in=[back.pk, refused.pk, later.pk]).count() == 3


def test_a_retry_of_the_same_crossing_returns_it(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("motaain")
    crossing_id = uuid.uuid4()
    first = register(officer, crossing_id=crossing_id)
    before = counts()
    again = register(officer, crossing_id=crossing_id)
    assert again.pk == first.pk == crossing_id
    assert counts() == before


def test_out_and_back_and_out_again_within_minutes_is_three_crossings(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    start = timezone.now() - timedelta(hours=1)
    for minutes, direction in ((0, "out"), (3, "in"), (6, "out")):
        register(
            officer,
            crossing=replace(
                to("Batugade", direction), crossed_at=start + timedelta(minutes=minutes)
            ),
        )
    assert list(Crossing.objects.order_by("crossed_at").values_list("direction", flat=True)) == [
        "out",
        "in",
        "out",
    ]
