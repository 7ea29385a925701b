"""Loading the reference areas, islands and posts from the CSV files shipped in the package."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from lintas.audit.services import audit_append
from lintas.common.errors import ValidationFailed
from lintas.places.models import District, EntryPoint, Island, Post, Province, Regency, Village

DATA_DIR = Path(__file__).resolve().parent / "data"
AREA_DIR = DATA_DIR / "idn-area-ntt"

_DMS = re.compile(r"""^(\d+)°(\d+)'([\d.]+)"\s*([NSEW])$""")


def parse_dms(text: str) -> Decimal:
    """``08°42'54.00" S`` as signed decimal degrees, to six places."""
    match = _DMS.match(text.strip())
    if not match:
        raise ValueError(f"not a coordinate: {text!r}")
    deg, minutes, seconds, hemi = match.groups()
    value = Decimal(deg) + Decimal(minutes) / 60 + Decimal(seconds) / 3600
    if hemi in "SW":
        value = -value
    return value.quantize(Decimal("0.000001"))


def parse_coordinate(text: str) -> tuple[Decimal, Decimal]:
    """``08°42'54.00" S 121°29'44.00" E`` as (latitude, longitude)."""
    match = re.match(r"""^(.+?[NS])\s+(.+?[EW])$""", text.strip())
    if not match:
        raise ValueError(f"not a coordinate pair: {text!r}")
    return parse_dms(match.group(1)), parse_dms(match.group(2))


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def lines(self) -> list[str]:
        names = list(self.created)
        return [
            f"{name}: {self.created[name]} created, {self.updated.get(name, 0)} updated"
            for name in names
        ]


def _sync_rows[M: models.Model](
    model: type[M], rows: list[dict[str, Any]], report: LoadReport, label: str, key: str = ""
) -> None:
    """Insert missing rows and update differing ones, keyed by ``key`` (the primary key)."""
    key = key or str(model._meta.pk.attname)
    existing = {str(getattr(o, key)): o for o in model._default_manager.all()}
    to_create: list[M] = []
    to_update: list[M] = []
    update_fields: set[str] = set()
    for row in rows:
        current = existing.get(str(row[key]))
        if current is None:
            to_create.append(model(**row))
            continue
        diff = [k for k, v in row.items() if k != key and getattr(current, k) != v]
        if diff:
            for k in diff:
                setattr(current, k, row[k])
            update_fields.update(diff)
            to_update.append(current)
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(update_fields), batch_size=500)
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)


def _rows(path: Path, convert: Callable[[dict[str, str]], dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for line_no, raw in enumerate(read_csv(path), start=2):
        try:
            out.append(convert(raw))
        except (KeyError, ValueError) as exc:
            raise ValidationFailed(f"{path.name} line {line_no}: {exc}") from exc
    return out


def _island(raw: dict[str, str]) -> dict[str, Any]:
    lat, lon = parse_coordinate(raw["coordinate"])
    return {
        "code": raw["code"],
        "regency_id": raw["regency_code"] or None,
        "name": raw["name"],
        "latitude": lat,
        "longitude": lon,
        "is_populated": raw["is_populated"] == "1",
        "is_outermost_small": raw["is_outermost_small"] == "1",
    }


def _post(raw: dict[str, str]) -> dict[str, Any]:
    return {
        "code": slugify(raw["post"]),
        "name": f"PLBN {raw['post']}",
        "regency_id": raw["regency_code"],
        "district_id": raw["district_code"],
        "village_id": raw["village_code"],
        "neighbour": raw["neighbour"],
        "area": raw["area"],
        "regency_capital": raw["regency_capital"],
        "distance_to_capital_km": Decimal(raw["distance_to_regency_capital_km"]),
        # The study names a border market only at Motaain, where Timor-Leste residents
        # enter the market area without a passport.
        "has_border_market": "border market" in raw["notes"],
        "notes": raw["notes"],
    }


def _entry_points(posts_csv: Path) -> list[dict[str, Any]]:
    rows = []
    for raw in read_csv(posts_csv):
        post_code = slugify(raw["post"])
        for position, name in enumerate(raw["entry_points"].split(";"), start=1):
            rows.append(
                {
                    "code": f"{post_code}-{slugify(name)}",
                    "post_id": post_code,
                    "name": name.strip(),
                    "position": position,
                }
            )
    return rows


def reference_load(*, actor: Any = None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Load areas, islands and posts; a second run with the same files changes nothing."""
    area = data_dir / "idn-area-ntt"
    report = LoadReport()
    tables: list[tuple[type[models.Model], list[dict[str, Any]], str]] = [
        (
            Province,
            _rows(area / "provinces.csv", lambda r: {"code": r["code"], "name": r["name"]}),
            "provinces",
        ),
        (
            Regency,
            _rows(
                area / "regencies.csv",
                lambda r: {"code": r["code"], "province_id": r["province_code"], "name": r["name"]},
            ),
            "regencies",
        ),
        (
            District,
            _rows(
                area / "districts.csv",
                lambda r: {"code": r["code"], "regency_id": r["regency_code"], "name": r["name"]},
            ),
            "districts",
        ),
        (
            Village,
            _rows(
                area / "villages.csv",
                lambda r: {"code": r["code"], "district_id": r["district_code"], "name": r["name"]},
            ),
            "villages",
        ),
        (Island, _rows(area / "islands.csv", _island), "islands"),
        (Post, _rows(data_dir / "border_posts.csv", _post), "posts"),
    ]
    with transaction.atomic():
        for model, rows, label in tables:
            _sync_rows(model, rows, report, label)
        _sync_rows(
            EntryPoint, _entry_points(data_dir / "border_posts.csv"), report, "entry points", "code"
        )
        if report.changed:
            audit_append(
                actor=actor,
                action="reference.load",
                obj=("places.reference", "idn-area-ntt"),
                changed={
                    **{f"created_{k}": v for k, v in report.created.items()},
                    **{f"updated_{k}": v for k, v in report.updated.items()},
                },
            )
    return report
