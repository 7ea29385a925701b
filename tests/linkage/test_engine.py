"""The linkage engine on small hand-made sets, with the model shipped with the engine."""

from __future__ import annotations

import json
import random

import pytest

from lintas.linkage.engine import (
    PROPOSE_THRESHOLD,
    Evidence,
    LinkInput,
    ScoredPair,
    TrainedModel,
    cluster,
    predict,
    train,
)
from lintas.linkage.engine.model import default_model

VILLAGE = "53.04.01.2001"


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    shipped = default_model()
    assert shipped is not None
    return shipped


def _levels(pair: ScoredPair) -> dict[str, str]:
    return {e.comparison: e.level for e in pair.evidence}


def test_reordered_timorese_name_with_day_and_month_swapped_links(model: TrainedModel) -> None:
    records = [
        LinkInput("a", "traveller", "João da Costa Soares", "1990-03-12", "M", VILLAGE),
        LinkInput("b", "tip", "Senhor Soares João da Costa", "1990-12-03", "M", VILLAGE),
    ]
    [pair] = predict(model, records, threshold=0.5)
    assert (pair.left_id, pair.right_id) == ("a", "b")
    assert _levels(pair) == {
        "name": "same names, reordered",
        "birth_date": "day and month swapped",
        "sex": "same",
        "place": "same village",
        "phone": "missing",
        "document": "missing",
    }
    assert pair.match_probability >= PROPOSE_THRESHOLD
    weights = sum(e.weight for e in pair.evidence)
    assert pair.match_weight == pytest.approx(model.prior_weight + weights, abs=1e-3)
    assert cluster([pair], ["a", "b"], threshold=PROPOSE_THRESHOLD) == {"a": "a", "b": "a"}


def test_siblings_of_one_village_two_years_apart_do_not_link(model: TrainedModel) -> None:
    records = [
        LinkInput("s1", "traveller", "Yohanes Nahak", "1990-05-01", "M", VILLAGE),
        LinkInput("s2", "traveller", "Petrus Nahak", "1992-08-14", "M", VILLAGE),
    ]
    pairs = predict(model, records, threshold=0.0)
    assert [_levels(p)["name"] for p in pairs] == ["one name shared"]
    assert [_levels(p)["birth_date"] for p in pairs] == ["within two years"]
    assert pairs[0].match_probability < 0.01
    assert cluster(pairs, ["s1", "s2"], threshold=0.5) == {"s1": "s1", "s2": "s2"}


def test_phone_only_match_names_the_phone_and_its_weight(model: TrainedModel) -> None:
    records = [
        LinkInput("p1", "tip", phone="0812-3456-7890"),
        LinkInput("p2", "case_person", phone="+62 812 3456 7890"),
    ]
    [pair] = predict(model, records, threshold=0.0)
    phone_weight = round(model.weight("phone", "same"), 4)
    assert phone_weight > 10
    assert pair.evidence == (
        Evidence("name", "missing", 0.0),
        Evidence("birth_date", "missing", 0.0),
        Evidence("sex", "missing", 0.0),
        Evidence("place", "missing", 0.0),
        Evidence("phone", "same", phone_weight),
        Evidence("document", "missing", 0.0),
    )
    assert pair.match_weight == pytest.approx(model.prior_weight + phone_weight, abs=1e-3)


def test_records_with_nothing_but_an_id_stay_apart(model: TrainedModel) -> None:
    records = [LinkInput(str(i), "") for i in range(5)]
    assert predict(model, records, threshold=0.0) == []
    assert cluster([], [r.id for r in records], threshold=0.5) == {str(i): str(i) for i in range(5)}


def test_ten_thousand_people_with_one_common_name_are_not_linked_together(
    model: TrainedModel,
) -> None:
    rng = random.Random(5)
    records = [
        LinkInput(
            f"m{i:05d}",
            "traveller",
            "Maria Nahak",
            f"{rng.randint(1950, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "F",
            f"53.04.{rng.randint(1, 12):02d}.{2000 + rng.randint(1, 15):04d}",
        )
        for i in range(10_000)
    ]
    pairs = predict(model, records, threshold=0.5)
    clusters = cluster(pairs, [r.id for r in records], threshold=PROPOSE_THRESHOLD)
    sizes: dict[str, int] = {}
    for root in clusters.values():
        sizes[root] = sizes.get(root, 0) + 1
    assert len(clusters) == 10_000
    # Only people who share a birth date (or a day and month swapped, or a day off)
    # could be one person (about 2,400 pairs of them share one by chance); the name
    # alone links nobody.
    assert max(sizes.values()) <= 8
    assert len(sizes) > 8_000
    proposed = [p for p in pairs if p.match_probability >= PROPOSE_THRESHOLD]
    assert {_levels(p)["birth_date"] for p in proposed} <= {
        "same date",
        "day and month swapped",
        "one day apart",
        "same day, one year apart",
    }


def test_saved_model_predicts_the_same(model: TrainedModel) -> None:
    records = [
        LinkInput(
            "1", "traveller", "Yosefina Bria", "1985-02-03", "F", VILLAGE, "", "081299990000"
        ),
        LinkInput("2", "tip", "Ibu Josefina Bria", "1985", "F", VILLAGE),
        LinkInput("3", "case_person", "Bria Yosefina", "1985-03-02", "F", phone="0812999900"),
        LinkInput("4", "watch_entry", "Agustina Seran", "1970-01-01", "F", VILLAGE),
    ]
    loaded = TrainedModel.from_json(json.loads(json.dumps(model.to_json())))
    assert loaded.version == model.version
    assert loaded.record_count == model.record_count
    assert predict(loaded, records, threshold=0.0) == predict(model, records, threshold=0.0)


def test_incremental_predict_is_the_new_part_of_a_full_predict(model: TrainedModel) -> None:
    from lintas.linkage.engine.synthetic import generate

    records = [r.record for r in generate(600, seed=4)]
    new_ids = {r.id for r in records[:40]}
    full = predict(model, records, threshold=0.01)
    part = predict(model, records, new_ids=new_ids, threshold=0.01)
    expected = [p for p in full if p.left_id in new_ids or p.right_id in new_ids]
    key = lambda p: (p.left_id, p.right_id)  # noqa: E731
    assert sorted(part, key=key) == sorted(expected, key=key)
    assert len(part) > 0
    assert all(p.left_id in new_ids or p.right_id in new_ids for p in part)


def test_training_on_the_records_themselves() -> None:
    from lintas.linkage.engine.synthetic import generate

    records = [r.record for r in generate(2000, seed=2)]
    trained = train(records, seed=1)
    assert trained.record_count == 2000
    assert trained.spec == "regional"
    assert len(trained.version) == 12
    assert trained.weight("name", "same name") > 8
    assert trained.weight("birth_date", "different") < -5
    assert trained.weight("sex", "different") < -5
    again = TrainedModel.from_json(trained.to_json())
    assert again.version == trained.version


def test_unknown_backend_is_refused(model: TrainedModel) -> None:
    from lintas.linkage.engine import BackendError

    records = [LinkInput("1", "x", "Ana"), LinkInput("2", "x", "Ana")]
    with pytest.raises(BackendError, match="unknown linkage backend 'sqlite'"):
        predict(model, records, backend="sqlite")


def test_model_of_another_engine_version_is_refused(model: TrainedModel) -> None:
    data = model.to_json() | {"engine_version": "0"}
    with pytest.raises(ValueError, match="engine version '0'"):
        TrainedModel.from_json(data)
