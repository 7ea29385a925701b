"""Test data built through the real services, as the product builds it."""

from __future__ import annotations

import itertools

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import ROLES_NEEDING_POST, AgencyType, Role
from lintas.accounts.services import agency_create, user_create
from lintas.places.models import Post

PASSWORD = "sandi-uji-coba-2026"
_seq = itertools.count(1)

# An agency type that fits each role (desk and investigation roles need a fitting one).
ROLE_AGENCY = {
    Role.POST_OFFICER: AgencyType.IMMIGRATION,
    Role.MARKET_REGISTRAR: AgencyType.BORDER_POST,
    Role.SUPERVISOR: AgencyType.BORDER_POST,
    Role.INVESTIGATOR: AgencyType.LAW_ENFORCEMENT,
    Role.CASE_WORKER: AgencyType.PROTECTION,
    Role.OUTREACH_COORDINATOR: AgencyType.RELIGIOUS,
    Role.ANALYST: AgencyType.LOCAL_GOVERNMENT,
    Role.AGENCY_ADMIN: AgencyType.NGO,
    Role.SYSTEM_ADMIN: AgencyType.LOCAL_GOVERNMENT,
}


def make_agency(*, type: str = AgencyType.NGO, name: str = "", post: Post | None = None) -> Agency:
    n = next(_seq)
    return agency_create(actor=None, name=name or f"Agensi Uji {n}", type=type, post=post)


def make_user(
    role: str,
    *,
    agency: Agency | None = None,
    post: Post | None = None,
    username: str = "",
    password: str = PASSWORD,
) -> User:
    n = next(_seq)
    if agency is None:
        agency = make_agency(type=ROLE_AGENCY[Role(role)])
    if post is None and role in ROLES_NEEDING_POST:
        post = Post.objects.get(code="motaain")
    return user_create(
        actor=None,
        agency=agency,
        username=username or f"{role.replace('_', '.')}.{n}",
        full_name=f"Pengguna Uji {n}",
        role=role,
        post=post,
        password=password,
    )
