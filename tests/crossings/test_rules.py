from __future__ import annotations

from datetime import date

import pytest

from lintas.crossings.rules import (
    nik_problems,
    plb_overstay_days,
    plb_validity_problems,
)


def test_valid_nik_has_no_problems() -> None:
    assert nik_problems("5304025508900001", birth_date=date(1990, 8, 15), sex="F") == []


def test_a_ktp_from_jakarta_is_no_problem_at_the_desk() -> None:
    assert nik_problems("3174015508900001", birth_date=date(1990, 8, 15), sex="F") == []


@pytest.mark.parametrize(
    ("nik", "born", "sex", "expected"),
    [
        ("530402550890000", None, None, ["nik_format"]),
        ("53040255089000012", None, None, ["nik_format"]),
        ("53040255O8900001", None, None, ["nik_format"]),
        ("\uff15\uff13" + "0402550890" + "0001", None, None, ["nik_format"]),
        ("9999995508900001", None, None, ["nik_district"]),
        ("5399015508900001", None, None, ["nik_district"]),
        ("5304027313900001", None, None, ["nik_birth_date"]),
        ("5304023102900001", None, None, ["nik_birth_date"]),
        ("5304025508900000", None, None, ["nik_serial"]),
        ("5304025508900001", date(1990, 8, 16), "F", ["nik_birth_mismatch"]),
        ("5304025508900001", date(1990, 8, 15), "M", ["nik_sex_mismatch"]),
        ("5304995508900001", date(1990, 8, 15), "F", []),
    ],
    ids=[
        "short",
        "long",
        "letter",
        "fullwidth",
        "province",
        "regency",
        "month",
        "day",
        "serial",
        "date",
        "sex",
        "old-district",
    ],
)
def test_nik_problems(nik: str, born: date | None, sex: str | None, expected: list[str]) -> None:
    assert nik_problems(nik, birth_date=born, sex=sex) == expected


def test_plb_validity() -> None:
    on = date(2026, 11, 27)
    assert (
        plb_validity_problems(issued_on=date(2026, 1, 2), expiry_date=date(2027, 1, 1), on=on) == []
    )
    assert plb_validity_problems(
        issued_on=date(2025, 1, 2), expiry_date=date(2026, 1, 1), on=on
    ) == ["plb_expired"]
    assert plb_validity_problems(
        issued_on=date(2026, 12, 1), expiry_date=date(2027, 12, 1), on=on
    ) == ["plb_not_yet_valid"]
    assert plb_validity_problems(
        issued_on=date(2026, 1, 1), expiry_date=date(2028, 1, 1), on=on
    ) == ["plb_too_long"]


def test_overstay_days() -> None:
    assert plb_overstay_days(left_on=date(2026, 11, 17), today=date(2026, 11, 27)) == 0
    assert plb_overstay_days(left_on=date(2026, 11, 16), today=date(2026, 11, 27)) == 1
    assert (
        plb_overstay_days(left_on=date(2026, 11, 1), today=date(2026, 11, 27), extended=True) == 0
    )
