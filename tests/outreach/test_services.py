"""Activities, groups, meetings and community reports: once per client id, checked, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry
from lintas.cases.models import Tip, TipChannel
from lintas.cases.selectors import tips_queue
from lintas.cases.triage import tip_close, tip_verify
from lintas.common.errors import NotFound, PermissionDenied, ValidationFailed
from lintas.common.ids import uuid7
from lintas.outreach import selectors, services
from lintas.outreach.models import Activity, CommunityReport, Meeting, SupportGroup
from lintas.outreach.records import IdConflict
from tests.factories import make_user
from tests.outreach.conftest import SABU_VILLAGE, SEMAU_VILLAGE

pytestmark = pytest.mark.django_db


def record(actor: User, **overrides: Any) -> Activity:
    values: dict[str, Any] = {
        "id": uuid7(),
        "kind": "awareness",
        "held_on": timezone.localdate() - timedelta(days=3),
        "village_code": SABU_VILLAGE,
        "reached": {"women": 12, "men": 9, "girls": 4, "boys": 3},
        "audiences": ["women", "migrants"],
        "language": "Bahasa Indonesia",
        "concerns": "Biaya paspor",
    }
    values.update(overrides)
    return services.activity_record(actor=actor, **values)


def test_an_activity_is_saved_with_its_places_and_counts(coordinator: User) -> None:
    activity = record(coordinator)
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.village_id, stored.district_id, stored.regency_id) == (
        SABU_VILLAGE,
        "53.20.01",
        "53.20",
    )
    assert (stored.women, stored.men, stored.girls, stored.boys, stored.people_reached) == (
        12,
        9,
        4,
        3,
        28,
    )
    assert stored.agency_id == coordinator.agency_id
    assert stored.audiences == ["migrants", "women"]
    assert AuditEntry.objects.filter(action="outreach.activity_record").count() == 1


def test_the_same_record_sent_twice_is_saved_once(coordinator: User) -> None:
    pk = uuid7()
    first = record(coordinator, id=pk)
    again = record(coordinator, id=str(pk))
    assert again.pk == first.pk
    assert Activity.objects.count() == 1
    assert AuditEntry.objects.filter(action="outreach.activity_record").count() == 1


def test_the_same_id_with_other_content_is_a_conflict_and_changes_nothing(
    coordinator: User,
) -> None:
    pk = uuid7()
    record(coordinator, id=pk)
    with pytest.raises(IdConflict) as refused:
        record(coordinator, id=pk, reached={"women": 13})
    assert refused.value.code == "id_conflict"
    assert refused.value.status == 409
    assert Activity.objects.get(pk=pk).women == 12


def test_another_agency_reusing_an_id_is_a_conflict(
    coordinator: User, other_coordinator: User
) -> None:
    pk = uuid7()
    record(coordinator, id=pk)
    with pytest.raises(IdConflict):
        record(other_coordinator, id=pk)
    assert Activity.objects.get(pk=pk).agency_id == coordinator.agency_id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reached": {"women": -1}}, "women", "Jumlah tidak boleh negatif."),
        ({"reached": {"men": "dua puluh"}}, "men", "Tulis bilangan bulat."),
        ({"reached": {"girls": 100_001}}, "girls", "Paling banyak 100.000"),
        ({"reached": {"boys": True}}, "boys", "Tulis bilangan bulat."),
        ({"reached": {"children": 3}}, "reached", "Jumlah yang tidak dikenal: children."),
        (
            {"held_on": timezone.localdate() + timedelta(days=1)},
            "held_on",
            "Tanggal ini di masa depan.",
        ),
        ({"held_on": "14-03-2026"}, "held_on", "Tulis tanggal seperti 2026-03-14."),
        ({"village_code": "53.99.99.9999"}, "village", "Kode desa tidak dikenal"),
        ({"village_code": ""}, "village", "Kode desa tidak dikenal"),
        ({"kind": "party"}, "kind", "Pilih salah satu pilihan."),
        ({"audiences": ["pets"]}, "audiences", "Pilih salah satu pilihan."),
        ({"concerns": "ada\x00nul"}, "concerns", "NUL"),
        ({"concerns": "x" * 5001}, "concerns", "Paling banyak 5000 karakter."),
        ({"partner_codes": ["no-such-agency"]}, "partners", "Instansi mitra tidak dikenal."),
    ],
)
def test_bad_input_is_refused_in_bahasa_indonesia_and_saves_nothing(
    coordinator: User, overrides: dict[str, Any], field: str, message: str
) -> None:
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationFailed) as refused:
        record(coordinator, **overrides)
    assert message in str(refused.value.field_errors[field])
    assert str(refused.value.message) == "Mohon perbaiki isian yang ditandai."
    assert Activity.objects.count() == 0
    assert AuditEntry.objects.filter(action="outreach.activity_record").count() == 0


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"])
def test_an_id_that_is_not_a_uuidv7_is_refused(coordinator: User, bad_id: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record(coordinator, id=bad_id)
    assert set(refused.value.field_errors) == {"id"}
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("role", ["analyst", "case_worker", "post_officer", "system_admin"])
def test_only_an_outreach_coordinator_records_activities(role: str) -> None:
    with pytest.raises(PermissionDenied):
        record(make_user(role))
    assert Activity.objects.count() == 0


def test_a_group_contact_is_stored_encrypted_and_shown_only_to_its_agency(
    coordinator: User, other_coordinator: User
) -> None:
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="migrant_workers",
        name="Kelompok Migran Menia",
        village_code=SABU_VILLAGE,
        member_count="24",
        contact_name="Ina Rohi",
        contact_phone="0812 3456 7890",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone FROM outreach_supportgroup WHERE id = %s",
            [group.pk.hex if connection.vendor == "sqlite" else group.pk],
        )
        raw_name, raw_phone = cursor.fetchone()
    assert raw_name.startswith("enc1:")
    assert "Ina" not in raw_name
    assert raw_phone.startswith("enc1:")
    seen = selectors.group_for(user=coordinator, group_id=group.pk)
    assert (seen.contact_name, seen.contact_phone, seen.member_count) == (
        "Ina Rohi",
        "+6281234567890",
        24,
    )
    with pytest.raises(NotFound):
        selectors.group_for(user=other_coordinator, group_id=group.pk)


def test_a_meeting_makes_a_group_active_and_another_agency_cannot_log_one(
    coordinator: User, other_coordinator: User
) -> None:
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="women",
        name="Kelompok Perempuan",
        village_code=SEMAU_VILLAGE,
        member_count=10,
    )
    assert not selectors.group_is_active(group)
    today = timezone.localdate()
    services.meeting_record(
        actor=coordinator,
        id=uuid7(),
        group_id=group.pk,
        held_on=today - timedelta(days=5),
        women=7,
        men=2,
    )
    services.meeting_record(
        actor=coordinator,
        id=uuid7(),
        group_id=group.pk,
        held_on=today - timedelta(days=40),
        women=5,
    )
    group.refresh_from_db()
    assert group.last_met_on == today - timedelta(days=5)
    assert selectors.group_is_active(group)
    assert not selectors.group_is_active(group, today=today + timedelta(days=86))
    with pytest.raises(NotFound):
        services.meeting_record(
            actor=other_coordinator, id=uuid7(), group_id=group.pk, held_on=today
        )
    assert Meeting.objects.count() == 2


def test_a_community_report_reaches_triage_and_its_reporter_sees_the_outcome(
    coordinator: User,
) -> None:
    group = services.group_register(
        actor=coordinator,
        id=uuid7(),
        kind="migrant_workers",
        name="Kelompok Migran Menia",
        village_code=SABU_VILLAGE,
        member_count=12,
    )
    report = services.community_report_file(
        actor=coordinator,
        id=uuid7(),
        body="Perekrut menawarkan kerja di Malaysia kepada remaja.",
        village_code=SABU_VILLAGE,
        at_risk="group",
        group_id=group.pk,
    )
    tip = Tip.objects.get(pk=report.tip_id)
    assert (tip.channel, tip.village_id, tip.district_id, tip.regency_id) == (
        TipChannel.OUTREACH,
        SABU_VILLAGE,
        "53.20.01",
        "53.20",
    )
    triager = make_user("supervisor")
    assert list(tips_queue(user=triager)) == [tip]
    view = selectors.report_for(user=coordinator, report_id=report.pk)
    assert (view.group, view.village, view.outcome) == (
        "Kelompok Migran Menia",
        "Menia",
        "received",
    )
    tip_verify(actor=triager, tip_id=tip.pk)
    assert selectors.report_for(user=coordinator, report_id=report.pk).outcome == "checking"
    tip_close(actor=triager, tip_id=tip.pk, reason="Sudah ditangani polisi")
    assert selectors.report_for(user=coordinator, report_id=report.pk).outcome == "closed"


def test_a_community_report_sent_twice_makes_one_tip(coordinator: User) -> None:
    pk = uuid7()
    for _n in range(2):
        services.community_report_file(
            actor=coordinator, id=pk, body="Ada tawaran kerja.", village_code=SABU_VILLAGE
        )
    assert (CommunityReport.objects.count(), Tip.objects.count()) == (1, 1)


def test_a_report_with_another_agencys_group_is_refused(
    coordinator: User, other_coordinator: User
) -> None:
    group = services.group_register(
        actor=other_coordinator,
        id=uuid7(),
        kind="women",
        name="K",
        village_code=SABU_VILLAGE,
        member_count=3,
    )
    with pytest.raises(NotFound):
        services.community_report_file(
            actor=coordinator, id=uuid7(), body="x", village_code=SABU_VILLAGE, group_id=group.pk
        )
    assert Tip.objects.count() == 0
    assert SupportGroup.objects.count() == 1
