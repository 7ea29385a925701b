"""Watch-list name matching for the names of East Nusa Tenggara and Timor-Leste.

Pure Python (no Django): ``normalise`` cleans names and gives spelling and phonetic
keys, ``score`` compares two people and explains why, ``index`` finds the best matches
for a query among a million entries, ``variants`` makes a labelled synthetic
population to measure all of it.
"""

from .index import Match, NameIndex, Row
from .normalise import NormalisedName, canonical_token, normalise_name, phonetic_key
from .score import (
    DEFAULT_THRESHOLD,
    WEAK_CAP,
    BirthDate,
    Comparison,
    Entry,
    Person,
    PersonLike,
    QueryScorer,
    Reason,
    compare,
    describe_reasons,
    score,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "WEAK_CAP",
    "BirthDate",
    "Comparison",
    "Entry",
    "Match",
    "NameIndex",
    "NormalisedName",
    "Person",
    "PersonLike",
    "QueryScorer",
    "Reason",
    "Row",
    "canonical_token",
    "compare",
    "describe_reasons",
    "normalise_name",
    "phonetic_key",
    "score",
]
