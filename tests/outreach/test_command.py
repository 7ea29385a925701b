"""``lintas outreach coverage --out FILE.csv`` as a real process, against a real database file."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from lintas.accounts.models import User
from lintas.common.ids import uuid7
from lintas.outreach import services
from tests.outreach.conftest import SABU_VILLAGE

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "district_code,district,regency_code,island_has_post,activities_12m,"
    "people_reached_12m,groups_active,tips_12m,vulnerability,priority_rank"
)


def run_lintas(*args: str) -> subprocess.CompletedProcess[str]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "LINTAS_TESTING": "1"}
    if db["ENGINE"].endswith("sqlite3"):
        env["LINTAS_DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["LINTAS_DATABASE_URL"] = (
            f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    lintas = Path(sys.executable).with_name("lintas")
    return subprocess.run(
        [str(lintas), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_command_writes_one_ranked_row_per_district(coordinator: User, tmp_path: Path) -> None:
    services.activity_record(
        actor=coordinator,
        id=uuid7(),
        kind="pre_departure",
        held_on=timezone.localdate() - timedelta(days=2),
        village_code=SABU_VILLAGE,
        reached={"women": 30, "men": 25},
    )
    out = tmp_path / "cakupan.csv"
    done = run_lintas("outreach", "coverage", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"315 districts written to {out}; 92 left out\n"
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 316
    rows = list(csv.DictReader(lines))
    assert sorted(int(r["priority_rank"]) for r in rows) == list(range(1, 316))
    assert all(0 <= float(r["vulnerability"]) <= 1 for r in rows)
    found = {r["district_code"]: r for r in rows}
    # Sabu Barat: one activity, 55 people; reach = 0.1 + 0.4 * 55/400 = 0.155, priority
    # 0.902 / 1.25 * 0.845 = 0.6098: after the 50 districts of Sumba and Sabu that nobody
    # reached (0.8, 0.7216, 0.7008, 0.6936), before Semau (0.713 / 1.25 = 0.5704).
    assert lines[[r["district_code"] for r in rows].index("53.20.01") + 1] == (
        "53.20.01,Sabu Barat,53.20,0,1,55,0,0,0.902,51"
    )
    assert found["53.17.01"]["priority_rank"] == "1"
    assert ",".join(found["53.01.04"].values()) == "53.01.04,Semau,53.01,0,0,0,0,0,0.713,52"
    assert ",".join(found["53.71.01"].values()).startswith("53.71.01,")
    assert found["53.71.01"]["vulnerability"] == "0.000"
    assert found["53.71.01"]["island_has_post"] == "1"


def test_an_unwritable_path_is_a_clear_error(reference: None, tmp_path: Path) -> None:
    done = run_lintas("outreach", "coverage", "--out", str(tmp_path / "no" / "such" / "x.csv"))
    assert done.returncode == 1
    assert "cannot write" in done.stderr
    assert "Traceback" not in done.stderr
