"""``lintas stats public --out FILE.json``: the release the portal shows, in the agreed shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.insights.models import PublicRelease
from tests.insights import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(user_factory: Callable[..., User]) -> None:
    owner = user_factory(Role.CASE_WORKER)
    world.cases(owner, 2026, "53.04", 12)
    world.cases(owner, 2026, "53.71", 3)


def _stats(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("stats", "public", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_file_is_the_release_the_page_shows_in_the_agreed_shape(
    counted: None, tmp_path: Path
) -> None:
    target = tmp_path / "publik.json"
    _out, err = _stats("--out", str(target))
    release = PublicRelease.objects.get()  # none existed: one was published first
    assert err.splitlines() == [
        f"published release {release.pk} ({release.generated_at:%Y-%m-%d})",
        f"wrote {target}: 6 tables",
    ]
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document == release.payload
    assert set(document) >= {"generated_at", "tables"}
    cases = next(t for t in document["tables"] if t["name"] == "cases_by_year_regency")
    assert cases["dimensions"] == ["year", "regency"]
    assert set(cases) >= {"name", "dimensions", "cells", "total"}
    by_key = {(c["key"]["year"], c["key"]["regency"]): c for c in cases["cells"]}
    assert by_key[(2026, "53.04")] == {
        "key": {"year": 2026, "regency": "53.04"},
        "count": None,  # 12 beside a 3 in the same year: hidden with it
        "suppressed": True,
    }
    assert by_key[(2026, "53.71")]["count"] is None
    assert by_key[(None, "53.04")]["count"] is None  # one year: the same as its cell
    assert by_key[(2026, None)] == {
        "key": {"year": 2026, "regency": None},
        "count": 15,
        "suppressed": False,
    }
    assert cases["total"] == 15
    # The page shows the same release: 2026's 15, the 12 nowhere.
    html = Client().get("/publik/statistik/").content.decode()
    table = html.split('id="t-cases_by_year_regency"', 1)[1].split("</table>", 1)[0]
    totals = table.split('<tr class="total">', 1)[1]
    assert totals.count(">15<") == 2  # 2026's, and all years'
    assert ">12<" not in table


def test_the_same_release_is_written_again_until_a_new_one_is_published(
    counted: None, tmp_path: Path
) -> None:
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    _stats("--out", str(first))
    _stats("--out", str(second))
    assert PublicRelease.objects.count() == 1
    assert first.read_bytes() == second.read_bytes()
    out, _err = _stats("--publish", "--out", "-")
    assert PublicRelease.objects.count() == 2
    assert json.loads(out) == PublicRelease.objects.latest().payload


def test_a_file_that_cannot_be_written_is_a_clear_error_and_nothing_half_written(
    counted: None, tmp_path: Path
) -> None:
    with pytest.raises(CommandError) as refused:
        _stats("--out", str(tmp_path))
    assert str(refused.value) == f"{tmp_path} is a directory"
    missing = tmp_path / "no" / "such" / "folder.json"
    with pytest.raises(CommandError) as refused:
        _stats("--out", str(missing))
    assert str(refused.value).startswith(f"cannot write to {missing.parent}: ")
    assert list(tmp_path.iterdir()) == []
