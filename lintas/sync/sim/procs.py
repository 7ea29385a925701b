"""Real processes for the simulation and the tests: a hub and post nodes on 127.0.0.1.

Each place (the hub or a node) has its own folder, database, secret key and
``LINTAS_NODE``; its web server is gunicorn in its own process group, so that a SIGKILL
takes down the master and its workers at once, as a power cut does. The hub's database
is a new PostgreSQL database when a PostgreSQL URL is given, else an SQLite file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LINTAS = [sys.executable, "-m", "lintas"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env() -> dict[str, str]:
    """The caller's environment without any Lintas or Django setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINTAS_", "DJANGO_"))}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database (through the backup API, WAL included)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@dataclass
class Place:
    """The hub or one node: its folder, database, environment and processes."""

    name: str
    folder: Path
    db_url: str
    env: dict[str, str]
    port: int
    post: str = ""
    server: subprocess.Popen[bytes] | None = None
    daemon: subprocess.Popen[bytes] | None = None
    logs: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sqlite_path(self) -> Path | None:
        if self.db_url.startswith("sqlite:///"):
            return Path(self.db_url.removeprefix("sqlite:///"))
        return None


class PgAdmin:
    """Creates and drops the hub's databases on the PostgreSQL server named by a URL."""

    def __init__(self, url: str) -> None:
        self.url = url

    def url_for(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.encode())

    def create(self, name: str, *, template: str = "template0") -> None:
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def query(self, name: str, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url_for(name)) as conn:
            return list(conn.execute(sql.encode()).fetchall())


