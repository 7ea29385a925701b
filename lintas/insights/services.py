"""Loading the study's figures shipped with the package."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from lintas.audit.services import audit_append
from lintas.insights.models import CasesPerYear, RegencyPovertyRate
from lintas.places.services import read_csv

DATA_DIR = Path(__file__).resolve().parent / "data"


def study_figures_load(*, actor: Any = None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Upsert cases per year and regency poverty rates; returns how many rows changed."""
    changed = {"cases per year": 0, "poverty rates": 0}
    with transaction.atomic():
        for raw in read_csv(data_dir / "tppo_cases_by_year.csv"):
            values = {"cases": int(raw["cases"]), "note": raw["note"]}
            if _upsert(CasesPerYear, {"year": int(raw["year"])}, values):
                changed["cases per year"] += 1
        for raw in read_csv(data_dir / "poverty_rate_2023.csv"):
            values = {"rate_pct": Decimal(raw["poverty_rate_pct"]), "note": raw["note"]}
            key = {"regency_id": raw["regency_code"], "year": 2023}
            if _upsert(RegencyPovertyRate, key, values):
                changed["poverty rates"] += 1
        if any(changed.values()):
            audit_append(
                actor=actor,
                action="reference.study_figures",
                obj=("insights.figures", "study-2025"),
                changed=changed,
            )
    return changed


def _upsert(model: Any, key: dict[str, Any], values: dict[str, Any]) -> bool:
    current = model.objects.filter(**key).first()
    if current is None:
        model.objects.create(**key, **values)
        return True
    if all(getattr(current, k) == v for k, v in values.items()):
        return False
    for k, v in values.items():
        setattr(current, k, v)
    current.save()
    return True
