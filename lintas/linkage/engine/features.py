"""The columns the comparisons and blocking rules read, computed once per record in Python.

Names go through the screening matcher's normalisation (honorifics, titles and
Portuguese particles dropped, old spellings mapped to today's, sound-alike keys), so
the SQL of the comparisons stays plain equality, array and Jaro-Winkler tests that
every Splink backend runs.

Blocking keys are built here too, and capped: a key shared by more than ``BLOCK_CAP``
records (a common name in a common birth year, a hotline number) is refined with a
second field, and dropped for the records whose refined key is still too common. Their
pairs are then left to the other rules. This keeps every rule below ``BLOCK_CAP``
squared over two pairs per block, so ten thousand people called "Maria Nahak" cannot
make fifty million pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from typing import Any, Final

from lintas.common.phones import phone_e164
from lintas.screening.matching.normalise import canonical_token, normalise_name, phonetic_key

from .records import LinkInput, parse_birth_date

__all__ = ["BLOCK_CAP", "BLOCK_KEYS", "COMMON_NAME_COUNT", "FeatureTable", "build_features"]

#: Most records that one blocking key may hold (about 20,000 pairs per block).
BLOCK_CAP: Final = 200
#: A name held by more records than this is "common": its exact agreement weighs less.
COMMON_NAME_COUNT: Final = 20

#: Blocking key -> the field that refines it when it is too common.
BLOCK_KEYS: Final = {
    "bk_name_year": "place",
    "bk_last_dob": "place",
    "bk_first_dob": "place",
    "bk_first_last_year": "place",
    "bk_name_place": "year",
    "bk_name": "year",
    "bk_first_last": "place",
    "bk_first_place": "year",
    "bk_last_place": "year",
    "bk_last_year": "place",
    "bk_phone": "first",
    "bk_document": "first",
}

type FeatureTable = dict[str, list[Any]]


@lru_cache(maxsize=1 << 18)
def _name(full_name: str) -> tuple[str, str, str, tuple[str, ...], str, str] | None:
    """written, sorted, phonetic, token keys, first and last token key; None if no name."""
    tokens = [t for t in normalise_name(full_name).tokens if len(t) > 1]
    if not tokens:
        return None
    canon = [canonical_token(t) for t in tokens]
    phon = [phonetic_key(t) for t in tokens]
    keys = tuple(sorted(set(phon)))
    return " ".join(canon), " ".join(sorted(canon)), " ".join(keys), keys, phon[0], phon[-1]


def district_of(village_code: str) -> str:
    """The district (kecamatan) part of a village code: ``53.04.01.2001`` -> ``53.04.01``."""
    if "." in village_code:
        return village_code.rsplit(".", 1)[0]
    if len(village_code) == 10 and village_code.isdigit():
        return village_code[:6]
    return ""


def _document(text: str) -> str | None:
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    return cleaned or None


def _join(*parts: object) -> str | None:
    if any(p is None or p == "" for p in parts):
        return None
    return "|".join(str(p) for p in parts)


def _cap(values: list[str | None], refine: Sequence[object]) -> list[str | None]:
    """Refine keys held by more than BLOCK_CAP records, then drop those still too common."""
    counts = Counter(v for v in values if v is not None)
    big = {k for k, n in counts.items() if n > BLOCK_CAP}
    if not big:
        return values
    out = [_join(v, r) if v in big else v for v, r in zip(values, refine, strict=True)]
    counts = Counter(v for v, old in zip(out, values, strict=True) if old in big and v)
    return [None if v is not None and counts.get(v, 0) > BLOCK_CAP else v for v in out]


def build_features(
    records: Sequence[LinkInput], *, new_ids: Collection[str] | None = None
) -> tuple[FeatureTable, int]:
    """The column table of ``records`` and the number of unusable birth dates.

    ``is_new`` marks the records in ``new_ids`` (all of them when it is None), so that
    an incremental run can keep only the pairs that touch one.
    """
    cols: FeatureTable = {
        name: []
        for name in [
            "unique_id",
            "source",
            "name_written",
            "name_sorted",
            "name_phon",
            "name_tokens",
            "name_first",
            "name_last",
            "birth_date",
            "birth_year",
            "birth_month",
            "birth_day",
            "birth_days",
            "sex",
            "village_code",
            "district_code",
            "phone",
            "document_number",
            "is_new",
        ]
    }
    bad_dates = 0
    wanted = None if new_ids is None else set(new_ids)
    places: list[str | None] = []
    for r in records:
        name = _name(r.full_name) if r.full_name else None
        date = parse_birth_date(r.birth_date) if r.birth_date.strip() else None
        bad_dates += bool(r.birth_date.strip()) and date is None
        village = r.village_code.strip() or None
        district = r.district_code.strip() or district_of(village or "") or None
        sex = r.sex.strip().upper()
        cols["unique_id"].append(r.id)
        cols["source"].append(r.source)
        for key, value in zip(
            ("name_written", "name_sorted", "name_phon", "name_tokens", "name_first", "name_last"),
            name or (None,) * 6,
            strict=True,
        ):
            cols[key].append(list(value) if isinstance(value, tuple) else value)
        cols["birth_date"].append(date.iso if date else None)
        cols["birth_year"].append(date.year if date else None)
        cols["birth_month"].append(date.month if date else None)
        cols["birth_day"].append(date.day if date else None)
        cols["birth_days"].append(date.ordinal if date else None)
        cols["sex"].append(sex if sex in ("M", "F") else None)
        cols["village_code"].append(village)
        cols["district_code"].append(district)
        cols["phone"].append(phone_e164(r.phone) if r.phone.strip() else None)
        cols["document_number"].append(_document(r.document_number))
        cols["is_new"].append(wanted is None or r.id in wanted)
        places.append(village or district)
    counts = Counter(v for v in cols["name_sorted"] if v is not None)
    cols["name_common"] = [
        v is not None and counts[v] > COMMON_NAME_COUNT for v in cols["name_sorted"]
    ]
    _add_block_keys(cols, places)
    return cols, bad_dates


def _add_block_keys(cols: FeatureTable, places: list[str | None]) -> None:
    years, dates = cols["birth_year"], cols["birth_date"]
    phon, first, last = cols["name_phon"], cols["name_first"], cols["name_last"]
    raw: dict[str, Iterable[str | None]] = {
        "bk_name_year": map(_join, phon, years),
        "bk_last_dob": map(_join, last, dates),
        "bk_first_dob": map(_join, first, dates),
        "bk_first_last_year": map(_join, first, last, years),
        "bk_name_place": map(_join, phon, places),
        "bk_name": phon,
        "bk_first_last": map(_join, first, last),
        "bk_first_place": map(_join, first, places),
        "bk_last_place": map(_join, last, places),
        "bk_last_year": map(_join, last, years),
        "bk_phone": cols["phone"],
        "bk_document": cols["document_number"],
    }
    refiners: dict[str, Sequence[object]] = {"place": places, "year": years, "first": first}
    for key, refine in BLOCK_KEYS.items():
        cols[key] = _cap(list(raw[key]), refiners[refine])
