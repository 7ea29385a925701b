"""Reading and checking a NIK (Nomor Induk Kependudukan), the number on every Indonesian KTP.

Sixteen digits: province (2), regency or city (2), district (2) where the number was issued,
the birth date as DDMMYY with 40 added to the day for women, and a serial (4) that is never
0000. The area part is checked against every province, regency and district of Indonesia
(``data/idn-area-codes``, from ``idn-area-data`` 4.0.1, ODbL), not only against the
province's own reference tables.

A NIK is kept for life, so the area part is where the number was *issued*, not where its
holder lives today. Two things follow:

- districts are split and renumbered over the years: a district code that is not in today's
  list, under a regency that is, is a warning (``district_not_current``), never a refusal;
- whole regencies moved to new provinces (Kalimantan Utara in 2012, the four new Papuan
  provinces in 2022) and took new codes; a NIK issued before carries the former code, which
  ``former_regencies.csv`` maps to today's (warning ``regency_moved``).

Needs no database and no settings: the desk, the hub and ``lintas nik check`` share it.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

CODES_DIR = Path(__file__).resolve().parent / "data" / "idn-area-codes"

# Problem codes, stable: programs read them from ``lintas nik check``.
ERRORS = {
    "length": "A NIK has exactly 16 digits.",
    "not_digits": "A NIK has only the digits 0 to 9.",
    "unknown_province": "The first two digits are no Indonesian province.",
    "unknown_regency": "Digits 3 and 4 are no regency or city of that province.",
    "impossible_date": "Digits 7 to 12 are no real birth date (women: day plus 40).",
    "serial_zero": "The last four digits (the serial) are never 0000.",
    "birth_date_mismatch": "The birth date given does not match the NIK.",
    "sex_mismatch": "The sex given does not match the NIK (women: day plus 40).",
}
WARNINGS = {
    "district_not_current": (
        "Digits 5 and 6 are no current district of that regency; districts are split and "
        "renumbered, and a NIK keeps its first code."
    ),
    "regency_moved": "The regency has moved to another province since; the NIK keeps its code.",
}


@dataclass(frozen=True)
class AreaCodes:
    provinces: dict[str, str]
    regencies: dict[str, str]
    districts: dict[str, str]
    # former regency code -> current regency code
    moved: dict[str, str]


@functools.cache
def area_codes() -> AreaCodes:
    """The national code lists, read once per process."""

    def read(name: str, key: str = "code", value: str = "name") -> dict[str, str]:
        with (CODES_DIR / name).open(encoding="utf-8", newline="") as fh:
            return {row[key]: row[value] for row in csv.DictReader(fh)}

    return AreaCodes(
        provinces=read("provinces.csv"),
        regencies=read("regencies.csv"),
        districts=read("districts.csv"),
        moved=read("former_regencies.csv", "former_code", "current_code"),
    )


@dataclass(frozen=True)
class NikReading:
    """What a NIK says, and what is wrong with it; ``valid`` when no error."""

    nik: str
    province_code: str | None = None
    regency_code: str | None = None
    district_code: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Today's codes and names of where it was issued, when known (for the desk).
    current_regency_code: str | None = None
    place_names: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """The ``lintas nik check`` contract."""
        return {
            "valid": self.valid,
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "district_code": self.district_code,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def _birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """The most recent date with these digits that is not after today (a two-digit year)."""
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        try:
            born = date(century + yy, month, day)
        except ValueError:
            continue
        if born <= today:
            return born
    return None


def read_nik(
    nik: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> NikReading:
    """Read and check a NIK; ``birth_date`` and ``sex``, when given, must agree with it."""
    today = today or date.today()
    if not isinstance(nik, str):
        raise TypeError("a NIK is text")
    errors: list[str] = []
    if len(nik) != 16:
        errors.append("length")
    if nik and (not nik.isascii() or not nik.isdigit()):
        errors.append("not_digits")
    if errors:
        return NikReading(nik=nik, errors=errors)
    codes = area_codes()
    warnings: list[str] = []
    province = nik[0:2]
    regency = f"{province}.{nik[2:4]}"
    district = f"{regency}.{nik[4:6]}"
    current = regency
    if province not in codes.provinces:
        errors.append("unknown_province")
    elif regency not in codes.regencies:
        if regency in codes.moved:
            current = codes.moved[regency]
            warnings.append("regency_moved")
        else:
            errors.append("unknown_regency")
    if not errors:
        current_district = f"{current}.{nik[4:6]}"
        if current_district not in codes.districts:
            warnings.append("district_not_current")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    born = _birth_date(day, month, yy, today)
    if born is None:
        errors.append("impossible_date")
    if nik[12:16] == "0000":
        errors.append("serial_zero")
    if birth_date is not None and born is not None:
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, yy):
            errors.append("birth_date_mismatch")
        else:
            born = birth_date  # the full year, which the NIK does not carry
    if sex is not None and sex != nik_sex:
        errors.append("sex_mismatch")
    names = tuple(
        n
        for n in (
            codes.districts.get(f"{current}.{nik[4:6]}"),
            codes.regencies.get(current),
            codes.provinces.get(current[:2]),
        )
        if n
    )
    return NikReading(
        nik=nik,
        province_code=province if "unknown_province" not in errors else None,
        regency_code=regency if not {"unknown_province", "unknown_regency"} & set(errors) else None,
        district_code=district
        if not {"unknown_province", "unknown_regency"} & set(errors)
        else None,
        birth_date=born,
        sex=nik_sex,
        errors=errors,
        warnings=warnings,
        current_regency_code=current if current != regency else None,
        place_names=names,
    )
