"""The real task worker (``lintas db_worker``) as a subprocess on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "linkage", "messaging", "insights"],
    }
}


def test_database_url() -> str:
    """The URL of the database this test process uses (the test database)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{auth}@{host}{port}/{s['NAME']}"


@pytest.fixture
def task_worker(settings: Any, transactional_db: None) -> Iterator[subprocess.Popen[str]]:
    """This process enqueues into the database; a real worker process works the queue."""
    settings.TASKS = DATABASE_TASKS
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINTAS_")}
    env.update(
        LINTAS_TESTING="1",
        LINTAS_NODE="hub",
        LINTAS_TASKS_BACKEND="database",
        LINTAS_DATABASE_URL=test_database_url(),
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lintas",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(check: Callable[[], bool], *, timeout: float = 180, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")
