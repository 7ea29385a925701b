"""The `lintas` command end to end, on a real SQLite file, as an operator runs it."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys

import pytest

LINTAS = [sys.executable, "-m", "lintas"]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINTAS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def node_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("node")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINTAS_", "DJANGO_"))
    }
    env.update(
        LINTAS_DATABASE_URL=f"sqlite:///{folder / 'node.sqlite3'}",
        LINTAS_VAR_DIR=str(folder),
        LINTAS_SECRET_KEY=secrets.token_urlsafe(50),
        LINTAS_DATA_KEY=secrets.token_urlsafe(40),
        LINTAS_NODE="post-motaain",
    )
    assert run(["migrate", "--verbosity", "0"], env).returncode == 0
    return env


def test_audit_verify_cli_catches_tampering(node_env: dict[str, str]) -> None:
    loaded = run(["load-reference"], node_env)
    assert loaded.returncode == 0, loaded.stderr
    assert "villages: 3442 created, 0 updated" in loaded.stdout

    intact = run(["audit", "verify"], node_env)
    assert intact.returncode == 0, intact.stderr
    [line] = intact.stdout.splitlines()
    db = node_env["LINTAS_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        count, head = conn.execute(
            "SELECT seq, hash FROM audit_audithead WHERE node='post-motaain'"
        ).fetchone()
    assert count >= 3  # reference areas, study figures, border-pass lists (rules: from the hub)
    assert line == f"intact node=post-motaain entries={count} head={head}"

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_auditentry SET action='reference.other' WHERE seq=1")
    broken = run(["audit", "verify"], node_env)
    assert broken.returncode == 1
    assert "BROKEN node=post-motaain first_bad_entry=1" in broken.stdout


def test_seed_demo_refuses_on_a_live_node(node_env: dict[str, str]) -> None:
    result = run(["seed-demo"], node_env)
    assert result.returncode == 1
    assert "LINTAS_DEBUG" in result.stderr


def test_deploy_check_is_clean_in_production_settings(node_env: dict[str, str]) -> None:
    result = run(["check", "--deploy", "--fail-level", "WARNING"], node_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_need_a_secret_key(node_env: dict[str, str]) -> None:
    env = {k: v for k, v in node_env.items() if k != "LINTAS_SECRET_KEY"}
    result = run(["check"], env)
    assert result.returncode != 0
    assert "LINTAS_SECRET_KEY must be set" in result.stderr
