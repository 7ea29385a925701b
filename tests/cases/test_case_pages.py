"""Case pages as each role, own agency and another agency; denied requests change nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, CasePerson, Referral
from lintas.cases.services import consent_record
from lintas.sync.models import OutboxEvent
from tests.cases.conftest import VICTIM_NAME

pytestmark = pytest.mark.django_db

PAGES = {
    "/cases/tips/": {Role.SUPERVISOR, Role.INVESTIGATOR},
    "/cases/": {Role.SUPERVISOR, Role.INVESTIGATOR, Role.CASE_WORKER},
    "/cases/referrals/": {Role.SUPERVISOR, Role.INVESTIGATOR, Role.CASE_WORKER},
    "/cases/follow-ups/": {Role.SUPERVISOR, Role.INVESTIGATOR, Role.CASE_WORKER},
}


def writes() -> tuple[int, int]:
    return AuditEntry.objects.exclude(
        kind__in=["auth", "read"]
    ).count(), OutboxEvent.objects.count()


@pytest.mark.parametrize("role", Role.values)
def test_pages_by_role(
    role: str, make_role: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(make_role(role))
    for url, allowed in PAGES.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (url, role)


def test_anonymous_is_sent_to_login() -> None:
    for url in PAGES:
        assert Client().get(url).status_code == 302


def test_owner_sees_identity_and_reading_is_logged(
    case: Case, victim: CasePerson, case_worker: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(case_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert VICTIM_NAME in page
    assert "WithholdsDocuments" in page
    assert (
        AuditEntry.objects.filter(
            action="read.victim_identity", actor_id=case_worker.pk, object_id=str(victim.pk)
        ).count()
        == 1
    )


def test_another_agency_gets_not_found_and_changes_nothing(
    case: Case, victim: CasePerson, shelter_worker: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(shelter_worker)
    before = writes()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    for action, data in [
        ("status", {"status": "Closed", "reason": "x", "version": 1}),
        ("person", {"role": "victim", "first_name": "X"}),
        ("schedule", {"person": str(victim.pk), "start": "2026-01-01"}),
    ]:
        assert client.post(f"/cases/{case.pk}/{action}/", data).status_code == 404
    assert writes() == before
    case.refresh_from_db()
    assert case.status == "Active"


def test_case_forms_save_and_show_errors(
    case: Case,
    victim: CasePerson,
    case_worker: User,
    shelter: Agency,
    login_client: Callable[[User], Client],
) -> None:
    client = login_client(case_worker)
    response = client.post(
        f"/cases/{case.pk}/referral/",
        {"to_agency": shelter.pk, "reason": "AdditionalServicesRequired", "covers_identity": "on"},
    )
    assert response.status_code == 400
    assert "persetujuan" in response.content.decode().lower()
    assert not Referral.objects.exists()
    assert (
        client.post(
            f"/cases/{case.pk}/consent/",
            {
                "person": str(victim.pk),
                "kind": "disclose",
                "agency": shelter.pk,
                "method": "written",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/cases/{case.pk}/referral/",
            {
                "to_agency": shelter.pk,
                "reason": "AdditionalServicesRequired",
                "covers_identity": "on",
            },
        ).status_code
        == 302
    )
    assert Referral.objects.get().covers_identity is True
    stale = client.post(f"/cases/{case.pk}/status/", {"status": "FollowUp", "version": 0})
    assert stale.status_code == 400
    assert "versi" in stale.content.decode()


def test_receiver_sees_case_after_accepting(
    case: Case,
    victim: CasePerson,
    case_worker: User,
    shelter: Agency,
    shelter_worker: User,
    login_client: Callable[[User], Client],
) -> None:
    from lintas.cases.referrals import referral_create

    consent_record(
        actor=case_worker, person=victim, kind="disclose", agency=shelter, method="written"
    )
    referral = referral_create(actor=case_worker, case=case, to_agency=shelter, reason="Other")
    client = login_client(shelter_worker)
    inbox = client.get("/cases/referrals/").content.decode()
    assert case.reference in inbox
    assert VICTIM_NAME not in inbox
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    response = client.post(f"/cases/referrals/{referral.pk}/", {"action": "accept"})
    assert response.status_code == 302
    assert VICTIM_NAME in client.get(f"/cases/{case.pk}/").content.decode()


def test_owner_revokes_a_referral_and_provider_moves_a_service(
    case: Case,
    victim: CasePerson,
    case_worker: User,
    shelter: Agency,
    shelter_worker: User,
    login_client: Callable[[User], Client],
) -> None:
    from lintas.cases.referrals import referral_accept, referral_create
    from lintas.cases.support import support_service_add

    consent_record(
        actor=case_worker, person=victim, kind="disclose", agency=shelter, method="written"
    )
    referral = referral_create(actor=case_worker, case=case, to_agency=shelter, reason="Other")
    referral_accept(actor=shelter_worker, referral_id=referral.pk)
    service = support_service_add(
        actor=case_worker, person=victim, type="shelter", provider=shelter
    )
    provider = login_client(shelter_worker)
    assert (
        provider.post(
            f"/cases/{case.pk}/service_status/", {"id": str(service.pk), "status": "in_progress"}
        ).status_code
        == 302
    )
    service.refresh_from_db()
    assert (service.status, service.version) == ("in_progress", 2)
    owner = login_client(case_worker)
    owner.post(f"/cases/{case.pk}/revoke/", {"id": str(referral.pk), "reason": ""})
    referral.refresh_from_db()
    assert referral.status == "accepted"  # a revocation needs its reason
    owner.post(
        f"/cases/{case.pk}/revoke/",
        {"id": str(referral.pk), "reason": "Penyintas pindah ke Atambua"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.rejection_reason) == (
        "revoked",
        "Penyintas pindah ke Atambua",
    )
    assert provider.get(f"/cases/{case.pk}/").status_code == 404
    assert owner.post(f"/cases/{case.pk}/revoke/", {"id": "nope"}).status_code == 404
