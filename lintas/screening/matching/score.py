"""Pairwise score of a query person against a watch-list entry, with reasons.

The score starts from a name similarity in [0, 1] (tokens aligned one to one, so that
reordered and dropped tokens are tolerated) and is then moved by the other fields: an
exact full birth date adds a little, a known kind of error (day and month swapped, one
day or one year off) a little less, a clearly different date removes a lot, a missing
one a little (the pair has less to go on); a conflicting sex or nationality removes
some, a missing one changes nothing.

Names alone are weak evidence in a region where "Maria" and "Nahak" are everywhere, so
a pair whose birth dates do not agree in full must agree on two name tokens in
spelling or sound (a year agreement lets one of them be a typo); otherwise the score is
capped below the threshold with the reason ``name_evidence_weak``.

Reasons are ``(code, params)`` pairs so that the UI can word them in Bahasa Indonesia;
``describe()`` gives English for the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from math import fsum
from typing import Final, NamedTuple, Protocol

from rapidfuzz.distance import OSA

from .normalise import canonical_token, normalise_name, phonetic_key

__all__ = [
    "DEFAULT_THRESHOLD",
    "SUPPORT_FULL",
    "SUPPORT_NONE",
    "SUPPORT_YEAR",
    "WEAK_CAP",
    "BirthDate",
    "Comparison",
    "Entry",
    "Person",
    "PersonLike",
    "QueryScorer",
    "Reason",
    "compare",
    "date_agreement",
    "describe_reasons",
    "encode_birth_date",
    "encode_nationality",
    "encode_sex",
    "score",
    "token_similarity",
]

#: Score at or above which a pair is an alert (chosen on the labelled set of
#: ``variants.py`` with bench/name_matching.py).
DEFAULT_THRESHOLD: Final = 0.85
#: Ceiling for pairs without enough evidence to be an alert (below the threshold, so a
#: UI may still list them as weak candidates with a lower threshold).
WEAK_CAP: Final = 0.8

BirthDate = dt.date | int | None

# Token similarities.  Typos on short tokens earn less because one edit turns a short
# clan name into another real one (Taek/Tae, Nope/Nape).
_SPELLING: Final = 0.97
_PHONETIC: Final = 0.93
_INITIAL: Final = 0.85
_ONE_EDIT: Final = {3: 0.7, 4: 0.8, 5: 0.85}
_ONE_EDIT_LONG: Final = 0.9
_TWO_EDITS: Final = 0.75
# A name that covers only part of the other keeps at least this share of its score.
_COVER_BASE: Final = 0.7
_REORDER_PENALTY: Final = 0.01
_ONLY_INITIALS: Final = 0.5
_SEX_CONFLICT: Final = -0.15
_NATIONALITY_CONFLICT: Final = -0.10

# How much the birth dates support the name: none, the year, the full date.
SUPPORT_NONE, SUPPORT_YEAR, SUPPORT_FULL = 0, 1, 2
# code -> (score change, support)
_DATE_RULES: Final = {
    "birth_date_missing": (-0.03, SUPPORT_NONE),
    "birth_date_exact": (0.08, SUPPORT_FULL),
    "birth_date_day_month_swapped": (0.04, SUPPORT_FULL),
    "birth_date_off_by_one_day": (0.04, SUPPORT_FULL),
    "birth_date_off_by_one_year": (0.03, SUPPORT_FULL),
    "birth_date_typo": (-0.1, SUPPORT_NONE),
    "birth_year_match": (0.02, SUPPORT_YEAR),
    "birth_year_off_by_one": (-0.03, SUPPORT_YEAR),
    "birth_date_differs": (-0.2, SUPPORT_NONE),
    "birth_date_conflict": (-0.4, SUPPORT_NONE),
}

# _LOOSE is a sound-alike pair of short tokens (Poni/Funi): scored and counted like a
# typo, reported as a phonetic variant.
_EXACT, _SPELL, _PHON, _LOOSE, _TYPO, _INIT = range(6)
_BEST_DATE: Final = _DATE_RULES["birth_date_exact"][0]
_TOKEN_CODES: Final = {
    _SPELL: "spelling_variant",
    _PHON: "phonetic_variant",
    _LOOSE: "phonetic_variant",
    _TYPO: "typo",
}


class Reason(NamedTuple):
    """One reason: a stable code and its parameters (plain strings and ints)."""

    code: str
    params: Mapping[str, str | int]


class PersonLike(Protocol):
    """Anything with the four compared fields: queries, entries, model instances."""

    @property
    def full_name(self) -> str: ...
    @property
    def birth_date(self) -> BirthDate: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def nationality(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Person:
    """A person to screen: birth date as a date, a year, or None; sex "M"/"F"/None."""

    full_name: str
    birth_date: BirthDate = None
    sex: str | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A watch-list entry: a person with the id of its record."""

    id: str
    full_name: str
    birth_date: BirthDate = None
    sex: str | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """The score of a pair, its reasons, and the evidence the index needs.

    ``support`` is SUPPORT_NONE/YEAR/FULL (how far the birth dates agree),
    ``matched`` the entry's name tokens (not initials) that found a partner and
    ``unmatched`` the number of name tokens, on both sides, that found none.
    ``rank`` is the score before it is clipped at 1.0, to order pairs that both
    reach 1.0 (an exact match before a spelling variant one day off).
    """

    score: float
    reasons: tuple[Reason, ...]
    support: int = SUPPORT_NONE
    matched: tuple[str, ...] = ()
    unmatched: int = 0
    rank: float = 0.0

    def describe(self) -> str:
        """English one-line summary, for the CLI and debugging."""
        return f"{self.score:.3f}: {describe_reasons(self.reasons)}"


