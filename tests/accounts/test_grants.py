"""A grant never exceeds the granter's own agency and post; a post-bound role needs a post."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import user_create, user_update
from lintas.audit.models import AuditEntry
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.places.models import Post
from lintas.sync.models import OutboxEvent
from tests.factories import make_agency

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sandi-baru-yang-kuat"


def snapshot() -> tuple[int, int, int, list[tuple[str, str | None, str]]]:
    return (
        User.objects.count(),
        AuditEntry.objects.exclude(kind="auth").count(),
        OutboxEvent.objects.count(),
        sorted(
            (u.username, str(u.post_id) if u.post_id else None, u.role) for u in User.objects.all()
        ),
    )


def post(code: str) -> Post:
    return Post.objects.get(code=code)


def border_agency() -> Agency:
    return make_agency(type=AgencyType.BORDER_POST)


def test_agency_admin_cannot_create_a_supervisor_without_a_post(
    user_factory: Callable[..., User],
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN, agency=border_agency())
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=admin,
            agency=admin.agency,
            username="supervisor.tanpa.pos",
            full_name="Tanpa Pos",
            role=Role.SUPERVISOR,
            password=NEW_PASSWORD,
        )
    assert exc.value.field_errors == {"post": "Peran ini bertugas di pos: pilih posnya."}
    assert snapshot() == before


def test_set_up_command_cannot_create_a_supervisor_without_a_post(reference: None) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=None,
            agency=border_agency(),
            username="supervisor.tanpa.pos",
            full_name="Tanpa Pos",
            role=Role.SUPERVISOR,
            password=NEW_PASSWORD,
        )
    assert set(exc.value.field_errors) == {"post"}
    assert snapshot()[0] == before[0]


def test_investigator_works_across_posts_without_one(reference: None) -> None:
    police = make_agency(type=AgencyType.LAW_ENFORCEMENT)
    investigator = user_create(
        actor=None,
        agency=police,
        username="penyidik.provinsi",
        full_name="Penyidik Provinsi",
        role=Role.INVESTIGATOR,
        password=NEW_PASSWORD,
    )
    assert investigator.post_id is None


def test_agency_admin_with_a_post_grants_only_that_post(
    user_factory: Callable[..., User],
) -> None:
    agency = border_agency()
    admin = user_factory(Role.AGENCY_ADMIN, agency=agency, post=post("motaain"))
    before = snapshot()
    for role, granted in [
        (Role.SUPERVISOR, post("wini")),
        (Role.POST_OFFICER, post("motamasin")),
        (Role.CASE_WORKER, None),
        (Role.AGENCY_ADMIN, None),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            user_create(
                actor=admin,
                agency=agency,
                username=f"calon.{role.replace('_', '.')}",
                full_name="Calon",
                role=role,
                post=granted,
                password=NEW_PASSWORD,
            )
        assert exc.value.field_errors == {
            "post": "Anda hanya boleh memberi akses di pos Anda sendiri: PLBN Motaain."
        }, role
    assert snapshot() == before
    # At the admin's own post, the grant is allowed.
    supervisor = user_create(
        actor=admin,
        agency=agency,
        username="supervisor.motaain.baru",
        full_name="Supervisor Baru",
        role=Role.SUPERVISOR,
        post=post("motaain"),
        password=NEW_PASSWORD,
    )
    assert (supervisor.post_id, supervisor.agency_id) == (post("motaain").pk, agency.pk)


def test_agency_admin_cannot_grant_in_another_agency(user_factory: Callable[..., User]) -> None:
    admin = user_factory(Role.AGENCY_ADMIN, agency=border_agency())
    other = border_agency()
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        user_create(
            actor=admin,
            agency=other,
            username="supervisor.lain",
            full_name="Lain",
            role=Role.SUPERVISOR,
            post=post("motaain"),
            password=NEW_PASSWORD,
        )
    assert str(exc.value.message) == "Anda hanya boleh mengelola pengguna instansi Anda sendiri."
    assert snapshot() == before


def test_role_change_to_supervisor_needs_a_post(user_factory: Callable[..., User]) -> None:
    agency = border_agency()
    admin = user_factory(Role.AGENCY_ADMIN, agency=agency)
    analyst = user_factory(Role.ANALYST, agency=agency)
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        user_update(actor=admin, user=analyst, role=Role.SUPERVISOR)
    assert exc.value.field_errors == {"post": "Peran ini bertugas di pos: pilih posnya."}
    assert snapshot() == before
    analyst.refresh_from_db()
    assert (analyst.role, analyst.post_id) == (Role.ANALYST, None)


def test_posted_admin_cannot_move_a_user_to_another_post_or_promote_elsewhere(
    user_factory: Callable[..., User],
) -> None:
    agency = border_agency()
    admin = user_factory(Role.AGENCY_ADMIN, agency=agency, post=post("motaain"))
    officer = user_factory(Role.POST_OFFICER, agency=make_agency(type=AgencyType.BORDER_POST))
    colleague = user_factory(Role.POST_OFFICER, agency=agency, post=post("wini"))
    own = user_factory(Role.POST_OFFICER, agency=agency, post=post("motaain"))
    before = snapshot()
    message = {"post": "Anda hanya boleh memberi akses di pos Anda sendiri: PLBN Motaain."}
    with pytest.raises(ValidationFailed) as exc:
        user_update(actor=admin, user=own, role=Role.POST_OFFICER, post=post("wini"))
    assert exc.value.field_errors == message
    with pytest.raises(ValidationFailed) as exc:
        user_update(actor=admin, user=colleague, role=Role.SUPERVISOR, post=post("wini"))
    assert exc.value.field_errors == message
    with pytest.raises(ValidationFailed) as exc:
        user_update(actor=admin, user=own, role=Role.SUPERVISOR, post=None)
    assert exc.value.field_errors == {"post": "Peran ini bertugas di pos: pilih posnya."}
    with pytest.raises(PermissionDenied):
        user_update(actor=admin, user=officer, role=Role.SUPERVISOR, post=post("motaain"))
    assert snapshot() == before
    # Renaming a colleague at another post grants nothing and is allowed.
    user_update(actor=admin, user=colleague, full_name="Nama Baru")
    colleague.refresh_from_db()
    assert (colleague.full_name, colleague.post_id) == ("Nama Baru", post("wini").pk)
    # A promotion at the admin's own post is allowed.
    user_update(actor=admin, user=own, role=Role.SUPERVISOR, post=post("motaain"))
    own.refresh_from_db()
    assert own.role == Role.SUPERVISOR


def test_system_admin_grants_any_post_and_agency(user_factory: Callable[..., User]) -> None:
    sysadmin = user_factory(Role.SYSTEM_ADMIN)
    agency = border_agency()
    supervisor = user_create(
        actor=sysadmin,
        agency=agency,
        username="supervisor.wini",
        full_name="Supervisor Wini",
        role=Role.SUPERVISOR,
        post=post("wini"),
        password=NEW_PASSWORD,
    )
    assert supervisor.post_id == post("wini").pk
    admin = user_create(
        actor=sysadmin,
        agency=agency,
        username="sistem.dua",
        full_name="Sistem Dua",
        role=Role.SYSTEM_ADMIN,
        password=NEW_PASSWORD,
    )
    assert admin.role == Role.SYSTEM_ADMIN


def test_user_form_offers_only_the_admins_post(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    agency = border_agency()
    admin = user_factory(Role.AGENCY_ADMIN, agency=agency, post=post("motaain"))
    client = login_client(admin)
    page = client.get("/accounts/users/new/").content.decode()
    assert '<option value="motaain">PLBN Motaain</option>' in page
    assert '<option value="wini">' not in page
    before = snapshot()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "supervisor.tanpa.pos",
            "full_name": "Tanpa Pos",
            "agency": agency.pk,
            "role": Role.SUPERVISOR,
            "post": "",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Peran ini bertugas di pos: pilih posnya." in response.content.decode()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "supervisor.wini",
            "full_name": "Supervisor Wini",
            "agency": agency.pk,
            "role": Role.SUPERVISOR,
            "post": post("wini").pk,
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert snapshot() == before
