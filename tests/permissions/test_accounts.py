"""Matrix: sign-in, own password, users and agencies, home, places, figures, audit."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from tests.factories import PASSWORD
from tests.permissions.matrix import Row, check, everyone, page, statuses
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

R = Role
SIGNED_IN = frozenset(Role.values)
ADMINS = frozenset({R.AGENCY_ADMIN, R.SYSTEM_ADMIN})
SYS = frozenset({R.SYSTEM_ADMIN})
ALL_200 = page(200)


def _own_user(w: World) -> dict[str, object]:
    return {"user_id": w.home.users[R.POST_OFFICER].pk}


def _other_user(w: World) -> dict[str, object]:
    return {"user_id": w.other.users[R.POST_OFFICER].pk}


def _new_user(w: World) -> dict[str, object]:
    return {
        "username": "petugas.baru",
        "full_name": "Petugas Baru",
        "email": "",
        "agency": w.home.agency.pk,
        "role": R.ANALYST,
        "post": "",
        "password": "kata-sandi-baru-2026",
    }


def _edit(w: World) -> dict[str, object]:
    return {
        "full_name": "Nama Diubah",
        "role": R.POST_OFFICER,
        "post": "motaain",
        "is_active": "on",
    }


def _edit_other(w: World) -> dict[str, object]:
    return {**_edit(w), "post": "wini"}


def _reset(w: World) -> dict[str, object]:
    return {"password": "kata-sandi-reset-2026"}


def _agency(w: World) -> dict[str, object]:
    return {
        "name": "Gereja Uji",
        "code": "",
        "type": "ReligiousOrganisation",
        "regency": "",
        "post": "",
    }


ROWS = [
    # Sign-in: open to all; a signed-in GET goes home; an empty form is refused for anyone.
    Row("accounts:login", "GET", statuses(302, anonymous=200)),
    Row("accounts:login", "POST", everyone(400)),
    Row("accounts:logout", "GET", everyone(405)),
    # Signing out writes the session's end to the audit trail; anonymous only is redirected.
    Row("accounts:logout", "POST", everyone(302), writes=SIGNED_IN, login_redirect=True),
    Row("accounts:password_change", "GET", ALL_200),
    Row(
        "accounts:password_change",
        "POST",
        page(302),
        data=lambda w: {
            "current": PASSWORD,
            "new": "sandi-baru-uji-2026",
            "repeat": "sandi-baru-uji-2026",
        },
        writes=SIGNED_IN,
    ),
    # One's own phones; a phone is signed out by its user or by who administers its user.
    Row("accounts:phone_list", "GET", ALL_200),
    Row("accounts:phone_list", "POST", page(405)),
    Row("accounts:phone_revoke", "GET", page(405), lambda w: {"key_id": w.phone_key.pk}, "own"),
    Row(
        "accounts:phone_revoke",
        "POST",
        page(404, case_worker=302, agency_admin=302, system_admin=302),
        lambda w: {"key_id": w.phone_key.pk},
        "own",
        writes=frozenset({Role.CASE_WORKER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    Row(
        "accounts:phone_revoke",
        "POST",
        page(404, system_admin=302),
        lambda w: {"key_id": w.other_phone_key.pk},
        "other",
        writes=frozenset({Role.SYSTEM_ADMIN}),
    ),
    Row("accounts:user_list", "GET", page(agency_admin=200, system_admin=200)),
    Row("accounts:user_list", "POST", page(agency_admin=200, system_admin=200)),
    Row("accounts:user_create", "GET", page(agency_admin=200, system_admin=200)),
    Row(
        "accounts:user_create",
        "POST",
        page(agency_admin=302, system_admin=302),
        data=_new_user,
        writes=ADMINS,
    ),
    Row("accounts:user_edit", "GET", page(agency_admin=200, system_admin=200), _own_user, "own"),
    Row(
        "accounts:user_edit",
        "GET",
        page(agency_admin=404, system_admin=200),
        _other_user,
        "other",
    ),
    Row(
        "accounts:user_edit",
        "POST",
        page(agency_admin=302, system_admin=302),
        _own_user,
        "own",
        data=_edit,
        writes=ADMINS,
    ),
    Row(
        "accounts:user_edit",
        "POST",
        page(agency_admin=404, system_admin=302),
        _other_user,
        "other",
        data=_edit_other,
        writes=SYS,
    ),
    Row(
        "accounts:user_reset_password",
        "GET",
        page(agency_admin=405, system_admin=405),
        _own_user,
        "own",
    ),
    Row(
        "accounts:user_reset_password",
        "POST",
        page(agency_admin=302, system_admin=302),
        _own_user,
        "own",
        data=_reset,
        writes=ADMINS,
    ),
    Row(
        "accounts:user_reset_password",
        "POST",
        page(agency_admin=404, system_admin=302),
        _other_user,
        "other",
        data=_reset,
        writes=SYS,
    ),
    Row("accounts:user_unlock", "GET", page(agency_admin=405, system_admin=405), _own_user, "own"),
    Row(
        "accounts:user_unlock",
        "POST",
        page(agency_admin=302, system_admin=302),
        _own_user,
        "own",
        writes=ADMINS,
    ),
    Row(
        "accounts:user_unlock",
        "POST",
        page(agency_admin=404, system_admin=302),
        _other_user,
        "other",
        writes=SYS,
    ),
    Row("accounts:agency_list", "GET", page(system_admin=200)),
    Row("accounts:agency_list", "POST", page(system_admin=302), data=_agency, writes=SYS),
    # Pages every role reads; they answer a POST as a GET and write nothing.
    Row("home", "GET", ALL_200),
    Row("home", "POST", ALL_200),
    Row("places:posts", "GET", ALL_200),
    Row("places:posts", "POST", ALL_200),
    Row("places:regency", "GET", ALL_200, lambda w: {"code": "53.04"}),
    Row("places:regency", "POST", ALL_200, lambda w: {"code": "53.04"}),
    Row("places:district", "GET", ALL_200, lambda w: {"code": "53.04.02"}),
    Row("places:district", "POST", ALL_200, lambda w: {"code": "53.04.02"}),
    Row(
        "insights:figures",
        "GET",
        page(outreach_coordinator=200, analyst=200, system_admin=200),
    ),
    Row(
        "insights:figures",
        "POST",
        page(outreach_coordinator=200, analyst=200, system_admin=200),
    ),
    # Public statistics: the analyst publishes; a release is counts only, with small ones hidden.
    Row("insights:public_releases", "GET", page(analyst=200)),
    Row(
        "insights:public_releases",
        "POST",
        page(analyst=302),
        writes=frozenset({R.ANALYST}),
    ),
    Row("audit:overview", "GET", page(system_admin=200)),
    Row("audit:overview", "POST", page(system_admin=200)),
    # Django's language switch: a redirect back for everyone, signed in or not.
    Row("set_language", "GET", everyone(302), login_redirect=False),
    Row(
        "set_language",
        "POST",
        everyone(302),
        data=lambda w: {"language": "en"},
        login_redirect=False,
    ),
]


def test_accounts_places_figures_audit(world: World) -> None:
    check(world, ROWS)
