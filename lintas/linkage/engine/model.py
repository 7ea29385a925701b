"""Training a Fellegi-Sunter model on the records themselves, and scoring pairs with it.

Training needs no labels: the share of matching pairs comes from near-certain rules,
the u probabilities (how often two different people agree by chance) from random
pairs, and the m probabilities (how often one person agrees with themself) from
expectation maximisation over two blocking passes, one on the name and one on the birth
date, so that each comparison is estimated in a pass that does not block on it. Levels
the data cannot estimate (too few records, a level never seen) keep the values of the
model shipped with the engine, trained on the synthetic population of this region.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, Final

from splink import Linker

from .backend import open_backend
from .records import Evidence, LinkInput, ScoredPair
from .spec import REGIONAL, ModelSpec, settings_dict

__all__ = ["ENGINE_VERSION", "MIN_TRAIN_RECORDS", "TrainedModel", "predict", "train"]

ENGINE_VERSION: Final = "1"
FORMAT: Final = "lintas-linkage-model"
#: Fewer records than this cannot train a model: the shipped one is used as it is.
MIN_TRAIN_RECORDS: Final = 1000
DEFAULT_MODEL_PATH: Final = Path(__file__).with_name("default_model.json")
_U_PAIRS: Final = 1e6
_EM_PAIRS: Final = 1.5e6
_SPLINK_LOG: Final = logging.WARNING

type Progress = Callable[[str, int, int], None]
# comparison -> level label -> (m, u)
type Parameters = dict[str, dict[str, tuple[float, float]]]


def _quiet() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


class TrainedModel:
    """A trained model: the share of matches and the m and u of every comparison level.

    ``version`` names the trained parameters (a digest of them), so that a link can name
    the model that made it; ``engine_version`` the code that reads them.
    """

    def __init__(
        self,
        *,
        spec: str,
        prior: float,
        parameters: Parameters,
        record_count: int,
        backend: str,
        engine_version: str = ENGINE_VERSION,
    ) -> None:
        self.spec = spec
        self.prior = prior
        self.parameters = parameters
        self.record_count = record_count
        self.backend = backend
        self.engine_version = engine_version
        digest = json.dumps([spec, prior, parameters], sort_keys=True).encode()
        self.version = hashlib.sha256(digest).hexdigest()[:12]

    def weight(self, comparison: str, level: str) -> float:
        """log2 Bayes factor of one level (0 for a missing field)."""
        m, u = self.parameters.get(comparison, {}).get(level, (1.0, 1.0))
        return math.log2(m / u)

    @property
    def prior_weight(self) -> float:
        """The match weight of a pair before any field is compared."""
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict that ``from_json`` reads back to an equal model."""
        return {
            "format": FORMAT,
            "version": self.version,
            "engine_version": self.engine_version,
            "spec": self.spec,
            "backend": self.backend,
            "record_count": self.record_count,
            "probability_two_random_records_match": self.prior,
            "comparisons": {
                name: [{"level": lvl, "m": m, "u": u} for lvl, (m, u) in levels.items()]
                for name, levels in self.parameters.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainedModel:
        """Read a model written by ``to_json``; ValueError if it is not one."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a Lintas linkage model")
        if str(data.get("engine_version")) != ENGINE_VERSION:
            raise ValueError(
                f"linkage model of engine version {data.get('engine_version')!r}; "
                f"this engine reads version {ENGINE_VERSION}"
            )
        parameters = {
            name: {str(x["level"]): (float(x["m"]), float(x["u"])) for x in levels}
            for name, levels in data["comparisons"].items()
        }
        return cls(
            spec=str(data["spec"]),
            prior=float(data["probability_two_random_records_match"]),
            parameters=parameters,
            record_count=int(data["record_count"]),
            backend=str(data.get("backend", "duckdb")),
        )


def default_model() -> TrainedModel | None:
    """The model shipped with the engine, or None before one has been written."""
    if not DEFAULT_MODEL_PATH.exists():
        return None
    return TrainedModel.from_json(json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8")))


def _with_parameters(settings: dict[str, Any], prior: float, params: Parameters) -> None:
    settings["probability_two_random_records_match"] = prior
    for comparison in settings["comparisons"]:
        levels = params.get(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            found = levels.get(level["label_for_charts"])
            if found is not None:
                level["m_probability"], level["u_probability"] = found


#: No level is impossible for one person: forms are mistyped. An m below this is raised.
M_FLOOR: Final = 1e-4
_U_FLOOR: Final = 1e-7


def _clamp(value: Any, fallback: float, floor: float = _U_FLOOR) -> float:
    if not isinstance(value, int | float) or math.isnan(value):
        return fallback
    return min(max(float(value), floor), 1.0)


def _read_parameters(saved: dict[str, Any], fallback: TrainedModel | None) -> Parameters:
    out: Parameters = {}
    for comparison in saved["comparisons"]:
        name = comparison["output_column_name"]
        levels = out[name] = {}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            # A level never seen among matches keeps the shipped value, or counts as rare.
            m0, u0 = (fallback.parameters.get(name, {}) if fallback else {}).get(
                label, (M_FLOOR, 0.1)
            )
            levels[label] = (
                _clamp(level.get("m_probability"), m0, M_FLOOR),
                _clamp(level.get("u_probability"), u0),
            )
    return out


def _note(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def train(
    records: Sequence[LinkInput],
    *,
    backend: str = "duckdb",
    seed: int = 1,
    progress: Progress | None = None,
    spec: ModelSpec = REGIONAL,
) -> TrainedModel:
    """Train a model on ``records`` (no labels); see the module docstring for how."""
    _quiet()
    base = default_model() if spec is REGIONAL else None
    if len(records) < MIN_TRAIN_RECORDS and base is not None:
        _note(progress, "train", 1, 1)
        return TrainedModel(
            spec=spec.name,
            prior=base.prior,
            parameters=base.parameters,
            record_count=len(records),
            backend=backend,
        )
    steps = 3 + len(spec.em_passes)
    _note(progress, "train", 0, steps)
    cols, _ = spec.features(records)
    db = open_backend(backend)
    try:
        settings = settings_dict(spec, db.dialect, blocking=False)
        if base is not None:
            _with_parameters(settings, base.prior, base.parameters)
        linker = Linker(db.register(cols), settings, log_level=_SPLINK_LOG)
        _note(progress, "train", 1, steps)
        linker.training.estimate_probability_two_random_records_match(
            list(spec.prior_rules), recall=spec.prior_recall
        )
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(_U_PAIRS, 200.0 * len(records)), seed=seed, num_chunks=1
        )
        _note(progress, "train", 2, steps)
        for number, rule in enumerate(spec.em_passes, start=3):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=_EM_PAIRS
            )
            _note(progress, "train", number, steps)
        saved = linker.misc.save_model_to_json()
    finally:
        db.close()
    prior = _clamp(saved.get("probability_two_random_records_match"), base.prior if base else 1e-4)
    model = TrainedModel(
        spec=spec.name,
        prior=prior,
        parameters=_read_parameters(saved, base),
        record_count=len(records),
        backend=backend,
    )
    _note(progress, "train", steps, steps)
    return model


def _evidence_table(model: TrainedModel, linker: Linker) -> list[tuple[str, dict[int, Evidence]]]:
    """Per comparison, gamma value -> its evidence (shared objects: pairs repeat them)."""
    out: list[tuple[str, dict[int, Evidence]]] = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        by_gamma: dict[int, Evidence] = {}
        for level in comparison.comparison_levels:
            label = level.label_for_charts
            weight = 0.0 if level.is_null_level else model.weight(name, label)
            by_gamma[level.comparison_vector_value] = Evidence(name, label, round(weight, 4))
        out.append((name, by_gamma))
    return out


def predict(
    model: TrainedModel,
    records: Sequence[LinkInput],
    *,
    new_ids: Collection[str] | None = None,
    threshold: float = 0.5,
    backend: str = "duckdb",
    progress: Progress | None = None,
    spec: ModelSpec = REGIONAL,
) -> list[ScoredPair]:
    """Score the candidate pairs of ``records`` at or above ``threshold`` (a probability).

    With ``new_ids`` only pairs that involve at least one of those records are scored
    (against all of ``records``); they equal the same pairs of a full prediction.
    """
    _quiet()
    _note(progress, "predict", 0, 2)
    cols, _ = spec.features(records, new_ids=new_ids)
    if len(records) < 2:
        return []
    db = open_backend(backend)
    try:
        settings = settings_dict(spec, db.dialect, only_new=new_ids is not None)
        _with_parameters(settings, model.prior, model.parameters)
        linker = Linker(db.register(cols), settings, log_level=_SPLINK_LOG)
        frame = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        _note(progress, "predict", 1, 2)
        table = _evidence_table(model, linker)
        gammas = [f"gamma_{name}" for name, _ in table]
        rows = db.rows(
            frame, ["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]
        )
    finally:
        db.close()
    cache: dict[tuple[int, ...], tuple[Evidence, ...]] = {}
    pairs: list[ScoredPair] = []
    for left, right, weight, probability, *vector in rows:
        key = tuple(vector)
        evidence = cache.get(key)
        if evidence is None:
            evidence = cache[key] = tuple(
                levels[g] for (_, levels), g in zip(table, key, strict=True)
            )
        if left > right:
            left, right = right, left
        pairs.append(ScoredPair(left, right, float(weight), float(probability), evidence))
    _note(progress, "predict", 2, 2)
    return pairs
