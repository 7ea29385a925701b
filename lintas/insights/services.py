"""Writes of the insights: the study's figures shipped with the package, public releases."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.common.errors import PermissionDenied
from lintas.common.nodes import require_hub
from lintas.insights.models import CasesPerYear, PublicRelease, RegencyPovertyRate
from lintas.insights.public_stats import public_release_build
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


def public_release_publish(*, actor: User | None, now: datetime | None = None) -> PublicRelease:
    """Compute the public statistics from the hub's records and publish them as a release.

    ``actor`` None is the operator's command. Only the hub publishes: a node holds one
    post's records, and its figures would be both partial and finer than a regency.
    """
    require_hub()
    if actor is not None and not actor.can(Capability.PUBLISH_STATISTICS):
        raise PermissionDenied(gettext_lazy("You may not publish the public statistics."))
    now = now or timezone.now()
    document = public_release_build(now=now)
    digest = hashlib.sha256(canonical_json(document)).hexdigest()
    with transaction.atomic():
        release = PublicRelease.objects.create(
            generated_at=now,
            generated_by=actor,
            threshold=document["threshold"],
            payload=document,
            digest=digest,
        )
        audit_append(
            actor=actor,
            action="insights.public_release",
            obj=release_object(release),
            changed={"tables": len(document["tables"]), "digest": digest},
        )
    return release


def release_object(release: PublicRelease) -> tuple[str, str]:
    return ("insights.publicrelease", str(release.pk))


def canonical_json(document: dict[str, Any]) -> bytes:
    """The bytes a release is digested and written as: sorted keys, UTF-8, no spaces."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
