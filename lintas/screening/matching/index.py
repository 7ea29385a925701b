"""An in-memory index over a large watch list: blocking keys, then scoring.

Every entry is posted under the phonetic key of each of its name tokens and under each
unordered pair of those keys.  Posting lists are ``array('i')`` of entry numbers kept in
birth-date order, so that bisection reads only the part of a list that a query's birth
date can match, even for keys as common as "maria" (about one entry in five).

A query reads:

1. the pairs of its own keys (reordered and dropped tokens keep at least one pair),
   limited to birth years within one of the query's, plus entries without a date;
2. pairs in which one key is replaced by a near key of the vocabulary (typos), found
   through a deletion neighbourhood of the clean and canonical spellings of all tokens;
3. with a full query birth date only, its single keys and near single keys, limited
   to the seven birth dates the scorer takes as the same (single names, one surviving
   token, initials).

Entries met under more keys share more of the name and are scored first; at most
``budget`` are scored.  Lists that could only give capped hits are not read: a crowded
pair without any date to narrow it, a common single token beside other tokens.

A hit without a full birth-date agreement is capped below the threshold (reason
``common_name``) when more than ``common_limit`` entries share its matched name, and a
hit resting on one token with others unmatched when that token is so common that an
entry with the same birth date is expected by chance: such alerts tell nobody apart.

Entries live in parallel arrays (clean names, packed dates, sex codes, nationality
numbers); ``add()`` keeps every list in date order so the index can follow a table.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from rapidfuzz.distance import OSA

from .normalise import canonical_token, normalise_name, phonetic_key
from .score import (
    DEFAULT_THRESHOLD,
    SUPPORT_FULL,
    SUPPORT_NONE,
    WEAK_CAP,
    BirthDate,
    Comparison,
    PersonLike,
    QueryScorer,
    Reason,
    describe_reasons,
    encode_birth_date,
    encode_nationality,
    encode_sex,
)

__all__ = ["DEFAULT_BUDGET", "DEFAULT_COMMON_LIMIT", "Match", "NameIndex", "Row"]

#: Candidates scored per query at most (5 to 15 microseconds each).
DEFAULT_BUDGET: Final = 200
#: Namesakes beyond which a match without a full birth date is not an alert.
DEFAULT_COMMON_LIMIT: Final = 10
#: Near keys tried per query token (closest first), and in pairs.
_MAX_NEAR: Final = 12
_MAX_NEAR_PAIR: Final = 3
_MIN_NEAR: Final = 4
#: Spread of birth dates in days, to estimate chance agreements of full dates.
_DAYS: Final = 365 * 70
#: Expected chance namesakes on the same birth date above which a hit resting on
#: one name token is not specific.
_COINCIDENCE: Final = 0.2
#: Full dates ``_same_dates`` gives at most.
_SAME_DATES: Final = 7

#: A plain row, as a database query gives it: (id, full_name, birth_date, sex, nationality).
Row = tuple[str, str, BirthDate, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Match:
    """One alert: the entry id, its score and the reasons."""

    id: str
    score: float
    reasons: tuple[Reason, ...]

    def describe(self) -> str:
        """English summary for the CLI and debugging."""
        return f"{self.id} {self.score:.3f}: {describe_reasons(self.reasons)}"


def _deletions(text: str) -> Iterator[str]:
    for i in range(len(text)):
        yield text[:i] + text[i + 1 :]


def _same_dates(encoded: int) -> list[int]:
    """Full entry dates the scorer takes as the same as a full query date."""
    year, md = divmod(encoded, 10000)
    day = dt.date(year, md // 100, md % 100)
    out = {encoded}
    for step in (-1, 1):
        with suppress(OverflowError):  # 1 January of year 1, 31 December 9999
            out.add(encode_birth_date(day + dt.timedelta(days=step)))
    out.update({(year - 1) * 10000 + md, (year + 1) * 10000 + md})
    swapped = (md % 100) * 100 + md // 100
    if 101 <= swapped <= 1231:
        out.add(year * 10000 + swapped)
    return sorted(out)


class NameIndex:
    """Watch-list index: ``build()`` it once, ``add()`` new entries, ``search()``."""

    def __init__(
        self, *, budget: int = DEFAULT_BUDGET, common_limit: int = DEFAULT_COMMON_LIMIT
    ) -> None:
        self.budget = budget
        self.common_limit = common_limit
        self._ids: list[str] = []
        self._names: list[str] = []
        self._dates = array("i")
        self._sexes = bytearray()
        self._nats = array("H")
        self._nat_codes: list[str | None] = [None]
        self._nat_numbers: dict[str | None, int] = {None: 0}
        self._postings: dict[str, array[int]] = {}
        self._near: dict[str, list[str]] = {}
        self._vocabulary: set[str] = set()
        self._sorted = True

    @classmethod
    def build(
        cls,
        entries: Iterable[PersonLike | Row],
        *,
        budget: int = DEFAULT_BUDGET,
        common_limit: int = DEFAULT_COMMON_LIMIT,
    ) -> NameIndex:
        """Build an index from entries (with an ``id``) or plain rows."""
        index = cls(budget=budget, common_limit=common_limit)
        index._sorted = False
        for entry in entries:
            index._append(entry)
        date_of = index._dates.__getitem__
        for key, posting in index._postings.items():
            if len(posting) > 1:
                index._postings[key] = array("i", sorted(posting, key=date_of))
        index._sorted = True
        return index

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def names(self) -> list[str]:
        """Clean names of the entries by entry number; do not modify."""
        return self._names

    def add(self, entry: PersonLike | Row) -> None:
        """Add one entry; it can be found by the next search."""
        self._append(entry)

    def _append(self, entry: PersonLike | Row) -> None:
        if isinstance(entry, tuple):
            ident, name, birth, sex, nat = entry
        else:
            ident, name = str(getattr(entry, "id", "")), entry.full_name
            birth, sex, nat = entry.birth_date, entry.sex, entry.nationality
        number = len(self._ids)
        tokens = normalise_name(name).tokens
        date = encode_birth_date(birth)
        nat_code = encode_nationality(nat)
        nat_number = self._nat_numbers.setdefault(nat_code, len(self._nat_codes))
        if nat_number == len(self._nat_codes):
            self._nat_codes.append(nat_code)
        self._ids.append(ident)
        self._names.append(" ".join(tokens))
        self._dates.append(date)
        self._sexes.append(encode_sex(sex))
        self._nats.append(nat_number)
        codes = sorted({phonetic_key(t) for t in tokens if len(t) > 1})
        for token in tokens:
            self._add_near(token)
        for key in codes + [f"{a} {b}" for a, b in combinations(codes, 2)]:
            posting = self._postings.get(key)
            if posting is None:
                self._postings[key] = array("i", (number,))
            elif self._sorted:
                where = bisect_right(posting, date, key=self._dates.__getitem__)
                posting.insert(where, number)
            else:
                posting.append(number)

    def _add_near(self, token: str) -> None:
        if token in self._vocabulary:
            return
        self._vocabulary.add(token)
        code = phonetic_key(token)
        for variant in self._variants(token):
            codes = self._near.setdefault(variant, [])
            if code not in codes:
                codes.append(code)

    @staticmethod
    def _variants(token: str) -> set[str]:
        """The clean and canonical spellings of ``token`` and their one-letter deletions.

        Both forms are needed: "Ysoef" is one transposition from "Yosef" as written,
        but its canonical form ("ysuf", as if "oe" were the old u) is not.
        """
        out: set[str] = set()
        for form in (token, canonical_token(token)):
            if len(form) >= _MIN_NEAR - 1:
                out.add(form)
            if len(form) >= _MIN_NEAR:
                out.update(_deletions(form))
        return out

    def _near_codes(self, token: str) -> list[str]:
        """Codes of vocabulary tokens about one edit from ``token``, closest first.

        Codes much rarer than the token's own are left out: a typo usually lands on a
        rare or unknown spelling, while the neighbours of a well-spelled common name
        ("Maria") are other, rarer names ("Marta").
        """
        own = phonetic_key(token)
        postings = self._postings
        floor = len(postings.get(own, ())) // 8
        found: dict[str, None] = {}
        for variant in self._variants(token):
            found.update(dict.fromkeys(self._near.get(variant, ())))
        ranked = [
            (OSA.distance(own, code), -len(postings.get(code, ())), code)
            for code in found
            if code != own and len(postings.get(code, ())) > floor
        ]
        ranked.sort()
        return [code for *_, code in ranked[:_MAX_NEAR]]

    def _slice(self, posting: array[int], lo: int, hi: int) -> array[int]:
        """Entries of ``posting`` with encoded birth dates in [lo, hi]."""
        date_of = self._dates.__getitem__
        start = bisect_left(posting, lo, key=date_of)
        return posting[start : bisect_right(posting, hi, lo=start, key=date_of)]

    def _window(self, posting: array[int], year: int, undated: bool = True) -> list[array[int]]:
        """Entries of ``posting`` born within a year of ``year`` (all, if 0), and
        those without a birth date if ``undated``."""
        if not year:
            return [posting]
        window = self._slice(posting, (year - 1) * 10000, year * 10000 + 19999)
        return [self._slice(posting, 0, 0), window] if undated else [window]

    def _common(self, code: str) -> bool:
        """Whether one token with this code, even with a matching birth date, is
        too common to single anyone out (see ``_namesakes``)."""
        return len(self._postings.get(code, ())) * _SAME_DATES / _DAYS > _COINCIDENCE

    def candidates(self, scorer: QueryScorer) -> list[int]:
        """Entry numbers worth scoring for a prepared query, surest keys first."""
        tokens = {phonetic_key(t): t for t in scorer.tokens if len(t) > 1}
        codes = sorted(tokens)
        near = {c: self._near_codes(tokens[c]) for c in codes}
        year, full_date = scorer.date // 10000, scorer.date % 10000 != 0
        postings = self._postings
        # Hits without a full date agreement on a name shared by many are capped, so
        # neither a dateless query nor the dateless entries of such lists are read.
        crowded = 4 * self.common_limit
        parts: list[tuple[int, int, array[int]]] = []
        for a, b in combinations(codes, 2):
            for x in (a, *near[a][:_MAX_NEAR_PAIR]):
                for y in (b, *near[b][:_MAX_NEAR_PAIR]) if x == a else (b,):
                    posting = postings.get(f"{x} {y}" if x < y else f"{y} {x}")
                    if posting is None or (not year and len(posting) > crowded):
                        continue
                    tier = 0 if (x, y) == (a, b) else 1
                    for part in self._window(posting, year, len(posting) <= crowded):
                        if part:
                            parts.append((tier, len(part), part))
        if full_date:
            same = _same_dates(scorer.date)
            for code in codes:
                for tier, other in ((2, code), *((3, n) for n in near[code])):
                    posting = postings.get(other)
                    # A single common token can only give capped hits beside others.
                    if posting is None or (len(codes) > 1 and self._common(other)):
                        continue
                    for d in same:
                        part = self._slice(posting, d, d)
                        if part:
                            parts.append((tier, len(part), part))
        # Entries found under more keys share more of the name; among equals the
        # surer and smaller lists come first (the sort is stable).
        parts.sort(key=lambda part: part[:2])
        hits: Counter[int] = Counter()
        for _, _, part in parts:
            hits.update(part)
        if len(hits) <= self.budget:
            return list(hits)
        return sorted(hits, key=hits.__getitem__, reverse=True)[: self.budget]

    def search(
        self, query: PersonLike, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
    ) -> list[Match]:
        """Entries scoring at least ``threshold`` against ``query``, best first."""
        scorer = QueryScorer(query)
        names, dates, sexes, nats, nat_codes = (
            self._names, self._dates, self._sexes, self._nats, self._nat_codes
        )  # fmt: skip
        hits: list[tuple[float, float, str, int]] = []
        common: dict[tuple[tuple[str, ...], int, bool], int] = {}
        for e in self.candidates(scorer):
            nat = nat_codes[nats[e]]
            found = scorer.evaluate(names[e], dates[e], sexes[e], nat, False, threshold)
            value, rank = found.score, found.rank
            if value >= threshold and value > WEAK_CAP and self._namesakes(found, scorer, common):
                value = rank = WEAK_CAP
            if value >= threshold:
                hits.append((-value, -rank, self._ids[e], e))
        hits.sort()
        return [self._match(scorer, e, common) for *_, e in hits[:limit]]

    def _namesakes(
        self,
        found: Comparison,
        scorer: QueryScorer,
        cache: dict[tuple[tuple[str, ...], int, bool], int],
    ) -> int:
        """Namesakes that make a hit unspecific, or 0 when it is specific enough.

        Without a full birth-date agreement: the entries sharing the matched name (in
        the query's birth years, if the years agree), when more than ``common_limit``.
        With one: only a hit resting on a single name token while other tokens went
        unmatched is checked, against the expected number of entries that share that
        token and a birth date the scorer takes as the same.
        """
        key = (found.matched, found.support, found.unmatched > 0)
        count = cache.get(key)
        if count is not None:
            return count
        codes = sorted({phonetic_key(t) for t in found.matched})
        count = 0
        if found.support == SUPPORT_FULL:
            if len(codes) == 1 and found.unmatched and self._common(codes[0]):
                count = len(self._postings[codes[0]])
        elif codes:
            year = scorer.date // 10000 if found.support != SUPPORT_NONE else 0
            keys = [f"{a} {b}" for a, b in combinations(codes, 2)] or codes
            shortest = min((self._postings.get(k, array("i")) for k in keys), key=len)
            count = self._count_names(self._window(shortest, year, not year), found.matched)
            count = count if count > self.common_limit else 0
        cache[key] = count
        return count

    def _count_names(self, parts: list[array[int]], tokens: tuple[str, ...]) -> int:
        """Entries in ``parts`` whose names hold all ``tokens`` in canonical spelling.

        Long lists are taken as they are: phonetic keys merge a few spellings, not
        enough to bring hundreds of entries under the limit.
        """
        size = sum(len(p) for p in parts)
        if size > 20 * self.common_limit:
            return size
        wanted = {canonical_token(t) for t in tokens}
        names = self._names
        return sum(
            1
            for part in parts
            for e in part
            if wanted <= {canonical_token(t) for t in names[e].split()}
        )

    def _match(
        self, scorer: QueryScorer, e: int, common: dict[tuple[tuple[str, ...], int, bool], int]
    ) -> Match:
        nat = self._nat_codes[self._nats[e]]
        found = scorer.evaluate(self._names[e], self._dates[e], self._sexes[e], nat, True)
        value, reasons = found.score, found.reasons
        count = common.get((found.matched, found.support, found.unmatched > 0), 0)
        if count and value > WEAK_CAP:
            value = WEAK_CAP
            reasons += (Reason("common_name", {"entries": count}),)
        return Match(self._ids[e], value, reasons)

    def stats(self) -> dict[str, int]:
        """Sizes of the structures, for benchmarks and monitoring."""
        lengths = [len(p) for p in self._postings.values()]
        return {
            "entries": len(self._ids),
            "keys": len(lengths),
            "postings": sum(lengths),
            "longest_posting": max(lengths, default=0),
            "near_variants": len(self._near),
        }
