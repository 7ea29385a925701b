"""Account services: validation, audit and outbox in one transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import user_create, user_set_password, user_update
from lintas.audit.models import AuditEntry
from lintas.common.errors import Conflict, PermissionDenied, ValidationFailed
from lintas.sync.models import OutboxEvent
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_user_create_writes_audit_and_outbox_without_the_password(reference: None) -> None:
    agency = make_agency(type=AgencyType.PROTECTION)
    user = user_create(
        actor=None,
        agency=agency,
        username="Pendamping.Satu",
        full_name="Yosefina Tefa",
        role=Role.CASE_WORKER,
        password="sandi-yang-kuat-1",
    )
    assert user.username == "pendamping.satu"
    assert user.password.startswith("argon2$argon2id$")
    assert user.id.version == 7
    assert user.origin == "hub"
    event = OutboxEvent.objects.get(model="accounts.user", record_id=str(user.pk))
    assert event.op == "upsert"
    assert event.payload["username"] == "pendamping.satu"
    assert event.payload["agency_id"] == str(agency.pk)
    assert "password" not in event.payload
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert "Yosefina" not in entry.fields + entry.digest


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("ab", "sandi-yang-kuat-1", "username"),
        ("nama dengan spasi", "sandi-yang-kuat-1", "username"),
        ("pengguna.baru", "pendek", "password"),
        ("pengguna.baru", "12345678901234", "password"),
        ("pengguna.baru", "password123", "password"),
        ("pengguna\x00", "sandi-yang-kuat-1", "username"),
    ],
)
def test_bad_user_input_changes_nothing(
    reference: None, username: str, password: str, field: str
) -> None:
    agency = make_agency()
    before = (User.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=None,
            agency=agency,
            username=username,
            full_name="Nama",
            role=Role.CASE_WORKER,
            password=password,
        )
    assert field in exc.value.field_errors
    assert (User.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_duplicate_username_is_a_conflict(user_factory: Callable[..., User]) -> None:
    existing = user_factory(Role.ANALYST)
    with pytest.raises(Conflict):
        user_create(
            actor=None,
            agency=existing.agency,
            username=existing.username.upper(),
            full_name="Lain",
            role=Role.ANALYST,
            password="sandi-yang-kuat-1",
        )


def test_admin_cannot_demote_or_disable_self(user_factory: Callable[..., User]) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        user_update(actor=admin, user=admin, role=Role.CASE_WORKER)
    with pytest.raises(PermissionDenied):
        user_update(actor=admin, user=admin, is_active=False)
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.AGENCY_ADMIN, True)


def test_agency_admin_cannot_touch_a_system_admin_in_own_agency(
    user_factory: Callable[..., User],
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    sysadmin = user_factory(Role.SYSTEM_ADMIN, agency=admin.agency)
    with pytest.raises(PermissionDenied):
        user_update(actor=admin, user=sysadmin, is_active=False)
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


def test_password_reset_by_admin_is_audited(user_factory: Callable[..., User]) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    colleague = user_factory(Role.CASE_WORKER, agency=admin.agency)
    user_set_password(actor=admin, user=colleague, password="sandi-baru-yang-kuat")
    colleague.refresh_from_db()
    assert colleague.check_password("sandi-baru-yang-kuat")
    entry = AuditEntry.objects.get(action="user.set_password", object_id=str(colleague.pk))
    assert entry.actor_id == admin.pk
