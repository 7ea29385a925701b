"""The regional model: comparisons, blocking rules and training passes, for any backend.

Comparisons are written as Splink comparison-level creators (plain SQL conditions, plus
Splink's own Jaro-Winkler, Damerau-Levenshtein and array levels, which Splink writes in
each backend's dialect), so that one trained model scores on DuckDB and on Spark alike.
Levels are matched between a saved model and the code by their labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.comparison_creator import ComparisonCreator

from .features import BLOCK_KEYS, build_features

__all__ = ["REGIONAL", "ModelSpec", "settings_dict"]


def _null(*columns: str) -> Any:
    either = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return cll.CustomLevel(either, "missing").configure(is_null_level=True)


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label)


def _named(level: Any, label: str) -> Any:
    return level.configure(label_for_charts=label)


def _name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            _null("name_sorted"),
            _level("name_written_l = name_written_r AND NOT name_common_l", "same name"),
            _level("name_written_l = name_written_r", "same common name"),
            _level("name_sorted_l = name_sorted_r", "same names, reordered"),
            _level("name_phon_l = name_phon_r", "same names by sound"),
            _named(
                cll.And(
                    cll.ArraySubsetLevel("name_tokens"),
                    cll.ArrayIntersectLevel("name_tokens", 2),
                ),
                "one name within the other",
            ),
            _named(cll.DamerauLevenshteinLevel("name_sorted", 1), "one typo"),
            _named(cll.ArrayIntersectLevel("name_tokens", 2), "two names shared"),
            _named(cll.ArraySubsetLevel("name_tokens"), "single name within the other"),
            _named(cll.DamerauLevenshteinLevel("name_sorted", 2), "two typos"),
            _named(cll.ArrayIntersectLevel("name_tokens", 1), "one name shared"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _birth_date() -> ComparisonCreator:
    year_gap = "ABS(birth_year_l - birth_year_r)"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            _null("birth_year"),
            _level("birth_date_l = birth_date_r", "same date"),
            _level(
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r "
                "AND birth_day_l = birth_month_r",
                "day and month swapped",
            ),
            _level("ABS(birth_days_l - birth_days_r) = 1", "one day apart"),
            _level(
                f"birth_month_l = birth_month_r AND birth_day_l = birth_day_r AND {year_gap} = 1",
                "same day, one year apart",
            ),
            _level(
                "birth_year_l = birth_year_r AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
                "same year, one a year only",
            ),
            _level("birth_year_l = birth_year_r", "same year, other day"),
            _level(
                f"{year_gap} = 1 AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
                "one year apart, one a year only",
            ),
            _level(f"{year_gap} <= 2", "within two years"),
            _level(f"{year_gap} <= 10", "within ten years"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def _exact(column: str, output: str, *, near: Any = None) -> ComparisonCreator:
    levels: list[Any] = [_null(column), _level(f"{column}_l = {column}_r", "same")]
    if near is not None:
        levels.append(near)
    levels.append(cll.ElseLevel().configure(label_for_charts="different"))
    return cl.CustomComparison(output_column_name=output, comparison_levels=levels)


def _place() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            _null("district_code"),
            _level("village_code_l = village_code_r", "same village"),
            _level("district_code_l = district_code_r", "same district"),
            cll.ElseLevel().configure(label_for_charts="different"),
        ],
    )


def regional_comparisons() -> list[ComparisonCreator]:
    """Name, birth date, sex, place, phone and document number."""
    return [
        _name(),
        _birth_date(),
        _exact("sex", "sex"),
        _place(),
        _exact("phone", "phone"),
        _exact(
            "document_number",
            "document",
            near=_named(
                cll.DamerauLevenshteinLevel("document_number", 1), "one character off or swapped"
            ),
        ),
    ]


@dataclass(frozen=True)
class ModelSpec:
    """What a model compares, how it finds candidate pairs, and how it is trained.

    ``em_passes`` are blocking rules on compared columns, so that Splink leaves the
    comparisons they block on out of that pass; ``prior_rules`` are near-certain rules
    for the share of matching pairs, with their assumed recall.
    """

    name: str
    comparisons: Any
    blocking: tuple[str, ...]
    em_passes: tuple[str, ...]
    prior_rules: tuple[str, ...]
    prior_recall: float
    features: Callable[..., Any] = build_features


REGIONAL: Final = ModelSpec(
    name="regional",
    comparisons=regional_comparisons,
    blocking=tuple(f"l.{k} = r.{k}" for k in BLOCK_KEYS),
    em_passes=(
        "l.document_number = r.document_number",
        "l.name_phon = r.name_phon AND l.birth_year = r.birth_year",
    ),
    prior_rules=("l.name_phon = r.name_phon AND l.birth_date = r.birth_date",),
    prior_recall=0.6,
)


def settings_dict(
    spec: ModelSpec, dialect: str, *, only_new: bool = False, blocking: bool = True
) -> dict[str, Any]:
    """The Splink settings of ``spec`` in ``dialect``, untrained.

    With ``only_new`` every blocking rule keeps only pairs where one side is new.
    """
    rules = list(spec.blocking) if blocking else []
    if only_new:
        rules = [f"({rule}) AND (l.is_new OR r.is_new)" for rule in rules]
    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=spec.comparisons(),
        blocking_rules_to_generate_predictions=rules,  # type: ignore[arg-type]
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )
    settings: dict[str, Any] = creator.get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    return settings
