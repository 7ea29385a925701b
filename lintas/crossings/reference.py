"""Border-pass reference lists, loaded with the other reference data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from lintas.audit.services import audit_append
from lintas.crossings.models import PlbDestination, PlbDistrict, PostPlbPolicy
from lintas.places.services import read_csv

DATA_DIR = Path(__file__).resolve().parent / "data"


def plb_reference_load(*, actor: Any = None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Add the lists' rows that are missing; decisions an administrator recorded are kept."""
    added = {"plb districts": 0, "plb destinations": 0, "post plb policies": 0}
    with transaction.atomic():
        for raw in read_csv(data_dir / "plb_districts.csv"):
            _, created = PlbDistrict.objects.get_or_create(
                district_id=raw["district_code"],
                defaults={
                    "status": raw["status"],
                    "split_from_id": raw["split_from"] or None,
                    "note": raw["note"],
                },
            )
            added["plb districts"] += created
        for raw in read_csv(data_dir / "plb_destinations.csv"):
            _, created = PlbDestination.objects.get_or_create(
                code=raw["code"],
                defaults={"name": raw["name"], "municipality": raw["municipality"]},
            )
            added["plb destinations"] += created
        for raw in read_csv(data_dir / "post_plb_policy.csv"):
            _, created = PostPlbPolicy.objects.get_or_create(
                post_id=raw["post_code"],
                defaults={
                    "accepts_plb": raw["accepts_plb"] == "1",
                    "since": date.fromisoformat(raw["since"]) if raw["since"] else None,
                    "note": raw["note"],
                },
            )
            added["post plb policies"] += created
        if any(added.values()):
            audit_append(
                actor=actor, action="reference.plb", obj=("crossings.plb", "2003"), changed=added
            )
    return added
