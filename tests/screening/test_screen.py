"""Every crossing is screened as it is saved: indicators, patterns, watch lists, alerts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.crossings.models import Crossing
from lintas.crossings.services import crossing_group_create
from lintas.screening.models import Alert, AlertAudience, RuleSet, ScreeningResult, WatchList
from lintas.screening.selectors import alerts_visible
from lintas.screening.services import ruleset_import, ruleset_save
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from tests.factories import make_agency, make_user
from tests.screening.conftest import cross

pytestmark = pytest.mark.django_db


def reason_ids(c: Crossing) -> list[str]:
    return [r["id"] for r in ScreeningResult.objects.get(crossing=c).reasons]


def test_ordinary_family_visit_is_screened_none(officer: User) -> None:
    c = cross(officer)
    result = ScreeningResult.objects.get(crossing=c)
    assert (result.level, result.reasons, result.next_step) == ("none", [], "none")
    assert result.ruleset_version == RuleSet.objects.get(status="active").version
    assert not Alert.objects.exists()


def test_non_procedural_worker_gets_high_level_reason_and_alert(officer: User) -> None:
    c = cross(officer, purpose="work", destination="Kuala Lumpur", recruiter_name="Pak Yakobus")
    result = ScreeningResult.objects.get(crossing=c)
    assert result.level == "high"
    assert result.next_step == "second_interview_now"
    assert reason_ids(c)[:1] == ["NTT-NONPROCEDURAL"]
    assert {"NTT-RECRUITER-UNLICENSED", "NTT-ROUTE-KALIMANTAN"} <= set(reason_ids(c))
    texts = [r["text_id"] for r in result.reasons]
    assert any("non-prosedural" in t for t in texts)
    alert = Alert.objects.get(crossing=c)
    assert (alert.kind, alert.audience, alert.level, alert.post_id) == (
        "indicators",
        "post",
        "high",
        "motaain",
    )


def test_observations_feed_indicators(officer: User) -> None:
    c = cross(officer, observations=("documents_held_by_other", "fearful_or_coached"))
    assert reason_ids(c) == ["UNODC-DOCUMENTS-HELD", "UNODC-FEARFUL"]
    with pytest.raises(ValidationFailed):
        cross(officer, observations=("made_up",))


def test_child_with_parent_at_the_market_is_no_indicator(officer: User) -> None:
    group = crossing_group_create(actor=officer, label="Keluarga Soares")
    cross(
        officer,
        surname="Soares",
        given="Maria",
        sex="F",
        born=date(1982, 1, 1),
        nationality="TLS",
        purpose="market",
        direction="in",
        group_id=group.pk,
    )
    child = cross(
        officer,
        surname="Soares",
        given="Ana",
        sex="F",
        born=timezone.localdate() - timedelta(days=365 * 11),
        nationality="TLS",
        purpose="market",
        direction="in",
        group_id=group.pk,
        observations=("with_parent_or_guardian",),
    )
    assert reason_ids(child) == []


def test_escort_with_three_young_women_in_ninety_days(officer: User) -> None:
    for i, name in enumerate(["Maria", "Yosefina", "Marselina"]):
        group = crossing_group_create(actor=officer, label=f"Travel {i}")
        cross(
            officer,
            surname="Laka",
            given="Dominggus",
            born=date(1970, 1, 1),
            number="B7001234",
            group_id=group.pk,
            crossed_at=timezone.now() - timedelta(days=10 * (2 - i)),
        )
        last = cross(
            officer,
            surname="Taek",
            given=name,
            sex="F",
            born=date(2005, 3, i + 1),
            group_id=group.pk,
            crossed_at=timezone.now() - timedelta(days=10 * (2 - i)),
        )
    assert "PATTERN-ESCORT" in reason_ids(last)
    assert ScreeningResult.objects.get(crossing=last).level == "high"


def test_one_sponsor_phone_behind_three_workers(officer: User) -> None:
    for i, surname in enumerate(["Nahak", "Seran", "Bere"]):
        c = cross(
            officer,
            surname=surname,
            purpose="work",
            sponsor_phone=f"0812-3456-{7890}",
            placement_agency_licence="KEP.123/2024",
            born=date(1990, 1, i + 1),
        )
    assert c.sponsor_phone == "+6281234567890"
    assert "PATTERN-SPONSOR-PHONE" in reason_ids(c)


def test_watch_list_match_raises_a_post_alert(officer: User, police_list: WatchList) -> None:
    investigator = User.objects.get(pk=police_list.created_by_id)
    entry = watch_entry_add(
        actor=investigator,
        watch_list=police_list,
        fields={
            "full_name": "Dominggus Laka",
            "birth_date": "1970-01-01",
            "sex": "M",
            "nationality": "IDN",
            "source": "DPO 12/2026",
        },
    )
    c = cross(officer, surname="Laka", given="Domingus", born=date(1970, 1, 1))
    assert any(r.startswith("WATCH-WANTED") for r in reason_ids(c))
    alert = Alert.objects.get(crossing=c)
    assert (alert.kind, alert.watch_entry_id, alert.level) == ("watch_list", entry.pk, "high")


def test_survivor_match_tells_only_the_case_worker(
    officer: User, supervisor: User, user_factory: Callable[..., User]
) -> None:
    shelter = make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")
    worker = make_user(Role.CASE_WORKER, agency=shelter)
    survivors = watch_list_create(actor=worker, kind="survivor", name="Pantauan penyintas")
    with pytest.raises(ValidationFailed) as exc:
        watch_entry_add(
            actor=worker,
            watch_list=survivors,
            fields={
                "full_name": "Yosefina Tefa",
                "birth_date": "2001-04-05",
                "sex": "F",
                "nationality": "IDN",
                "source": "Kasus 2025/17",
            },
        )
    assert "consent_reference" in exc.value.field_errors
    watch_entry_add(
        actor=worker,
        watch_list=survivors,
        consent_reference="Persetujuan 2025-17-A",
        fields={
            "full_name": "Yosefina Tefa",
            "birth_date": "2001-04-05",
            "sex": "F",
            "nationality": "IDN",
            "source": "Kasus 2025/17",
        },
    )
    c = cross(officer, surname="Tefa", given="Yosefina", sex="F", born=date(2001, 4, 5))
    result = ScreeningResult.objects.get(crossing=c)
    assert result.level == "none"  # nothing shows at the desk
    assert result.reasons == []
    [alert] = Alert.objects.filter(crossing=c)
    assert (alert.audience, alert.recipient_id) == (AlertAudience.CASE_WORKER, worker.pk)
    assert list(alerts_visible(user=worker)) == [alert]
    assert not alerts_visible(user=supervisor).exists()
    investigator = user_factory(Role.INVESTIGATOR)
    assert not alerts_visible(user=investigator).exists()


def test_only_case_workers_keep_survivor_lists(officer: User, supervisor: User) -> None:
    with pytest.raises(PermissionDenied):
        watch_list_create(actor=supervisor, kind="survivor", name="x")
    with pytest.raises(PermissionDenied):
        watch_list_create(actor=officer, kind="wanted_suspect", name="x")
    assert not WatchList.objects.exists()


def test_rule_set_versions(officer: User, user_factory: Callable[..., User]) -> None:
    admin = user_factory(Role.SYSTEM_ADMIN)
    first = RuleSet.objects.get(status="active")
    new = ruleset_save(
        actor=admin,
        name="Hanya dokumen",
        indicators=[
            {
                "id": "DOCS",
                "strength": "medium",
                "text_id": "Dokumen dipegang orang lain.",
                "text_en": "Documents held by someone else.",
                "when": {"fact": "observed_documents_held_by_other", "op": "eq", "value": True},
            }
        ],
    )
    assert new.version == first.version + 1
    first.refresh_from_db()
    assert first.status == "retired"
    c = cross(officer, observations=("documents_held_by_other",))
    result = ScreeningResult.objects.get(crossing=c)
    assert (result.ruleset_version, result.level) == (new.version, "medium")
    with pytest.raises(ValidationFailed) as exc:
        ruleset_import(
            actor=admin,
            text='{"name": "x", "indicators": [{"id": "A", '
            '"strength": "weak", "text_id": "a", "text_en": "a", '
            '"when": {"fact": "shoe_size", "op": "eq", "value": 1}}]}',
        )
    assert "shoe_size" in str(exc.value.field_errors["indicators"])
    for junk in ("", "{", "[]", "x" * 600_000):
        with pytest.raises(ValidationFailed):
            ruleset_import(actor=admin, text=junk)
    assert RuleSet.objects.filter(status="active").get() == new
    with pytest.raises(PermissionDenied):
        ruleset_save(actor=officer, name="x", indicators=[])


def test_backfill_screens_crossings_left_without_a_result(officer: User) -> None:
    from lintas.screening.services import screening_backfill

    c = cross(officer, purpose="work")
    ScreeningResult.objects.filter(crossing=c).delete()
    Alert.objects.filter(crossing=c).delete()
    assert screening_backfill() == 1
    assert ScreeningResult.objects.get(crossing=c).level == "high"
    assert screening_backfill() == 0


def test_a_failing_screening_does_not_lose_the_crossing(officer: User) -> None:
    RuleSet.objects.update(status="retired")  # no active rule set: screening cannot run
    c = cross(officer)
    assert Crossing.objects.filter(pk=c.pk).exists()
    assert not ScreeningResult.objects.filter(crossing=c).exists()


def test_parents_with_their_own_children_are_no_escort_pattern(officer: User) -> None:
    for i in range(3):
        group = crossing_group_create(actor=officer, label=f"Keluarga Bria {i}")
        cross(
            officer,
            surname="Bria",
            given="Yohanes",
            born=date(1975, 1, 1),
            number="B7009999",
            group_id=group.pk,
            crossed_at=timezone.now() - timedelta(days=10 * (2 - i)),
        )
        last = cross(
            officer,
            surname="Bria",
            given=f"Anak {i}",
            sex="F",
            born=date(2012, 1, i + 1),
            group_id=group.pk,
            crossed_at=timezone.now() - timedelta(days=10 * (2 - i)),
            observations=("with_parent_or_guardian",),
        )
    assert "PATTERN-ESCORT" not in reason_ids(last)
