"""The `lintas mrz parse` contract, run as an operator or an external check runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SPECIMEN_TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
KEYS = {
    "format",
    "document_code",
    "issuing_state",
    "document_number",
    "surname",
    "given_names",
    "nationality",
    "birth_date",
    "expiry_date",
    "sex",
    "optional_data",
    "valid",
    "errors",
}


def lintas(*args: str) -> subprocess.CompletedProcess[str]:
    # No settings at all in the environment: the tool must not need them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINTAS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "lintas", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_valid_zone_exits_0_with_one_json_object() -> None:
    result = lintas("mrz", "parse", *SPECIMEN_TD3)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert data == {
        "format": "TD3",
        "document_code": "P",
        "issuing_state": "UTO",
        "document_number": "L898902C3",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "expiry_date": "2012-04-15",
        "sex": "F",
        "optional_data": "ZE184226B",
        "valid": True,
        "errors": [],
    }


def test_failed_check_exits_1_and_names_the_field() -> None:
    line2 = SPECIMEN_TD3[1][:19] + "3" + SPECIMEN_TD3[1][20:]
    result = lintas("mrz", "parse", SPECIMEN_TD3[0], line2)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert "birth_date check digit" in data["errors"]


@pytest.mark.parametrize(
    "lines",
    [["hello"], [SPECIMEN_TD3[0][:40], SPECIMEN_TD3[1]], [s.lower() for s in SPECIMEN_TD3]],
    ids=["garbage", "truncated", "lowercase"],
)
def test_no_mrz_exits_2_with_a_message(lines: list[str]) -> None:
    result = lintas("mrz", "parse", *lines)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip()
