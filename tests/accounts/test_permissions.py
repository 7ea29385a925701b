"""Each role sees only its own pages; another agency's admin is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.sync.models import OutboxEvent
from tests.factories import PASSWORD, make_agency

pytestmark = pytest.mark.django_db

PAGES = {
    "/": set(Role.values),
    "/accounts/password/": set(Role.values),
    "/places/": set(Role.values),
    "/places/regency/53.04/": set(Role.values),
    "/places/district/53.04.02/": set(Role.values),
    "/insights/figures/": {Role.ANALYST, Role.OUTREACH_COORDINATOR, Role.SYSTEM_ADMIN},
    "/accounts/users/": {Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN},
    "/accounts/users/new/": {Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN},
    "/accounts/agencies/": {Role.SYSTEM_ADMIN},
    "/audit/": {Role.SYSTEM_ADMIN},
}


def snapshot() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Agency.objects.count(),
        AuditEntry.objects.exclude(kind="auth").count(),
        OutboxEvent.objects.count(),
    )


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_only_its_pages(
    role: str, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(role))
    for url, allowed in PAGES.items():
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (url, role, response.status_code)
        if expected == 403:
            assert "Tidak diizinkan" in response.content.decode()


def test_home_links_follow_the_role(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    for role, present, absent in [
        (Role.SYSTEM_ADMIN, ["/accounts/agencies/", "/audit/", "/accounts/users/"], []),
        (Role.AGENCY_ADMIN, ["/accounts/users/"], ["/accounts/agencies/", "/audit/"]),
        (Role.POST_OFFICER, ["/places/"], ["/accounts/users/", "/audit/", "/insights/figures/"]),
        (Role.ANALYST, ["/insights/figures/"], ["/accounts/users/"]),
    ]:
        html = login_client(user_factory(role)).get("/").content.decode()
        for url in present:
            assert f'href="{url}"' in html, (role, url)
        for url in absent:
            assert f'href="{url}"' not in html, (role, url)


def test_anonymous_is_sent_to_login() -> None:
    client = Client()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_agency_admin_manages_only_own_agency(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    colleague = user_factory(Role.CASE_WORKER, agency=admin.agency)
    stranger = user_factory(Role.CASE_WORKER)
    client = login_client(admin)

    listing = client.get("/accounts/users/").content.decode()
    assert colleague.username in listing
    assert stranger.username not in listing

    assert client.get(f"/accounts/users/{colleague.pk}/").status_code == 200
    before = snapshot()
    for url, data in [
        (f"/accounts/users/{stranger.pk}/", {"full_name": "X", "role": Role.CASE_WORKER}),
        (f"/accounts/users/{stranger.pk}/password/", {"password": "sandi-baru-yang-kuat"}),
        (f"/accounts/users/{stranger.pk}/unlock/", {}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert client.get(f"/accounts/users/{stranger.pk}/").status_code == 404
    # Creating a user in another agency: that agency is not a choice on the form.
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "penyusup",
            "full_name": "Penyusup",
            "agency": stranger.agency_id,
            "role": Role.CASE_WORKER,
            "password": "sandi-baru-yang-kuat",
        },
    )
    assert response.status_code == 400
    assert snapshot() == before
    stranger.refresh_from_db()
    assert stranger.full_name.startswith("Pengguna Uji")
    assert stranger.check_password(PASSWORD)


def test_agency_admin_cannot_grant_system_admin(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    client = login_client(admin)
    before = snapshot()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "calon.admin",
            "full_name": "Calon Admin",
            "agency": admin.agency_id,
            "role": Role.SYSTEM_ADMIN,
            "password": "sandi-baru-yang-kuat",
        },
    )
    assert response.status_code == 400
    assert "Hanya administrator sistem" in response.content.decode()
    assert snapshot() == before


def test_agency_admin_creates_and_edits_own_user(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    admin = user_factory(Role.AGENCY_ADMIN)
    client = login_client(admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "Relawan.Baru",
            "full_name": "Relawan Baru",
            "agency": admin.agency_id,
            "role": Role.OUTREACH_COORDINATOR,
            "password": "sandi-baru-yang-kuat",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="relawan.baru")
    assert (created.agency_id, created.role) == (admin.agency_id, Role.OUTREACH_COORDINATOR)
    response = client.post(
        f"/accounts/users/{created.pk}/",
        {"full_name": "Relawan Lama", "role": Role.CASE_WORKER, "is_active": ""},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.full_name, created.role, created.is_active) == (
        "Relawan Lama",
        Role.CASE_WORKER,
        False,
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(created.pk)).values_list("action", "fields")
    )
    assert actions == [
        ("user.create", "agency_id,email,full_name,post_id,role,username"),
        ("user.update", "full_name,is_active,role"),
    ]


def test_system_admin_creates_agency(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = login_client(user_factory(Role.SYSTEM_ADMIN))
    response = client.post(
        "/accounts/agencies/",
        {"name": "Yayasan Rumah Harapan Indonesia", "type": AgencyType.NGO, "code": ""},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="yayasan-rumah-harapan-indonesia")
    assert agency.type == AgencyType.NGO
    duplicate = client.post(
        "/accounts/agencies/",
        {"name": "Yayasan Rumah Harapan Indonesia", "type": AgencyType.NGO, "code": ""},
    )
    assert duplicate.status_code == 400
    assert Agency.objects.filter(code="yayasan-rumah-harapan-indonesia").count() == 1


def test_market_registrar_needs_a_post_with_a_market(reference: None) -> None:
    from lintas.accounts.services import user_create
    from lintas.common.errors import ValidationFailed
    from lintas.places.models import Post

    agency = make_agency(type=AgencyType.BORDER_POST)
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=None,
            agency=agency,
            username="pasar.wini",
            full_name="Pasar Wini",
            role=Role.MARKET_REGISTRAR,
            post=Post.objects.get(code="wini"),
            password="sandi-baru-yang-kuat",
        )
    assert set(exc.value.field_errors) == {"post"}
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=None,
            agency=make_agency(type=AgencyType.RELIGIOUS),
            username="pasar.gereja",
            full_name="Pasar Gereja",
            role=Role.MARKET_REGISTRAR,
            post=Post.objects.get(code="motaain"),
            password="sandi-baru-yang-kuat",
        )
    assert set(exc.value.field_errors) == {"role"}
    assert not User.objects.filter(username__startswith="pasar.").exists()
