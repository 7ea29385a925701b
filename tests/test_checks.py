"""Deploy checks (lintas check --deploy) and a server that does not start without its data key."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client, override_settings

from lintas import checks
from lintas.accounts.demo import DEMO_PASSWORD
from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.common.crypto import DEV_KEY

LINTAS = str(Path(sys.executable).with_name("lintas"))
GOOD_KEY = "k" * 20 + "-data-key-for-the-check-tests"
CSP_HEADER = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LINTAS_")
        # The browser fixture allows async-unsafe calls in this process; a server never does.
        and k not in {"DJANGO_SETTINGS_MODULE", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        LINTAS_SECRET_KEY=secrets.token_urlsafe(48),
        LINTAS_VAR_DIR=str(tmp_path),
        LINTAS_ALLOWED_HOSTS="lintas.example.org",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def lintas_ids(output: str) -> set[str]:
    return set(re.findall(r"\((lintas\.[EW]\d{3})\)", output))


def test_deploy_check_names_the_demo_key_and_public_api_docs(tmp_path: Path) -> None:
    result = run(
        [LINTAS, "check", "--deploy"],
        production_env(tmp_path, LINTAS_DATA_KEY=DEV_KEY, LINTAS_API_DOCS="1"),
        tmp_path,
    )
    assert result.returncode == 1
    assert lintas_ids(result.stderr) == {"lintas.E003", "lintas.E006"}
    assert "LINTAS_DATA_KEY is the development key published with the source code." in (
        result.stderr
    )


def test_deploy_check_names_a_missing_key_on_a_debug_server(tmp_path: Path) -> None:
    result = run(
        [LINTAS, "check", "--deploy"], production_env(tmp_path, LINTAS_DEBUG="1"), tmp_path
    )
    assert result.returncode == 1
    assert lintas_ids(result.stderr) == {"lintas.E001"}


def test_deploy_check_is_clean_with_a_real_key(tmp_path: Path) -> None:
    result = run(
        [LINTAS, "check", "--deploy"], production_env(tmp_path, LINTAS_DATA_KEY=GOOD_KEY), tmp_path
    )
    assert lintas_ids(result.stdout + result.stderr) == set()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "LINTAS_DATA_KEY must be set (at least 32 characters) when LINTAS_DEBUG is off"),
        ("kort", "LINTAS_DATA_KEY must be at least 32 characters (it has 4)"),
    ],
    ids=["missing", "short"],
)
@pytest.mark.parametrize(
    "command",
    [
        [LINTAS, "runserver", "--noreload", "127.0.0.1:0"],
        [sys.executable, "-c", "import lintas.wsgi"],  # what gunicorn loads
    ],
    ids=["runserver", "wsgi"],
)
def test_server_does_not_start_without_a_valid_data_key(
    tmp_path: Path, key: str, message: str, command: list[str]
) -> None:
    env = production_env(tmp_path, LINTAS_DATA_KEY=key)
    env["DJANGO_SETTINGS_MODULE"] = "lintas.settings"
    result = run(command, env, tmp_path)
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_api_docs_are_off_in_production(tmp_path: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='lintas.example.org')\n"
        "print(c.get('/api/docs', secure=True).status_code,"
        " c.get('/api/openapi.json', secure=True).status_code)\n"
    )
    env = production_env(tmp_path, LINTAS_DATA_KEY=GOOD_KEY)
    env["DJANGO_SETTINGS_MODULE"] = "lintas.settings"
    result = run([sys.executable, "-c", script], env, tmp_path)
    assert result.stdout.split() == ["404", "404"], result.stderr
    env["LINTAS_API_DOCS"] = "1"
    result = run([sys.executable, "-c", script], env, tmp_path)
    assert result.stdout.split() == ["200", "200"], result.stderr


def test_short_key_and_missing_policy_are_named() -> None:
    with override_settings(LINTAS_DATA_KEY="x" * 31):
        assert [m.id for m in checks.check_data_key()] == ["lintas.E002"]
    with override_settings(SECURE_CSP={}):
        assert [m.id for m in checks.check_content_security_policy()] == ["lintas.E007"]
    assert checks.check_content_security_policy() == []


@pytest.mark.django_db
def test_demo_accounts_and_demo_password_are_named(user_factory: Callable[..., User]) -> None:
    assert checks.check_demo_accounts() == []
    user_factory(Role.ANALYST, username="analis.satgas")
    admin = user_factory(Role.AGENCY_ADMIN, password=DEMO_PASSWORD)
    user_factory(Role.CASE_WORKER, password=DEMO_PASSWORD)  # not an admin: not checked
    found = checks.check_demo_accounts()
    assert [(m.id, m.msg) for m in found] == [
        ("lintas.E004", "Demo accounts exist on this server: analis.satgas."),
        (
            "lintas.E005",
            f"Administrators whose password is the demo password: {admin.username}.",
        ),
    ]


@pytest.mark.django_db
def test_a_supervisor_without_a_post_from_before_the_rule_is_named(
    user_factory: Callable[..., User],
) -> None:
    supervisor = user_factory(Role.SUPERVISOR)
    assert checks.check_post_bound_roles() == []
    User.objects.filter(pk=supervisor.pk).update(post=None)
    assert [(m.id, m.msg) for m in checks.check_post_bound_roles()] == [
        ("lintas.E008", f"Users in a post-bound role without a post: {supervisor.username}.")
    ]


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy() -> None:
    for url in ("/accounts/login/", "/publik/"):
        response = Client().get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == CSP_HEADER
