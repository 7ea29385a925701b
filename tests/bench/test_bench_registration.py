"""The registration benchmark, end to end on a tiny database: it must run and count right."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from bench.__main__ import update_document
from bench.registration import Outcome, Plan, RunResult, measure, report

TINY = Plan(
    crossings=2_000,
    concurrency=(2,),
    requests_per_level=30,
    paced_requests=20,
    warmup=4,
    desks=2,
    quiet_wait_s=0,
)


def _gunicorn_running(port_hint: str) -> bool:
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    return any("gunicorn" in line and port_hint in line for line in listing.stdout.splitlines())


def test_registration_benchmark_runs_and_counts(tmp_path: Path) -> None:
    outcome = measure(TINY, workdir=tmp_path)
    assert [r.label for r in outcome.runs] == ["closed loop, 2 concurrent", "paced, 200/s due"]
    assert [(r.sent, r.ok, r.failed) for r in outcome.runs] == [(30, 30, 0), (20, 20, 0)]
    for run in outcome.runs:
        for q in (50, 95, 99):
            assert run.percentile(q) > 0
        assert run.percentile(50) <= run.percentile(95) <= run.percentile(99)
        assert run.rate > 0
        assert not math.isnan(run.other_cpu_pct)
    assert (outcome.travellers, outcome.documents) == (400, 400)
    assert outcome.crossings_before == 2_000
    # Every registration answered 201 is in the database (plus the warm-up ones).
    assert outcome.crossings_after == 2_000 + TINY.warmup + 50
    assert outcome.db_bytes_after > outcome.db_bytes_before > 0
    assert outcome.failures == 0
    text = report(outcome, quick=True)
    assert "| closed loop, 2 concurrent | 30 | 30 | 0 |" in text
    assert "No registration failed" in text
    # The server was stopped: no gunicorn serves the benchmark's folder any more.
    assert not _gunicorn_running(str(tmp_path))


def test_report_says_when_registrations_failed() -> None:
    run = RunResult(label="closed loop, 1 concurrent", sent=5, latencies_ms=[12.0, 14.0, 30.0])
    run.failures["HTTP 500: b'boom'"] += 2
    run.elapsed_s = 0.1
    outcome = Outcome(plan=TINY, runs=[run], crossings_before=10, crossings_after=13)
    text = report(outcome, quick=False)
    assert "| closed loop, 1 concurrent | 5 | 3 | 2 | 14.0 | 30.0 | 30.0 | 30.0 | 30 |" in text
    assert "**2 registrations failed**" in text
    assert "- 2 x HTTP 500: b'boom'" in text
    assert "**Goal not met**" in text


def test_sections_are_replaced_and_others_kept() -> None:
    text = (
        "# Benchmarks\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\n"
        "<!-- bench:b -->\nb\n<!-- /bench:b -->\n"
    )
    new = update_document(text, "a", "<!-- bench:a -->\nnew a\n<!-- /bench:a -->")
    assert new == text.replace("old a", "new a")
    added = update_document(new, "c", "<!-- bench:c -->\nc\n<!-- /bench:c -->")
    assert added == new.rstrip("\n") + "\n\n<!-- bench:c -->\nc\n<!-- /bench:c -->\n"


def test_main_writes_the_named_sections_and_quick_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bench.__main__ as cli

    calls: list[bool] = []

    def fake(quick: bool) -> str:
        calls.append(quick)
        return "| figure |\n|---|\n| 1 |"

    monkeypatch.setattr(cli, "BENCHMARKS", {"fake": fake, "other": fake})
    monkeypatch.setattr(cli, "DOC", tmp_path / "default.md")
    doc = tmp_path / "bench.md"
    assert cli.main(["fake", "--output", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "<!-- bench:fake -->\n## fake\n\n- Machine: " in text
    assert "- Command: `" in text
    assert "-m bench fake --output" in text
    assert "| 1 |\n<!-- /bench:fake -->" in text
    assert "bench:other" not in text
    assert cli.main(["fake", "--quick"]) == 0
    assert calls == [False, True]
    assert not (tmp_path / "default.md").exists()
    assert "| 1 |" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["nope"])
