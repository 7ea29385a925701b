from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from lintas.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Role
from lintas.cases.models import Case

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(reference: None) -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="LINTAS_DEBUG"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@override_settings(DEBUG=True)
def test_seed_demo_creates_one_user_per_role(
    reference: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert Agency.objects.count() == 13
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for username, *_ in DEMO_USERS:
        assert username in out
    assert "Petugas pos" in out
    users, cases = User.objects.count(), Case.objects.count()
    assert cases >= 3
    call_command("seed_demo")
    assert (User.objects.count(), Case.objects.count()) == (users, cases)
    assert Agency.objects.count() == 13
    officer = User.objects.get(username="petugas.motaain")
    assert (officer.agency.code, officer.post_id) == ("imigrasi-atambua", "motaain")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "petugas.motaain", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
