"""Reading a NIK against every province, regency and district of Indonesia."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from lintas.places.nik import CODES_DIR, ERRORS, WARNINGS, area_codes, read_nik

TODAY = date(2026, 12, 4)


def test_the_shipped_lists_cover_all_of_indonesia() -> None:
    codes = area_codes()
    assert (len(codes.provinces), len(codes.regencies), len(codes.districts)) == (38, 514, 7285)
    assert codes.provinces["31"] == "Daerah Khusus Ibukota Jakarta"
    assert codes.regencies["35.78"] == "Kota Surabaya"
    # The province's own cut is the same data: every NTT district is in the national list.
    with (CODES_DIR.parent / "idn-area-ntt" / "districts.csv").open(encoding="utf-8") as fh:
        ntt = {row["code"]: row["name"] for row in csv.DictReader(fh)}
    assert len(ntt) == 315
    assert {c: n for c, n in codes.districts.items() if c.startswith("53.")} == ntt


def test_every_moved_regency_points_at_a_current_one_and_is_no_longer_listed() -> None:
    codes = area_codes()
    assert len(codes.moved) == 31
    for former, current in codes.moved.items():
        assert former not in codes.regencies
        assert current in codes.regencies


def test_a_worker_from_surabaya() -> None:
    reading = read_nik("3578105203950003", today=TODAY)
    assert reading.as_dict() == {
        "valid": True,
        "province_code": "35",
        "regency_code": "35.78",
        "district_code": "35.78.10",
        "birth_date": "1995-03-12",
        "sex": "F",
        "errors": [],
        "warnings": [],
    }
    assert reading.place_names == (
        area_codes().districts["35.78.10"],
        "Kota Surabaya",
        "Jawa Timur",
    )


def test_a_man_from_belu_born_this_century() -> None:
    assert read_nik("5304021203050002", today=TODAY).as_dict() == {
        "valid": True,
        "province_code": "53",
        "regency_code": "53.04",
        "district_code": "53.04.02",
        "birth_date": "2005-03-12",
        "sex": "M",
        "errors": [],
        "warnings": [],
    }


@pytest.mark.parametrize(
    ("digits", "born"),
    [
        ("011226", date(2026, 12, 1)),  # three days old
        ("041226", date(2026, 12, 4)),  # born today
        ("051226", date(1926, 12, 5)),  # tomorrow in 2026 is impossible: the last century
        ("010100", date(2000, 1, 1)),
        ("290296", date(1996, 2, 29)),
        ("290200", date(2000, 2, 29)),
    ],
)
def test_a_two_digit_year_is_the_most_recent_past(digits: str, born: date) -> None:
    assert read_nik(f"530402{digits}0001", today=TODAY).birth_date == born


def test_the_full_year_given_is_kept_when_it_agrees() -> None:
    reading = read_nik("5304021203250002", birth_date=date(1925, 3, 12), sex="M", today=TODAY)
    assert (reading.valid, reading.birth_date) == (True, date(1925, 3, 12))


def test_a_district_split_off_since_is_a_warning_not_a_refusal() -> None:
    reading = read_nik("5304995508900001", today=TODAY)
    assert (reading.valid, reading.errors, reading.warnings) == (
        True,
        [],
        ["district_not_current"],
    )
    assert reading.district_code == "53.04.99"


def test_a_regency_that_moved_province_keeps_its_old_code() -> None:
    # Merauke was 91.01 (Papua) until 2022; it is 93.01 (Papua Selatan) now.
    reading = read_nik("9101015508900001", today=TODAY)
    assert reading.as_dict()["regency_code"] == "91.01"
    assert (reading.valid, reading.warnings, reading.current_regency_code) == (
        True,
        ["regency_moved"],
        "93.01",
    )
    assert reading.place_names[1:] == ("Kabupaten Merauke", "Papua Selatan")


@pytest.mark.parametrize(
    ("nik", "errors"),
    [
        ("", ["length"]),
        ("530402550890001", ["length"]),
        ("53040255089000011", ["length"]),
        ("53040255O8900001", ["not_digits"]),
        ("5304 02550890001", ["not_digits"]),
        ("5304025508900\x0001", ["not_digits"]),
        ("\uff15\uff13" + "04025508900001", ["not_digits"]),
        ("x" * 100_000, ["length", "not_digits"]),
        ("0004025508900001", ["unknown_province"]),
        ("5399025508900001", ["unknown_regency"]),
        ("5304023202900001", ["impossible_date"]),
        ("5304027208900001", ["impossible_date"]),
        ("5304023502900001", ["impossible_date"]),
        ("5304021513900001", ["impossible_date"]),
        ("5304022902970001", ["impossible_date"]),
        ("5304025508900000", ["serial_zero"]),
        ("9999993502900000", ["unknown_province", "impossible_date", "serial_zero"]),
    ],
)
def test_errors(nik: str, errors: list[str]) -> None:
    reading = read_nik(nik, today=TODAY)
    assert (reading.valid, reading.errors) == (False, errors)


def test_a_birth_date_or_sex_that_disagrees() -> None:
    reading = read_nik("5304025508900001", birth_date=date(1990, 5, 8), sex="M", today=TODAY)
    assert reading.errors == ["birth_date_mismatch", "sex_mismatch"]
    assert (reading.birth_date, reading.sex) == (date(1990, 8, 15), "F")


def test_every_problem_code_has_an_explanation() -> None:
    assert set(ERRORS) == {
        "length",
        "not_digits",
        "unknown_province",
        "unknown_regency",
        "impossible_date",
        "serial_zero",
        "birth_date_mismatch",
        "sex_mismatch",
    }
    assert set(WARNINGS) == {"district_not_current", "regency_moved"}


def test_a_nik_is_text() -> None:
    with pytest.raises(TypeError):
        read_nik(5304025508900001)  # type: ignore[arg-type]