class Cluster:
    """A hub and nodes as real processes, with helpers to run, kill, restart and back up."""

    def __init__(self, root: Path, *, pg_url: str = "", hub_workers: int = 2) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.pg = PgAdmin(pg_url) if pg_url.startswith(("postgres://", "postgresql://")) else None
        self.pg_name = f"lintas_sim_{secrets.token_hex(4)}"
        self.hub_workers = hub_workers
        # One data key for the province: victim identities travel sealed between places.
        self.data_key = secrets.token_urlsafe(48)
        self.template = self.root / "template.sqlite3"
        self.places: dict[str, Place] = {}
        self.hub = self._place("hub", post="")

    # --- places ---------------------------------------------------------------------

    def _place(self, name: str, *, post: str) -> Place:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        if name == "hub" and self.pg is not None:
            db_url = self.pg.url_for(self.pg_name)
        else:
            db_url = f"sqlite:///{folder / 'db.sqlite3'}"
        env = base_env()
        env.update(
            LINTAS_NODE=name,
            LINTAS_DATABASE_URL=db_url,
            LINTAS_VAR_DIR=str(folder),
            LINTAS_SECRET_KEY=secrets.token_urlsafe(48),
            LINTAS_DATA_KEY=self.data_key,
            LINTAS_SECURE="0",
            LINTAS_ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        place = Place(name=name, folder=folder, db_url=db_url, env=env, port=free_port(), post=post)
        self.places[name] = place
        return place

    def add_node(self, code: str, *, post: str) -> Place:
        return self._place(code, post=post)

    @property
    def nodes(self) -> list[Place]:
        return [p for p in self.places.values() if p.name != "hub"]

    def run(
        self,
        place: Place,
        args: list[str],
        *,
        timeout: float = 300,
        env: dict[str, str] | None = None,
    ) -> str:
        """Run ``lintas ARGS`` as ``place``; its output, or an error with its stderr."""
        result = subprocess.run(  # noqa: S603 -- this interpreter, fixed arguments
            [*LINTAS, *args],
            env={**place.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"lintas {' '.join(args)} on {place.name} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def migrate(self, places: list[Place]) -> None:
        """Migrate once into a template file and copy it: every SQLite place starts equal."""
        if not self.template.exists():
            template_env = {**self.hub.env, "LINTAS_DATABASE_URL": f"sqlite:///{self.template}"}
            subprocess.run(  # noqa: S603 -- this interpreter, fixed arguments
                [*LINTAS, "migrate", "--verbosity", "0"],
                env=template_env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        for place in places:
            path = place.sqlite_path
            if path is not None:
                sqlite_copy(self.template, path)
            else:
                assert self.pg is not None
                self.pg.drop(self.pg_name)
                self.pg.create(self.pg_name)
                self.run(place, ["migrate", "--verbosity", "0"])

    # --- processes ------------------------------------------------------------------

    def _log(self, place: Place, name: str) -> Any:
        handle = (place.folder / name).open("ab")
        place.logs.append(handle)
        return handle

    def start_server(self, place: Place, *, wait: float = 60) -> None:
        """Start gunicorn for ``place`` in its own process group; wait until it answers."""
        workers = self.hub_workers if place.name == "hub" else 1
        log = self._log(place, "server.log")
        place.server = subprocess.Popen(  # noqa: S603 -- this interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lintas.wsgi",
                "--bind",
                f"127.0.0.1:{place.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "3",
                "--log-level",
                "warning",
            ],
            env=place.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.wait_ready(place, timeout=wait)

    def wait_ready(self, place: Place, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if place.server is not None and place.server.poll() is not None:
                raise RuntimeError(f"{place.name}'s server exited ({place.server.returncode})")
            try:
                with urllib.request.urlopen(f"{place.url}/api/sync/hello", timeout=2) as r:  # noqa: S310
                    if json.loads(r.read()).get("node") == place.name:
                        return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{place.name}'s server did not answer within {timeout} s")

    def start_daemon(
        self, place: Place, *, interval: float = 0.5, backoff_max: float = 2.0
    ) -> None:
        log = self._log(place, "sync.log")
        place.daemon = subprocess.Popen(  # noqa: S603 -- this interpreter, fixed arguments
            [
                *LINTAS,
                "sync",
                "--loop",
                "--interval",
                str(interval),
                "--backoff-max",
                str(backoff_max),
                "--timeout",
                "20",
            ],
            env=place.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes] | None, sig: int) -> bool:
        if proc is None or proc.poll() is not None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        return True

    def kill(self, place: Place, *, server: bool = True, daemon: bool = True) -> int:
        """SIGKILL the place's processes at once (a power cut); returns how many died."""
        killed = 0
        for proc, wanted in ((place.server, server), (place.daemon, daemon)):
            if wanted and self._kill(proc, signal.SIGKILL):
                killed += 1
                assert proc is not None
                proc.wait(timeout=30)
        if server:
            place.server = None
        if daemon:
            place.daemon = None
        return killed

    def stop(self, place: Place, *, timeout: float = 10) -> None:
        """Stop the place's processes politely (SIGTERM), then for sure (SIGKILL)."""
        for proc in (place.daemon, place.server):
            self._kill(proc, signal.SIGTERM)
        for proc in (place.daemon, place.server):
            if proc is None:
                continue
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill(proc, signal.SIGKILL)
                proc.wait(timeout=30)
        place.server = place.daemon = None

    def close(self) -> None:
        """Stop everything this cluster started and drop the hub's PostgreSQL databases."""
        for place in self.places.values():
            self.stop(place)
            for handle in place.logs:
                handle.close()
            place.logs.clear()
        if self.pg is not None:
            self.pg.drop(self.pg_name)
            self.pg.drop(self.pg_name + "_backup")

    # --- the hub's database ---------------------------------------------------------

    def hub_query(self, sql: str) -> list[tuple[Any, ...]]:
        path = self.hub.sqlite_path
        if path is None:
            assert self.pg is not None
            return self.pg.query(self.pg_name, sql)
        return sqlite_query(path, sql)

    def hub_backup(self) -> None:
        """Copy the hub's database aside (the hub must be stopped)."""
        path = self.hub.sqlite_path
        if path is None:
            assert self.pg is not None
            self.pg.drop(self.pg_name + "_backup")
            self.pg.create(self.pg_name + "_backup", template=self.pg_name)
        else:
            sqlite_copy(path, self.hub.folder / "backup.sqlite3")

    def hub_restore(self) -> None:
        """Put the backup back in place of the hub's database (the hub must be stopped)."""
        path = self.hub.sqlite_path
        if path is None:
            assert self.pg is not None
            self.pg.drop(self.pg_name)
            self.pg.create(self.pg_name, template=self.pg_name + "_backup")
        else:
            sqlite_copy(self.hub.folder / "backup.sqlite3", path)


def sqlite_query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Read a running node's database (WAL lets a reader in beside the writers)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as c:
        return list(c.execute(sql, params or []).fetchall())


@contextlib.contextmanager
def cluster(root: Path, *, pg_url: str = "") -> Iterator[Cluster]:
    c = Cluster(root, pg_url=pg_url)
    try:
        yield c
    finally:
        c.close()
