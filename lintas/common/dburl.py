"""Turns ``LINTAS_DATABASE_URL`` into a Django database setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# WAL keeps readers off the writer's back; synchronous=FULL makes a commit the officer saw
# survive a power cut; immediate transactions take the write lock up front so two writers
# never deadlock on lock upgrade.
SQLITE_INIT = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA busy_timeout=10000;"
)


def sqlite_settings(path: Path | str, *, test_name: str | None = None) -> dict[str, Any]:
    """Django settings for an SQLite database at ``path`` (``:memory:`` allowed).

    ``test_name`` puts the test database in a real file, so that tests see WAL, locking
    and several connections as a post node does.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        },
        # One connection per worker, kept between requests: opening one and running the
        # pragmas cost about a third of a desk registration.
        "CONN_MAX_AGE": None,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": test_name},
    }


def database_from_url(
    url: str, *, default_sqlite: Path, sqlite_test_name: str | None = None
) -> dict[str, Any]:
    """Parse ``sqlite:///path`` or ``postgresql://user:pass@host:port/name?opt=v``."""
    url = url.strip()
    if not url:
        return sqlite_settings(default_sqlite, test_name=sqlite_test_name)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise ImproperlyConfigured("An SQLite URL is sqlite:///relative or sqlite:////absolute")
        return sqlite_settings(
            path[1:] if path.startswith("/") else path, test_name=sqlite_test_name
        )
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("A PostgreSQL URL must name its database")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"LINTAS_DATABASE_URL must start with sqlite:// or postgresql://, not {parts.scheme!r}"
    )
