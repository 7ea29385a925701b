"""Database settings: SQLite on post nodes must survive a power cut; URLs parse strictly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from lintas.common.dburl import database_from_url, sqlite_settings


@pytest.mark.django_db
def test_sqlite_node_database_runs_wal_full_sync_and_busy_timeout(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path / "node.sqlite3")
    wrapper = DatabaseWrapper(
        {
            **settings,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        },
        alias="node",
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_default_url_is_sqlite_under_var(tmp_path: Path) -> None:
    config = database_from_url("", default_sqlite=tmp_path / "var" / "lintas.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "lintas.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_postgres_url_is_parsed(tmp_path: Path) -> None:
    config = database_from_url(
        "postgresql://lintas:s%40ndi@db.local:5433/hub?sslmode=require", default_sqlite=tmp_path
    )
    assert (config["ENGINE"], config["NAME"], config["USER"], config["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "hub",
        "lintas",
        "s@ndi",
    )
    assert (config["HOST"], config["PORT"], config["OPTIONS"]) == (
        "db.local",
        "5433",
        {"sslmode": "require"},
    )


@pytest.mark.parametrize(
    "url", ["mysql://x/y", "postgresql://host:5432/", "sqlite://host/x", "nonsense"]
)
def test_bad_urls_are_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, default_sqlite=tmp_path / "x.sqlite3")


@pytest.mark.django_db
def test_times_are_stored_in_utc_and_shown_in_wita() -> None:
    from django.conf import settings
    from django.utils import timezone

    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.USE_TZ is True
    local = timezone.localtime(timezone.now())
    assert local.utcoffset() is not None
    assert local.utcoffset().total_seconds() == 8 * 3600
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW TIMEZONE")
            assert cursor.fetchone()[0] == "UTC"
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000
    else:
        assert connection.vendor == "sqlite"
