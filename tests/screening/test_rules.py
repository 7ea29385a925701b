"""Indicator rules as data: validation on save and evaluation."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lintas.screening import rules
from lintas.screening.facts import FACTS
from lintas.screening.services import SEED_RULESET

SEED = json.loads(SEED_RULESET.read_text(encoding="utf-8"))["indicators"]


def base_facts(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        name: {"bool": False, "int": 0, "str": ""}[fact.type] for name, fact in FACTS.items()
    }
    facts.update(
        direction="out",
        purpose="family",
        post="motaain",
        nationality="IDN",
        sex="M",
        age=35,
        group_size=1,
    )
    facts.update(overrides)
    return facts


def ids(findings: list[rules.Finding]) -> list[str]:
    return [f.id for f in findings]


def test_seed_rule_set_is_valid_and_cites_sources() -> None:
    checked = rules.validate_indicators(copy.deepcopy(SEED))
    assert len(checked) >= 12
    assert all(ind.get("source") for ind in checked)
    assert {ind["strength"] for ind in checked} == {"strong", "medium", "weak"}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda s: s[0]["when"].update(fact="nonexistent_fact"), "indicators[0].when"),
        (lambda s: s[0].update(strength="huge"), "indicators[0]"),
        (lambda s: s.append(copy.deepcopy(s[0])), "indicators[15]"),
        (lambda s: s[0].pop("text_id"), "indicators[0]"),
        (
            lambda s: s[3].update(when={"fact": "age", "op": "gte", "value": "ten"}),
            "indicators[3].when",
        ),
        (
            lambda s: s[3].update(when={"fact": "sex", "op": "gte", "value": 1}),
            "indicators[3].when",
        ),
        (lambda s: s[3].update(when={"all": []}), "indicators[3].when"),
        (
            lambda s: s[3].update(unless=[{"fact": "x", "op": "eq", "value": 1}]),
            "indicators[3].unless[0]",
        ),
        (lambda s: s[3].update(extra="x"), "indicators[3]"),
    ],
    ids=[
        "unknown-fact",
        "strength",
        "duplicate-id",
        "missing-text",
        "type",
        "op-on-text",
        "empty-all",
        "unless-unknown-fact",
        "unknown-key",
    ],
)
def test_bad_rule_sets_are_refused(mutate: Any, path: str) -> None:
    broken = copy.deepcopy(SEED)
    mutate(broken)
    with pytest.raises(rules.RuleError) as exc:
        rules.validate_indicators(broken)
    assert exc.value.path == path


def test_non_procedural_worker_is_strong() -> None:
    found = rules.evaluate(SEED, base_facts(purpose="work", outbound_worker=True))
    assert ids(found)[0] == "NTT-NONPROCEDURAL"
    assert rules.level_of([f.strength for f in found]) == "high"


def test_licensed_worker_raises_nothing() -> None:
    found = rules.evaluate(
        SEED, base_facts(purpose="work", outbound_worker=True, has_placement_licence=True)
    )
    assert ids(found) == []


def test_child_selling_with_parent_at_motaain_market_is_no_indicator() -> None:
    facts = base_facts(
        age=12,
        is_minor=True,
        purpose="market",
        market_day_visit=True,
        observed_with_parent_or_guardian=True,
        group_size=2,
    )
    assert ids(rules.evaluate(SEED, facts)) == []
    # The same child at another post, or without a parent, does raise indicators.
    assert "NTT-CHILD-WORK" in ids(rules.evaluate(SEED, {**facts, "post": "wini"}))
    alone = rules.evaluate(SEED, {**facts, "observed_with_parent_or_guardian": False})
    assert ids(alone)[:2] == ["NTT-MINOR-ALONE", "NTT-CHILD-WORK"]


@pytest.mark.parametrize(
    ("strengths", "level"),
    [
        ([], "none"),
        (["weak"], "low"),
        (["weak", "weak"], "low"),
        (["weak", "weak", "weak"], "medium"),
        (["medium"], "medium"),
        (["medium", "medium"], "high"),
        (["strong"], "high"),
        (["medium", "weak"], "medium"),
    ],
)
def test_levels(strengths: list[str], level: str) -> None:
    assert rules.level_of(strengths) == level


def test_each_seed_indicator_can_fire() -> None:
    """Every shipped indicator is reachable from some facts (none is dead)."""
    scenarios = [
        base_facts(purpose="work", outbound_worker=True),
        base_facts(age=15, is_minor=True),
        base_facts(age=15, is_minor=True, purpose="trade", observed_with_parent_or_guardian=True),
        base_facts(observed_documents_held_by_other=True),
        base_facts(observed_paid_family=True),
        base_facts(observed_signs_of_abuse=True),
        base_facts(group_young_women_or_children=3),
        base_facts(recruiter_declared=True),
        base_facts(route_kalimantan_malaysia=True),
        base_facts(observed_does_not_know_destination=True),
        base_facts(observed_debt_to_recruiter=True),
        base_facts(observed_companion_answers=True),
        base_facts(observed_fearful_or_coached=True),
        base_facts(sex="F", age=19, is_young_woman=True, outbound_worker=True, purpose="work"),
        base_facts(document_problems=True),
    ]
    fired = {f for s in scenarios for f in ids(rules.evaluate(SEED, s))}
    assert fired == {ind["id"] for ind in SEED}
