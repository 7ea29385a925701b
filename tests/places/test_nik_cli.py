"""The `lintas nik check` contract, run as another program would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

KEYS = [
    "valid",
    "province_code",
    "regency_code",
    "district_code",
    "birth_date",
    "sex",
    "errors",
    "warnings",
]


def lintas(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    # No settings and no database in the environment: the tool must not need them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINTAS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "lintas", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_valid_ktp_from_jakarta_exits_0() -> None:
    result = lintas("nik", "check", "3174015508900001", "--birth-date", "1990-08-15", "--sex", "F")
    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)) == KEYS
    assert json.loads(result.stdout) == {
        "valid": True,
        "province_code": "31",
        "regency_code": "31.74",
        "district_code": "31.74.01",
        "birth_date": "1990-08-15",
        "sex": "F",
        "errors": [],
        "warnings": [],
    }
    assert result.stdout.count("\n") == 1


def test_a_district_no_longer_current_is_valid_with_a_warning() -> None:
    result = lintas("nik", "check", "5304995508900001")
    assert result.returncode == 0
    assert json.loads(result.stdout)["warnings"] == ["district_not_current"]


def test_a_two_digit_year_is_read_as_the_most_recent_past() -> None:
    this_year = date.today().year % 100
    result = lintas("nik", "check", f"5304020101{this_year:02d}0001")
    assert json.loads(result.stdout)["birth_date"] == f"{date.today().year}-01-01"
    result = lintas("nik", "check", "5304020101300001")
    assert json.loads(result.stdout)["birth_date"] == (
        "2030-01-01" if date.today().year >= 2030 else "1930-01-01"
    )


@pytest.mark.parametrize(
    ("args", "errors"),
    [
        (["53040255089000011"], ["length"]),
        (["53040255O8900001"], ["not_digits"]),
        (["0004025508900001"], ["unknown_province"]),
        (["5399025508900001"], ["unknown_regency"]),
        (["5304023102900001"], ["impossible_date"]),
        (["5304025508900000"], ["serial_zero"]),
        (["5304025508900001", "--birth-date", "1990-08-16"], ["birth_date_mismatch"]),
        (["5304025508900001", "--sex", "M"], ["sex_mismatch"]),
    ],
    ids=["length", "digits", "province", "regency", "date", "serial", "birth-date", "sex"],
)
def test_not_valid_exits_1_and_names_the_problem(args: list[str], errors: list[str]) -> None:
    result = lintas("nik", "check", *args)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert (data["valid"], data["errors"]) == (False, errors)


def test_explain_writes_what_each_problem_means() -> None:
    result = lintas("nik", "check", "5304025508900000", "--explain")
    assert result.returncode == 1
    assert result.stderr == "error serial_zero: The last four digits (the serial) are never 0000.\n"


@pytest.mark.parametrize(
    "args",
    [
        ["5304025508900001", "--birth-date", "15-08-1990"],
        ["5304025508900001", "--birth-date", "1990-02-30"],
        ["5304025508900001", "--sex", "X"],
        [],
    ],
    ids=["date-format", "date-impossible", "sex", "no-nik"],
)
def test_a_wrong_command_exits_2_with_a_message(args: list[str]) -> None:
    result = lintas("nik", "check", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: lintas nik" in result.stderr


def test_it_runs_from_any_directory(tmp_path: object) -> None:
    result = lintas("nik", "check", "3578105203950003", cwd=str(tmp_path))
    assert result.returncode == 0
    assert json.loads(result.stdout)["regency_code"] == "35.78"
