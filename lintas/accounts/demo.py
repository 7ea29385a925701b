"""Demo agencies and one demo user for each role (only with LINTAS_DEBUG on)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import agency_create, user_create
from lintas.places.models import Post, Regency

DEMO_PASSWORD = "perbatasan-demo-2026"  # noqa: S105 - printed on purpose, demo only

# code, name, type, regency code, post code
DEMO_AGENCIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("plbn-wini", "PLBN Wini", AgencyType.BORDER_POST, "53.03", "wini"),
    ("plbn-motaain", "PLBN Motaain", AgencyType.BORDER_POST, "53.04", "motaain"),
    ("plbn-motamasin", "PLBN Motamasin", AgencyType.BORDER_POST, "53.21", "motamasin"),
    ("imigrasi-atambua", "Kantor Imigrasi Atambua", AgencyType.IMMIGRATION, "53.04", ""),
    ("polda-ntt", "Polda NTT", AgencyType.LAW_ENFORCEMENT, "53.71", ""),
    ("bea-cukai-atambua", "Bea Cukai Atambua", AgencyType.CUSTOMS, "53.04", ""),
    ("disnakertrans-ntt", "Disnakertrans NTT", AgencyType.LABOUR, "53.71", ""),
    ("bp3mi-ntt", "BP3MI NTT", AgencyType.LABOUR, "53.71", ""),
    ("uptd-ppa-ntt", "UPTD PPA NTT", AgencyType.PROTECTION, "53.71", ""),
    ("iom-kupang", "IOM Kupang", AgencyType.INTERNATIONAL, "53.71", ""),
    ("rumah-perempuan-kupang", "Rumah Perempuan Kupang", AgencyType.NGO, "53.71", ""),
    ("sinode-gks", "Sinode GKS", AgencyType.RELIGIOUS, "53.11", ""),
    ("satgas-tppo-ntt", "Satgas TPPO Provinsi NTT", AgencyType.LOCAL_GOVERNMENT, "53.71", ""),
)

# username, full name, role, agency code, post code
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("petugas.motaain", "Yohanes Bria", Role.POST_OFFICER, "imigrasi-atambua", "motaain"),
    ("petugas.wini", "Fransiska Sanam", Role.POST_OFFICER, "imigrasi-atambua", "wini"),
    ("petugas.motamasin", "Dominikus Klau", Role.POST_OFFICER, "imigrasi-atambua", "motamasin"),
    ("pasar.motaain", "Maria Goreti Seran", Role.MARKET_REGISTRAR, "plbn-motaain", "motaain"),
    ("supervisor.motaain", "Agustinus Nahak", Role.SUPERVISOR, "plbn-motaain", "motaain"),
    ("penyidik.polda", "Fransiskus Mau", Role.INVESTIGATOR, "polda-ntt", ""),
    ("pendamping.ppa", "Yosefina Tefa", Role.CASE_WORKER, "uptd-ppa-ntt", ""),
    ("penyuluh.gks", "Pdt. Umbu Ndapa", Role.OUTREACH_COORDINATOR, "sinode-gks", ""),
    ("analis.satgas", "Marselina Ratu", Role.ANALYST, "satgas-tppo-ntt", ""),
    ("admin.motaain", "Kornelis Atok", Role.AGENCY_ADMIN, "plbn-motaain", ""),
    ("admin.sistem", "Benediktus Lake", Role.SYSTEM_ADMIN, "satgas-tppo-ntt", ""),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str
    post: str


def demo_accounts_seed() -> list[DemoLogin]:
    """Create the demo agencies and users that do not exist yet; return every demo login."""
    with transaction.atomic():
        for code, name, type_, regency_code, post_code in DEMO_AGENCIES:
            if Agency.objects.filter(code=code).exists():
                continue
            agency_create(
                actor=None,
                code=code,
                name=name,
                type=type_,
                regency=Regency.objects.get(code=regency_code),
                post=Post.objects.get(code=post_code) if post_code else None,
            )
        for username, full_name, role, agency_code, post_code in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=None,
                agency=Agency.objects.get(code=agency_code),
                username=username,
                full_name=full_name,
                role=role,
                post=Post.objects.get(code=post_code) if post_code else None,
                password=DEMO_PASSWORD,
            )
    users = User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).select_related(
        "agency", "post"
    )
    order = {u[0]: i for i, u in enumerate(DEMO_USERS)}
    return [
        DemoLogin(u.username, u.get_role_display(), u.agency.name, u.post.name if u.post else "")
        for u in sorted(users, key=lambda u: order[u.username])
    ]
