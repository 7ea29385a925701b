"""The `lintas watchlist match` contract, run as an external check runs it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINTAS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "lintas", "watchlist", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_match_writes_one_row_per_alert(tmp_path: Path) -> None:
    watch = write(
        tmp_path / "list.csv",
        [
            ["id", "full_name", "birth_date", "sex", "nationality"],
            ["W1", "Yohanes Bria", "1985-05-01", "M", "IDN"],
            ["W2", "Joao da Costa Soares", "1979", "M", "TLS"],
            ["W3", "Maria Goreti Seran", "", "F", "IDN"],
        ],
    )
    queries = write(
        tmp_path / "q.csv",
        [
            ["qid", "full_name", "birth_date", "sex", "nationality"],
            ["Q1", "Johanes Bria", "1985-05-01", "M", "IDN"],
            ["Q2", "Bpk. Yohanes Bria", "1985-01-05", "M", "IDN"],
            ["Q3", "Agustinus Nahak", "1990-01-01", "M", "IDN"],
            ["Q4", "João Soares da Costa", "1979-06-01", "M", "TLS"],
        ],
    )
    out = tmp_path / "out.csv"
    result = run("match", "--list", str(watch), "--queries", str(queries), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["qid", "id", "score", "rank"]
    best = {(r["qid"], r["id"]) for r in rows if r["rank"] == "1"}
    assert best == {("Q1", "W1"), ("Q2", "W1"), ("Q4", "W2")}
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert not [r for r in rows if r["qid"] == "Q3"]


def test_bad_input_is_refused_with_a_message(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", [["name", "dob"], ["x", "y"]])
    good_q = write(tmp_path / "q.csv", [["qid", "full_name", "birth_date", "sex", "nationality"]])
    result = run(
        "match", "--list", str(bad), "--queries", str(good_q), "--out", str(tmp_path / "o.csv")
    )
    assert result.returncode == 2
    assert "header" in result.stderr
    dates = write(
        tmp_path / "d.csv",
        [
            ["id", "full_name", "birth_date", "sex", "nationality"],
            ["W1", "A B", "31/12/1990", "", ""],
        ],
    )
    result = run(
        "match", "--list", str(dates), "--queries", str(good_q), "--out", str(tmp_path / "o.csv")
    )
    assert result.returncode == 2
    assert "line 2" in result.stderr
