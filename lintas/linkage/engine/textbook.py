"""A textbook Splink model, with no knowledge of the region's names, for comparison only.

First and last word of the name as written (lower case), Splink's stock name and
date-of-birth comparisons, exact sex, village and phone. It runs through the same
training and scoring code as the regional model; the benchmark reports both.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import splink.comparison_library as cl

from .features import FeatureTable
from .records import LinkInput, parse_birth_date
from .spec import ModelSpec

__all__ = ["TEXTBOOK"]


def _features(
    records: Sequence[LinkInput], *, new_ids: Collection[str] | None = None
) -> tuple[FeatureTable, int]:
    wanted = None if new_ids is None else set(new_ids)
    cols: FeatureTable = {
        k: []
        for k in ("unique_id", "first_name", "surname", "dob", "birth_year", "sex",
                  "village_code", "phone", "is_new")
    }  # fmt: skip
    for r in records:
        words = r.full_name.lower().split()
        date = parse_birth_date(r.birth_date) if r.birth_date.strip() else None
        cols["unique_id"].append(r.id)
        cols["first_name"].append(words[0] if words else None)
        cols["surname"].append(words[-1] if len(words) > 1 else None)
        cols["dob"].append(date.iso if date else None)
        cols["birth_year"].append(date.year if date else None)
        cols["sex"].append(r.sex or None)
        cols["village_code"].append(r.village_code or None)
        cols["phone"].append("".join(c for c in r.phone if c.isdigit())[-9:] or None)
        cols["is_new"].append(wanted is None or r.id in wanted)
    return cols, 0


def _comparisons() -> list[Any]:
    return [
        cl.NameComparison("first_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("village_code"),
        cl.ExactMatch("phone"),
    ]


TEXTBOOK = ModelSpec(
    name="textbook",
    comparisons=_comparisons,
    blocking=(
        "l.first_name = r.first_name AND l.birth_year = r.birth_year",
        "l.surname = r.surname AND l.dob = r.dob",
        "l.first_name = r.first_name AND l.surname = r.surname",
        "l.surname = r.surname AND l.village_code = r.village_code",
        "l.phone = r.phone",
    ),
    em_passes=("l.first_name = r.first_name AND l.surname = r.surname", "l.dob = r.dob"),
    prior_rules=("l.first_name = r.first_name AND l.surname = r.surname AND l.dob = r.dob",),
    prior_recall=0.6,
    features=_features,
)
