"""Indicator rules as data: validation on save, evaluation against a crossing's facts.

A rule set is a list of indicators:

    {"id": "NTT-01", "strength": "strong", "text_id": "...", "text_en": "...",
     "source": "...", "when": CONDITION, "unless": [CONDITION, ...]}

and a condition is ``{"all": [...]}``, ``{"any": [...]}``, or
``{"fact": NAME, "op": "eq" | "ne" | "in" | "gte" | "lte", "value": V}``.
``unless`` holds the contexts where the indicator does not apply (children selling with a
parent at the Motaain market day are no indicator there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lintas.screening.facts import FACTS

STRENGTH_WEIGHT = {"strong": 3, "medium": 2, "weak": 1}
OPS = {"eq", "ne", "in", "gte", "lte"}
MAX_DEPTH = 6
MAX_INDICATORS = 200


class RuleError(ValueError):
    """A rule set that cannot be saved; ``path`` says where the problem is."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _check_value(fact: str, op: str, value: Any, path: str) -> None:
    kind = FACTS[fact].type
    expected: tuple[type, ...] = {"bool": (bool,), "int": (int,), "str": (str,)}[kind]
    values = value if op == "in" else [value]
    if op == "in" and not isinstance(value, list):
        raise RuleError(path, "'in' needs a list of values")
    if op in {"gte", "lte"} and kind != "int":
        raise RuleError(path, f"'{op}' needs a number fact; {fact} is {kind}")
    for item in values:
        if not isinstance(item, expected) or (kind == "int" and isinstance(item, bool)):
            raise RuleError(path, f"{fact} is a {kind}; {item!r} is not")


def validate_condition(cond: Any, path: str, depth: int = 0) -> None:
    """Refuse a condition that names an unknown fact or is malformed."""
    if depth > MAX_DEPTH:
        raise RuleError(path, "conditions nested too deep")
    if not isinstance(cond, dict):
        raise RuleError(path, "a condition is an object")
    if set(cond) in ({"all"}, {"any"}):
        ((key, items),) = cond.items()
        if not isinstance(items, list) or not items:
            raise RuleError(path, f"'{key}' needs a non-empty list")
        for i, item in enumerate(items):
            validate_condition(item, f"{path}.{key}[{i}]", depth + 1)
        return
    if set(cond) != {"fact", "op", "value"}:
        raise RuleError(path, "a test has exactly: fact, op, value")
    fact, op = cond["fact"], cond["op"]
    if fact not in FACTS:
        raise RuleError(path, f"unknown fact {fact!r}")
    if op not in OPS:
        raise RuleError(path, f"unknown op {op!r}")
    _check_value(fact, op, cond["value"], path)


def validate_indicators(indicators: Any) -> list[dict[str, Any]]:
    """The indicators of a rule set, checked; raises RuleError naming the first problem."""
    if not isinstance(indicators, list) or not indicators:
        raise RuleError("indicators", "a non-empty list of indicators")
    if len(indicators) > MAX_INDICATORS:
        raise RuleError("indicators", f"at most {MAX_INDICATORS}")
    seen: set[str] = set()
    for i, ind in enumerate(indicators):
        path = f"indicators[{i}]"
        if not isinstance(ind, dict):
            raise RuleError(path, "an indicator is an object")
        missing = {"id", "strength", "text_id", "text_en", "when"} - set(ind)
        if missing:
            raise RuleError(path, f"missing {', '.join(sorted(missing))}")
        extra = set(ind) - {
            "id",
            "strength",
            "text_id",
            "text_en",
            "when",
            "unless",
            "source",
            "next_step",
        }
        if extra:
            raise RuleError(path, f"unknown keys {', '.join(sorted(extra))}")
        if not isinstance(ind["id"], str) or not ind["id"] or len(ind["id"]) > 40:
            raise RuleError(path, "id is a short text")
        if ind["id"] in seen:
            raise RuleError(path, f"duplicate id {ind['id']}")
        seen.add(ind["id"])
        if ind["strength"] not in STRENGTH_WEIGHT:
            raise RuleError(path, "strength is strong, medium or weak")
        for key in ("text_id", "text_en"):
            if not isinstance(ind[key], str) or not ind[key].strip() or len(ind[key]) > 300:
                raise RuleError(f"{path}.{key}", "a text of at most 300 characters")
        validate_condition(ind["when"], f"{path}.when")
        unless = ind.get("unless", [])
        if not isinstance(unless, list):
            raise RuleError(f"{path}.unless", "a list of conditions")
        for j, cond in enumerate(unless):
            validate_condition(cond, f"{path}.unless[{j}]")
    return indicators


def holds(cond: dict[str, Any], facts: dict[str, Any]) -> bool:
    if "all" in cond:
        return all(holds(c, facts) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, facts) for c in cond["any"])
    actual, op, value = facts[cond["fact"]], cond["op"], cond["value"]
    if op == "eq":
        return bool(actual == value)
    if op == "ne":
        return bool(actual != value)
    if op == "in":
        return actual in value
    if op == "gte":
        return bool(actual >= value)
    return bool(actual <= value)


@dataclass(frozen=True)
class Finding:
    id: str
    strength: str
    text_id: str
    text_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "strength": self.strength,
            "text_id": self.text_id,
            "text_en": self.text_en,
        }


def evaluate(indicators: list[dict[str, Any]], facts: dict[str, Any]) -> list[Finding]:
    """The indicators that apply to ``facts``, strongest first."""
    found = [
        Finding(ind["id"], ind["strength"], ind["text_id"], ind["text_en"])
        for ind in indicators
        if holds(ind["when"], facts) and not any(holds(c, facts) for c in ind.get("unless", []))
    ]
    return sorted(found, key=lambda f: -STRENGTH_WEIGHT[f.strength])


def level_of(strengths: list[str]) -> str:
    """none, low, medium or high from the strengths found.

    One strong indicator is enough for high (the Delphi indicators' 'strong' means it
    points to trafficking on its own); two medium ones make high; weak ones alone stay low
    unless three of them meet.
    """
    strong = strengths.count("strong")
    medium = strengths.count("medium")
    weak = strengths.count("weak")
    if strong or medium >= 2:
        return "high"
    if medium or weak >= 3:
        return "medium"
    if weak:
        return "low"
    return "none"


NEXT_STEP = {
    "high": "second_interview_now",
    "medium": "second_interview",
    "low": "ask_more",
    "none": "none",
}
