from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import PermissionDenied
from lintas.insights.models import CasesPerYear, PublicRelease, RegencyPovertyRate


def study_figures(*, user: User) -> tuple[QuerySet[CasesPerYear], QuerySet[RegencyPovertyRate]]:
    """Cases per year and regency poverty rates as the domain study states them."""
    if not user.can(Capability.VIEW_STUDY_FIGURES):
        raise PermissionDenied("Not allowed")
    return (
        CasesPerYear.objects.order_by("year"),
        RegencyPovertyRate.objects.select_related("regency").order_by("-rate_pct"),
    )


def public_release_latest() -> PublicRelease | None:
    """The release the portal shows: the latest published. Public: counts only."""
    return PublicRelease.objects.order_by("-generated_at", "-id").first()


def public_release_list(*, user: User, limit: int = 24) -> list[PublicRelease]:
    """The latest releases, for those who publish them."""
    if not user.can(Capability.PUBLISH_STATISTICS):
        raise PermissionDenied("Not allowed")
    return list(
        PublicRelease.objects.select_related("generated_by").order_by("-generated_at", "-id")[
            :limit
        ]
    )


@dataclass(frozen=True)
class TableSummary:
    name: str
    unit: str
    cells: int
    hidden: int
    total: int | None


def public_tables_summary(payload: dict[str, Any]) -> list[TableSummary]:
    """Per table of a release: how many counts it has, how many are hidden, its total."""
    return [
        TableSummary(
            name=t["name"],
            unit=t["unit"],
            cells=len(t["cells"]),
            hidden=sum(1 for c in t["cells"] if c["suppressed"]),
            total=t["total"],
        )
        for t in payload["tables"]
    ]
