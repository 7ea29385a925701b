"""The records the engine links, the evidence it gives, and how birth dates are read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Evidence", "LinkInput", "ParsedDate", "ScoredPair", "parse_birth_date"]


@dataclass(frozen=True, slots=True)
class LinkInput:
    """One record to link; every field but ``id`` may be empty.

    ``birth_date`` is ``YYYY-MM-DD``, ``YYYY`` or empty; ``sex`` is ``M``, ``F`` or empty;
    ``village_code`` and ``district_code`` are Kemendagri codes (the district code is a
    prefix of the village code and is derived from it when empty); ``phone`` is read as
    an Indonesian or international number and compared in E.164 form.
    """

    id: str
    source: str
    full_name: str = ""
    birth_date: str = ""
    sex: str = ""
    village_code: str = ""
    district_code: str = ""
    phone: str = ""
    document_number: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one comparison came out for a pair: its level and weight (log2 Bayes factor).

    A positive weight speaks for the two records being one person, a negative one
    against; a missing field gives weight 0.
    """

    comparison: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A candidate pair with its total match weight, probability and per-field evidence.

    ``match_weight`` is the prior weight of the model plus the sum of the evidence
    weights; ``left_id`` < ``right_id``.
    """

    left_id: str
    right_id: str
    match_weight: float
    match_probability: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A birth date as the comparisons use it; ``month``/``day`` are None for a year only."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str | None:
        """``YYYY-MM-DD`` for a full date, None for a year only."""
        if self.month is None or self.day is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def ordinal(self) -> int | None:
        """Days since 0001-01-01 for a full date (to compare days apart), else None."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day).toordinal()


_DATE_RE: Final = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")
#: The oldest birth year taken as real; older ones are typing errors.
EARLIEST_YEAR: Final = 1900


def parse_birth_date(text: str, *, today: dt.date | None = None) -> ParsedDate | None:
    """Read ``YYYY-MM-DD`` or ``YYYY``; None when empty, malformed, impossible or in the future.

    A date that cannot be a birth date (2099, 1850, 2001-02-30) is treated as missing:
    the caller counts such dates rather than failing.
    """
    match = _DATE_RE.match(text.strip())
    if match is None:
        return None
    year = int(match.group(1))
    limit = (today or dt.date.today()).year
    if not EARLIEST_YEAR <= year <= limit:
        return None
    if match.group(2) is None:
        return ParsedDate(year)
    month, day = int(match.group(2)), int(match.group(3))
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if today is not None and date > today:
        return None
    return ParsedDate(year, month, day)


def is_date_text_invalid(text: str) -> bool:
    """Whether a non-empty birth date text is unusable (and so treated as missing)."""
    return bool(text.strip()) and parse_birth_date(text) is None
