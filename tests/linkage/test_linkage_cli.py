"""``lintas linkage run --records FILE.csv --out FILE.csv`` as a real process, no settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LINTAS = Path(sys.executable).parent / "lintas"
HEADER = "id,source,full_name,birth_date,sex,village_code,phone\n"


def _run(tmp_path: Path, content: bytes) -> tuple[int, str, str]:
    records, out = tmp_path / "records.csv", tmp_path / "out.csv"
    records.write_bytes(content)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [str(LINTAS), "linkage", "run", "--records", str(records), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    written = out.read_text(encoding="utf-8") if out.exists() else ""
    return done.returncode, written, done.stderr


def test_links_a_file_with_every_id_once(tmp_path: Path) -> None:
    rows = (
        "t1,traveller,Yohanes Nahak,1990-03-12,M,53.04.01.2001,081234567890\n"
        "t2,tip,Nahak Yohanes,1990-12-03,M,53.04.01.2001,\n"
        "t3,case_person,Maria Nahak,1992-05-01,F,53.04.01.2001,\n"
        "t4,,,,,,\n"
        "t5,watch_entry,Bapak Johanes Nahak,2099-01-01,M,,+6281234567890\n"
        "t6,,,,,,\n"
    )
    code, out, err = _run(tmp_path, (HEADER + rows).encode())
    assert code == 0
    assert out == "id,cluster_id\nt1,t1\nt2,t1\nt3,t3\nt4,t4\nt5,t1\nt6,t6\n"
    assert err.splitlines()[0] == (
        "warning: 1 birth date(s) unusable (not YYYY-MM-DD or YYYY, impossible or in the "
        "future), treated as missing"
    )
    assert err.splitlines()[1].startswith("6 records, 4 people, model ")


def test_a_cp1252_file_is_read_and_said_so(tmp_path: Path) -> None:
    rows = "a,tip,João Soares,1980-04-02,M,53.04.01.2001,\nb,tip,Joao Soares,1980-04-02,M,,\n"
    code, out, err = _run(tmp_path, (HEADER + rows).encode("cp1252"))
    assert code == 0
    assert out == "id,cluster_id\na,a\nb,a\n"
    assert f"note: {tmp_path / 'records.csv'} is not UTF-8; read as cp1252" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"id,name\n1,Ana\n",
            "wrong header 'id,name': expected id,source,full_name,birth_date,sex,village_code,"
            "phone (missing source, full_name, birth_date, sex, village_code, phone) "
            "(unknown name)",
        ),
        (b"", "the file is empty: expected a header id,source,full_name,birth_date,sex,"
              "village_code,phone"),
        ((HEADER + "1,tip,Ana,,,,\n,tip,Bea,,,,\n").encode(), "line 3: the id is missing"),
        ((HEADER + "1,tip,Ana,,,,\n1,tip,Bea,,,,\n").encode(),
         "line 3: id '1' already used on line 2"),
        ((HEADER + "1,tip,Ana,,,\n").encode(), "line 2: 6 fields, the header has 7"),
        ((HEADER + "1,tip,A\x00na,,,,\n").encode(),
         "the file contains a NUL byte (line 2); is it a CSV file?"),
        ((HEADER + "1,tip,João,,,,\n").encode() + "2,tip,João,,,,\n".encode("cp1252"),
         "the file mixes encodings (UTF-8 and another): save it again as UTF-8"),
    ],
)  # fmt: skip
def test_unusable_input_exits_1_with_the_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    code, out, err = _run(tmp_path, content)
    assert code == 1
    assert out == ""
    assert err == f"error: {tmp_path / 'records.csv'}: {message}\n"
