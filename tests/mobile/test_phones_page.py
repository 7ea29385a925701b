"""My phones: a lost phone is signed out from the web, by its user or an administrator."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lintas.accounts.models import PhoneKey, User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="lintas.accounts.backends.LockoutModelBackend")
    return client


def _keys(user: User, n: int) -> list[PhoneKey]:
    made = PhoneKey.objects.filter(user=user).count()
    return [
        PhoneKey.objects.create(
            user=user, digest=f"{user.pk.int + i:064x}"[-64:], label=f"Ponsel {i}"
        )
        for i in range(made, made + n)
    ]


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def test_a_worker_lists_and_signs_out_own_phones(reference: None) -> None:
    worker = make_user(Role.OUTREACH_COORDINATOR)
    lost, kept = _keys(worker, 2)
    client = _signed_in(worker)
    client.get("/accounts/phones/")  # the session's first request writes it
    with CaptureQueriesContext(connection) as one:
        client.get("/accounts/phones/")
    _keys(worker, 3)
    with CaptureQueriesContext(connection) as five:
        page = client.get("/accounts/phones/")
    assert len(five) == len(one)  # no query per phone
    assert page.status_code == 200
    assert len(_rows(page.content.decode())) == 5

    answer = client.post(f"/accounts/phones/{lost.pk}/revoke/")
    assert (answer.status_code, answer["Location"]) == (302, "/accounts/phones/")
    lost.refresh_from_db()
    assert (lost.revoked_reason, kept.revoked_at) == ("revoked", None)
    html = client.get("/accounts/phones/").content.decode()
    assert "Ponsel dikeluarkan; ponsel itu menghapus datanya saat mendapat sinyal lagi." in html
    row = next(r for r in _rows(html) if r.startswith("Ponsel 0"))
    assert "Dikeluarkan" in row
    assert "Keluarkan ponsel ini" not in row
    assert AuditEntry.objects.filter(action="auth.phone_key_revoke").count() == 1


def test_an_administrator_signs_out_a_users_phone_from_the_user_page(reference: None) -> None:
    worker = make_user(Role.CASE_WORKER)
    (key,) = _keys(worker, 1)
    admin = make_user(Role.SYSTEM_ADMIN)
    client = _signed_in(admin)
    page = client.get(f"/accounts/users/{worker.pk}/")
    assert _rows(page.content.decode().split("<h2>Ponsel</h2>", 1)[1])[0].startswith("Ponsel 0")
    answer = client.post(f"/accounts/phones/{key.pk}/revoke/")
    assert (answer.status_code, answer["Location"]) == (302, f"/accounts/users/{worker.pk}/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    # Someone else's phone reads as not found, and stays signed in.
    (other,) = _keys(admin, 1)
    assert _signed_in(worker).post(f"/accounts/phones/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
