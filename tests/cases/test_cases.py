"""Cases: persons with encrypted identities, consent, referrals, support and follow-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, CasePerson, Consent, FollowUp, Referral
from lintas.cases.referrals import (
    referral_accept,
    referral_complete,
    referral_create,
    referral_reject,
    turnaround_hours,
)
from lintas.cases.selectors import (
    case_for,
    cases_visible,
    follow_ups_overdue,
    persons_of,
    referrals_incoming,
)
from lintas.cases.services import (
    PersonData,
    case_person_add,
    case_set_status,
    consent_record,
    consent_withdraw,
)
from lintas.cases.support import follow_up_record, follow_ups_schedule, support_service_add
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.cases.conftest import VICTIM_NAME

pytestmark = pytest.mark.django_db


def test_case_reference_and_owner(case: Case, case_worker: User) -> None:
    year = timezone.localdate().year
    assert case.reference == f"TPPO-{year}-0001"
    assert (case.owner_agency_id, case.status, case.version) == (case_worker.agency_id, "Active", 1)


def test_victim_identity_is_encrypted_at_rest(victim: CasePerson) -> None:
    table = CasePerson._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT first_name, second_name, birth_date, phone FROM {table}")  # noqa: S608
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert "Yosefina" not in " ".join(raw)
    assert CasePerson.objects.get().first_name == "Yosefina"


@pytest.mark.django_db(transaction=True)
def test_raw_database_holds_no_victim_name(reference: None) -> None:
    """Committed data, read from the database itself: names appear nowhere in clear."""
    from tests.factories import make_agency, make_user

    worker = make_user(Role.CASE_WORKER, agency=make_agency(name="UPTD PPA Uji"))
    from lintas.cases.services import case_open

    case = case_open(actor=worker, summary="Ringkasan tanpa nama")
    case_person_add(
        actor=worker,
        case=case,
        data=PersonData(
            role="victim",
            first_name="Theresia",
            second_name="Bouk Manehat",
            phone="081299887766",
            address="Jalan Kenari Tujuh Belas",
        ),
    )
    secrets = ("Theresia", "Manehat", "81299887766", "Kenari Tujuh")
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        connection.close()
        blob = b""
        for suffix in ("", "-wal"):
            try:
                with open(f"{name}{suffix}", "rb") as handle:
                    blob += handle.read()
            except FileNotFoundError:
                pass
        assert len(blob) > 100_000
        for secret in secrets:
            assert secret.encode() not in blob, secret
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
            tables = [row[0] for row in cursor.fetchall()]
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                text = repr(cursor.fetchall())
                for secret in secrets:
                    assert secret not in text, (table, secret)


def test_bad_person_values_are_refused(case: Case, case_worker: User) -> None:
    for data, field in [
        (PersonData(role="hero"), "role"),
        (PersonData(role="victim", methods_of_control=["Magic"]), "methods_of_control"),
        (PersonData(role="victim", gender="Other"), "gender"),
        (PersonData(role="victim", first_name="x\x00"), "first_name"),
        (PersonData(role="victim", birth_date=date.today() + timedelta(days=1)), "birth_date"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            case_person_add(actor=case_worker, case=case, data=data)
        assert field in exc.value.field_errors
    assert not CasePerson.objects.exists()


def test_other_agencies_do_not_see_the_case(
    case: Case, victim: CasePerson, shelter_worker: User, make_role: Callable[..., User]
) -> None:
    assert list(cases_visible(user=shelter_worker)) == []
    with pytest.raises(NotFound):
        case_for(user=shelter_worker, case_id=case.pk)
    analyst = make_role(Role.ANALYST)
    with pytest.raises(PermissionDenied):
        cases_visible(user=analyst)


def test_referral_needs_consent(
    case: Case, victim: CasePerson, case_worker: User, shelter: Agency
) -> None:
    before = Referral.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=case_worker, case=case, to_agency=shelter, reason="AdditionalServicesRequired"
        )
    assert exc.value.code == "consent_required"
    with pytest.raises(PermissionDenied):  # a case worker may not override
        referral_create(
            actor=case_worker,
            case=case,
            to_agency=shelter,
            reason="AdditionalServicesRequired",
            override_reason="Mendesak",
        )
    assert Referral.objects.count() == before
    consent_record(
        actor=case_worker, person=victim, kind="disclose", agency=shelter, method="written"
    )
    referral = referral_create(
        actor=case_worker,
        case=case,
        to_agency=shelter,
        reason="AdditionalServicesRequired",
        details="Butuh rumah aman",
    )
    assert referral.consent is not None
    with pytest.raises(Conflict):
        referral_create(
            actor=case_worker, case=case, to_agency=shelter, reason="AdditionalServicesRequired"
        )


def test_withdrawn_consent_no_longer_allows_referral(
    case: Case, victim: CasePerson, case_worker: User, shelter: Agency
) -> None:
    consent = consent_record(
        actor=case_worker,
        person=victim,
        kind="disclose",
        agency=shelter,
        method="verbal",
        note="Disaksikan pendamping",
    )
    consent_withdraw(actor=case_worker, consent=consent)
    with pytest.raises(ValidationFailed):
        referral_create(actor=case_worker, case=case, to_agency=shelter, reason="Other")
    with pytest.raises(Conflict):
        consent_withdraw(actor=case_worker, consent=Consent.objects.get())


def test_supervisor_override_is_audited(
    case: Case,
    victim: CasePerson,
    shelter: Agency,
    make_role: Callable[..., User],
    case_worker: User,
) -> None:
    supervisor = make_role(Role.SUPERVISOR, agency=case_worker.agency)
    referral = referral_create(
        actor=supervisor,
        case=case,
        to_agency=shelter,
        reason="Other",
        override_reason="Korban anak dalam bahaya; wali tidak terjangkau",
    )
    assert (referral.override_by_id, referral.consent_id) == (supervisor.pk, None)
    entry = AuditEntry.objects.get(action="referral.consent_override")
    assert (entry.actor_id, entry.fields) == (supervisor.pk, "override_reason")


def test_receiving_agency_sees_the_case_only_once_accepted(
    case: Case, victim: CasePerson, case_worker: User, shelter: Agency, shelter_worker: User
) -> None:
    consent_record(
        actor=case_worker, person=victim, kind="disclose", agency=shelter, method="written"
    )
    referral = referral_create(
        actor=case_worker,
        case=case,
        to_agency=shelter,
        reason="AdditionalServicesRequired",
        covers_identity=False,
    )
    assert list(referrals_incoming(user=shelter_worker)) == [referral]
    assert list(cases_visible(user=shelter_worker)) == []
    accepted = referral_accept(actor=shelter_worker, referral_id=referral.pk)
    assert accepted.status == "accepted"
    assert turnaround_hours(accepted) == 0.0
    access = case_for(user=shelter_worker, case_id=case.pk)
    assert (access.owner, access.identity) == (False, False)
    [view] = persons_of(user=shelter_worker, access=access)
    assert VICTIM_NAME not in view.name
    assert view.phone == ""
    reads = AuditEntry.objects.filter(kind="read", action="read.victim_identity")
    assert not reads.exists()
    owner_access = case_for(user=case_worker, case_id=case.pk)
    [owner_view] = persons_of(user=case_worker, access=owner_access)
    assert owner_view.name == VICTIM_NAME
    assert reads.filter(actor_id=case_worker.pk, object_id=str(victim.pk)).count() == 1
    # The receiver cannot change the case itself.
    with pytest.raises(PermissionDenied):
        case_set_status(actor=shelter_worker, case=case, status="FollowUp")
    referral_complete(actor=shelter_worker, referral_id=referral.pk)
    with pytest.raises(Conflict):
        referral_accept(actor=shelter_worker, referral_id=referral.pk)


def test_rejection_needs_a_reason(
    case: Case, victim: CasePerson, case_worker: User, shelter: Agency, shelter_worker: User
) -> None:
    consent_record(
        actor=case_worker, person=victim, kind="disclose", agency=shelter, method="written"
    )
    referral = referral_create(actor=case_worker, case=case, to_agency=shelter, reason="Other")
    with pytest.raises(ValidationFailed):
        referral_reject(actor=shelter_worker, referral_id=referral.pk, reason="")
    rejected = referral_reject(
        actor=shelter_worker, referral_id=referral.pk, reason="Rumah aman penuh"
    )
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "Rumah aman penuh")
    # A new referral to the same agency is possible once the last one is closed.
    assert (
        referral_create(actor=case_worker, case=case, to_agency=shelter, reason="Other").status
        == "pending"
    )


def test_concurrent_status_change_is_a_conflict(case: Case, case_worker: User) -> None:
    case_set_status(actor=case_worker, case=case, status="FollowUp", expected_version=1)
    with pytest.raises(Conflict):
        case_set_status(
            actor=case_worker, case=case, status="Closed", reason="x", expected_version=1
        )
    with pytest.raises(ValidationFailed):
        case_set_status(actor=case_worker, case=case, status="Closed", expected_version=2)
    closed = case_set_status(
        actor=case_worker,
        case=case,
        status="Closed",
        reason="Korban kembali ke keluarga",
        expected_version=2,
    )
    assert (closed.status, closed.version) == ("Closed", 3)


def test_support_plan_and_follow_ups(
    case: Case, victim: CasePerson, case_worker: User, shelter: Agency
) -> None:
    service = support_service_add(
        actor=case_worker,
        person=victim,
        type="shelter",
        provider=shelter,
        note="Rumah aman 30 hari",
    )
    assert (service.status, service.provider_id) == ("planned", shelter.pk)
    start = date(2026, 1, 10)
    visits = follow_ups_schedule(actor=case_worker, person=victim, start=start)
    assert [v.due_on for v in visits] == [
        date(2026, 2, 10),
        date(2026, 4, 10),
        date(2026, 7, 10),
        date(2027, 1, 10),
    ]
    overdue = follow_ups_overdue(user=case_worker, today=date(2026, 5, 1))
    assert [f.due_on for f in overdue] == [date(2026, 2, 10), date(2026, 4, 10)]
    with pytest.raises(ValidationFailed):
        follow_up_record(actor=case_worker, follow_up_id=visits[0].pk, outcome="at_risk", note="")
    done = follow_up_record(
        actor=case_worker,
        follow_up_id=visits[0].pk,
        outcome="at_risk",
        note="Didatangi perekrut lagi",
        done_on=date(2026, 2, 12),
    )
    assert (done.outcome, done.done_on) == ("at_risk", date(2026, 2, 12))
    with pytest.raises(Conflict):
        follow_up_record(actor=case_worker, follow_up_id=visits[0].pk, outcome="safe", note="")
    assert FollowUp.objects.filter(done_on__isnull=True).count() == 3


def test_add_months_clamps() -> None:
    from lintas.cases.support import add_months

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 12) == date(2027, 12, 15)