def encode_birth_date(value: BirthDate) -> int:
    """Pack a birth date as YYYYMMDD, a year as YYYY0000 and None as 0."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return value.year * 10000 + value.month * 100 + value.day
    if not 1 <= value <= 9999:
        raise ValueError(f"birth year out of range: {value}")
    return value * 10000


def encode_sex(value: str | None) -> int:
    """0 for unknown, 1 for "M", 2 for "F"; anything else is unknown."""
    return {"M": 1, "F": 2}.get((value or "").strip().upper(), 0)


def encode_nationality(value: str | None) -> str | None:
    """Upper-case ISO alpha-3 code, or None when missing or blank."""
    return (value or "").strip().upper() or None


def _edits(a: str, b: str, ca: str, cb: str) -> int:
    # The clean form keeps doubled letters (Nneo/Neno is one transposition), the
    # canonical form hides an old spelling next to a typo.  The phonetic form may only
    # turn two edits into one, on long tokens: on short ones it merges real names.
    edits = min(OSA.distance(a, b, score_cutoff=2), OSA.distance(ca, cb, score_cutoff=2))
    long_tokens = min(len(ca), len(cb)) >= 6
    if edits > 1 and long_tokens and OSA.distance(phonetic_key(a), phonetic_key(b)) <= 1:
        edits = 1
    return edits


def token_similarity(a: str, b: str) -> tuple[float, int]:
    """Similarity of two clean tokens and the kind of agreement; symmetric."""
    if a == b:
        return 1.0, _EXACT
    return _token_similarity(a, b) if a < b else _token_similarity(b, a)


# Common tokens meet again and again across queries ("maria" against every other name).
@lru_cache(maxsize=1 << 17)
def _token_similarity(a: str, b: str) -> tuple[float, int]:
    if abs(len(a) - len(b)) > 3 and len(a) > 1 and len(b) > 1:
        # Cheap exit; an initial against a name goes on.
        return 0.0, _EXACT
    ca, cb = canonical_token(a), canonical_token(b)
    if len(a) == 1 or len(b) == 1:
        # An initial agrees with a token that starts with the same letter, as written
        # (D. for Djara) or as spelled today (J. for Yohanes).
        if len(a) != len(b) and (a[0] == b[0] or ca[0] == cb[0]):
            return _INITIAL, _INIT
        return 0.0, _EXACT
    if ca == cb:
        return _SPELLING, _SPELL
    shortest = min(len(a), len(b))
    if phonetic_key(a) == phonetic_key(b):
        # Short names that only sound alike are often different names (Ketut/Ketot,
        # Bane/Bani): they count like a typo, not like a spelling variant.
        if shortest >= 6:
            return _PHONETIC, _PHON
        return _ONE_EDIT.get(shortest, _ONE_EDIT_LONG), _LOOSE
    if shortest < 3 or max(len(a), len(b)) < 4 or (a[0] != b[0] and ca[0] != cb[0]):
        # Typos are not looked for in the first letter, which is seldom mistyped:
        # this exit spares most pairs of different names the edit distances.
        return 0.0, _EXACT
    edits = _edits(a, b, ca, cb)
    if edits == 1:
        return _ONE_EDIT.get(shortest, _ONE_EDIT_LONG), _TYPO
    if edits == 2 and shortest >= 7:
        return _TWO_EDITS, _TYPO
    return 0.0, _EXACT


def _years_code(years: int) -> str:
    return "birth_year_match" if years == 0 else "birth_year_off_by_one"


def date_agreement(q: int, e: int) -> tuple[str, int]:
    """Reason code and year gap for two encoded birth dates (see ``_DATE_RULES``)."""
    if not q or not e:
        return "birth_date_missing", 0
    qy, ey = q // 10000, e // 10000
    years = abs(qy - ey)
    qmd, emd = q % 10000, e % 10000
    if not qmd or not emd:
        return (_years_code(years), years) if years <= 1 else ("birth_date_conflict", years)
    if q == e:
        return "birth_date_exact", 0
    if years == 0 and qmd == (emd % 100) * 100 + emd // 100:
        return "birth_date_day_month_swapped", 0
    if years <= 1:
        try:
            gap = dt.date(qy, qmd // 100, qmd % 100) - dt.date(ey, emd // 100, emd % 100)
        except ValueError:
            gap = dt.timedelta(0)
        if abs(gap.days) == 1:
            return "birth_date_off_by_one_day", 0
        if qmd == emd:
            return "birth_date_off_by_one_year", 1
    if years == 0:
        # One wrong digit of the day or month is a typing error; a wrong year digit
        # is not assumed, as it would hide people born decades apart.
        if sum(x != y for x, y in zip(f"{qmd:04d}", f"{emd:04d}", strict=True)) == 1:
            return "birth_date_typo", 0
        return "birth_date_differs", 0
    return "birth_date_conflict", years


_SEXES: Final = ("", "M", "F")


class _NamePart(NamedTuple):
    value: float
    matched: list[tuple[int, int, int]]
    solid: int
    firm: int
    matched_tokens: tuple[str, ...]
    unmatched: int
    complete: bool


class QueryScorer:
    """Scores one query against many entries, caching token similarities.

    The index calls it with entries' clean tokens and encoded fields; ``compare()``
    gives the same result on the original records.
    """

    __slots__ = ("date", "names", "nationality", "only_initials", "rows", "sex", "tokens")

    def __init__(self, query: PersonLike) -> None:
        self.tokens: tuple[str, ...] = normalise_name(query.full_name).tokens
        self.date = encode_birth_date(query.birth_date)
        self.sex = encode_sex(query.sex)
        self.nationality = encode_nationality(query.nationality)
        self.only_initials = all(len(t) == 1 for t in self.tokens)
        self.rows: dict[str, list[tuple[float, str, str, int, int]]] = {}
        self.names: dict[str, _NamePart] = {}

    def _row(self, token: str) -> list[tuple[float, str, str, int, int]]:
        """Query tokens that agree with an entry token: (sim, lo, hi, i, kind).

        ``lo``/``hi`` are the two token strings in order: ties in the alignment are
        broken on them rather than on positions, so that the score stays symmetric.
        """
        row = self.rows.get(token)
        if row is None:
            row = self.rows[token] = []
            for i, qt in enumerate(self.tokens):
                sim, kind = token_similarity(qt, token)
                if sim > 0.0:
                    row.append((sim, min(qt, token), max(qt, token), i, kind))
            row.sort(reverse=True)
        return row

    def _align(self, etoks: Sequence[str]) -> tuple[float, list[tuple[int, int, int]]]:
        """Greedy one-to-one alignment: the name score and matched (i, j, kind)."""
        nq, ne = len(self.tokens), len(etoks)
        if not nq or not ne:
            return 0.0, []
        known = self.rows
        rows = [known[et] if et in known else self._row(et) for et in etoks]
        matched = [(row[0][3], j, row[0][4]) for j, row in enumerate(rows) if row]
        sims = [row[0][0] for row in rows if row]
        if len({i for i, _, _ in matched}) < len(matched):
            # Two entry tokens want the same query token: greedy over all pairs.  When
            # they do not, greedy would take each one's best, as above.
            cells = sorted(((*cell, j) for j, row in enumerate(rows) for cell in row), reverse=True)
            used_q = used_e = 0
            matched, sims = [], []
            for sim, _, _, i, kind, j in cells:
                if not (used_q >> i) & 1 and not (used_e >> j) & 1:
                    used_q |= 1 << i
                    used_e |= 1 << j
                    sims.append(sim)
                    matched.append((i, j, kind))
        # fsum does not depend on the order of the terms, so the score stays symmetric.
        value = (
            fsum(sims)
            / min(nq, ne)
            * (_COVER_BASE + (1 - _COVER_BASE) * len(matched) / max(nq, ne))
        )
        # An entry of initials only has one letter per token.
        if (self.only_initials and nq <= ne) or (ne <= nq and sum(map(len, etoks)) == ne):
            value *= _ONLY_INITIALS
        return value, matched

    def _name(self, name: str, floor: float) -> _NamePart:
        """The name part of a comparison, once per distinct entry name and query.

        A name that cannot reach ``floor`` even with an exact birth date is kept
        unfinished (only its upper bound ``value``), which is all the index needs.
        """
        part = self.names.get(name)
        if part is not None and (part.complete or part.value + _BEST_DATE < floor):
            return part
        etoks = name.split()
        value, matched = self._align(etoks)
        if value + _BEST_DATE < floor:
            part = self.names[name] = _NamePart(value, matched, 0, 0, (), 0, False)
            return part
        if len(matched) > 1:
            matched.sort()
            if any(a[1] > b[1] for a, b in pairwise(matched)):
                value -= _REORDER_PENALTY
        # Initials never count as evidence, even when they agree exactly.  "Solid"
        # tokens agree in spelling or sound, "firm" ones at least as a long typo.
        solid = firm = 0
        matched_tokens = []
        for i, j, kind in matched:
            if kind != _INIT and len(etoks[j]) > 1:
                matched_tokens.append(etoks[j])
                if kind <= _PHON:
                    solid += 1
                    firm += 1
                elif min(len(self.tokens[i]), len(etoks[j])) >= 6:
                    firm += 1
        unmatched = len(self.tokens) + len(etoks) - 2 * len(matched)
        part = _NamePart(value, matched, solid, firm, tuple(matched_tokens), unmatched, True)
        self.names[name] = part
        return part

    def evaluate(
        self,
        name: str,
        date: int,
        sex: int,
        nationality: str | None,
        explain: bool,
        floor: float = 0.0,
    ) -> Comparison:
        """Score an entry given as its clean name (``NormalisedName.text``) and encoded
        fields.

        A pair that cannot reach ``floor`` even with an exact birth date is not
        scored further and comes back with score 0.0 (the index passes its threshold).
        """
        part = self._name(name, floor)
        if part.value + _BEST_DATE < floor:
            return Comparison(0.0, ())
        code, years = date_agreement(self.date, date)
        delta, support = _DATE_RULES[code]
        value = part.value + delta
        solid, firm = part.solid, part.firm
        weak = (
            solid < 2
            if support == SUPPORT_NONE
            else support == SUPPORT_YEAR and (solid < 1 or firm < 2)
        )
        sex_conflict = bool(self.sex and sex and self.sex != sex)
        nat_conflict = bool(self.nationality and nationality and self.nationality != nationality)
        value += _SEX_CONFLICT * sex_conflict + _NATIONALITY_CONFLICT * nat_conflict
        rank = min(WEAK_CAP, value) if weak else value
        value = min(1.0, max(0.0, rank))
        if not explain:
            return Comparison(value, (), support, part.matched_tokens, part.unmatched, rank)
        reasons = self._name_reasons(name.split(), part.matched)
        reasons.append(Reason(code, self._date_params(code, date, years)))
        if weak:
            reasons.append(Reason("name_evidence_weak", {}))
        if self.sex and sex:
            if sex_conflict:
                pair = {"query": _SEXES[self.sex], "entry": _SEXES[sex]}
                reasons.append(Reason("sex_conflict", pair))
            else:
                reasons.append(Reason("sex_match", {"sex": _SEXES[sex]}))
        if self.nationality and nationality:
            if nat_conflict:
                pair = {"query": self.nationality, "entry": nationality}
                reasons.append(Reason("nationality_conflict", pair))
            else:
                reasons.append(Reason("nationality_match", {"nationality": nationality}))
        return Comparison(value, tuple(reasons), support, part.matched_tokens, part.unmatched, rank)

    def _name_reasons(
        self, etoks: Sequence[str], matched: list[tuple[int, int, int]]
    ) -> list[Reason]:
        reasons: list[Reason] = []
        for i, j, kind in matched:
            qt, et = self.tokens[i], etoks[j]
            pair: dict[str, str | int] = {"query": qt.capitalize(), "entry": et.capitalize()}
            if kind == _INIT:
                reasons.append(Reason("initial", pair))
            elif kind != _EXACT:
                if kind == _TYPO:
                    pair["edits"] = _edits(qt, et, canonical_token(qt), canonical_token(et))
                reasons.append(Reason(_TOKEN_CODES[kind], pair))
        if [j for _, j, _ in matched] != sorted(j for _, j, _ in matched):
            reasons.append(Reason("tokens_reordered", {}))
        seen_q = {i for i, _, _ in matched}
        seen_e = {j for _, j, _ in matched}
        reasons.extend(
            Reason("token_missing", {"token": et.capitalize()})
            for j, et in enumerate(etoks)
            if j not in seen_e
        )
        reasons.extend(
            Reason("token_extra", {"token": qt.capitalize()})
            for i, qt in enumerate(self.tokens)
            if i not in seen_q
        )
        if len(matched) == len(self.tokens) == len(etoks) and not reasons:
            reasons.append(Reason("name_exact", {}))
        return reasons

    def _date_params(self, code: str, date: int, years: int) -> dict[str, str | int]:
        if code == "birth_date_missing":
            side = "both" if not (self.date or date) else ("query" if not self.date else "entry")
            return {"side": side}
        return {"years": years} if code == "birth_date_conflict" else {}


def compare(query: PersonLike, entry: PersonLike) -> Comparison:
    """Score ``query`` against ``entry`` and explain the result."""
    return QueryScorer(query).evaluate(
        normalise_name(entry.full_name).text,
        encode_birth_date(entry.birth_date),
        encode_sex(entry.sex),
        encode_nationality(entry.nationality),
        True,
    )


def score(query: PersonLike, entry: PersonLike) -> float:
    """The score of ``compare(query, entry)``, in [0, 1]."""
    return compare(query, entry).score


_TEMPLATES: Final = {
    "name_exact": "names agree",
    "spelling_variant": "{query} and {entry} are spellings of one name",
    "phonetic_variant": "{query} and {entry} sound alike",
    "typo": "{query} and {entry} differ by {edits} edit(s)",
    "initial": "{query} and {entry} agree as an initial",
    "tokens_reordered": "name parts in another order",
    "token_missing": "{token} of the entry is not in the query",
    "token_extra": "{token} of the query is not in the entry",
    "birth_date_exact": "same birth date",
    "birth_date_day_month_swapped": "birth date with day and month swapped",
    "birth_date_off_by_one_day": "birth dates one day apart",
    "birth_date_off_by_one_year": "birth dates one year apart, same day",
    "birth_date_typo": "birth dates differ in one digit of day or month",
    "birth_date_differs": "different birth dates in the same year",
    "birth_year_match": "same birth year",
    "birth_year_off_by_one": "birth years one apart",
    "birth_date_conflict": "birth years {years} apart",
    "birth_date_missing": "birth date missing ({side})",
    "name_evidence_weak": "too little name agreement without a matching birth date",
    "common_name": "name shared by {entries} entries and no full birth date to tell them apart",
    "sex_match": "same sex",
    "sex_conflict": "sex differs ({query} vs {entry})",
    "nationality_match": "same nationality",
    "nationality_conflict": "nationality differs ({query} vs {entry})",
}


def describe_reasons(reasons: Sequence[Reason]) -> str:
    """English rendering of reasons, joined by "; "."""
    parts = []
    for code, params in reasons:
        try:
            parts.append(_TEMPLATES.get(code, code).format(**params))
        except KeyError:
            parts.append(code)
    return "; ".join(parts)
