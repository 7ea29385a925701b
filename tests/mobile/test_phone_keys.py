"""Phone keys: sign in once, then a bearer key that dies when the hub says so."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import Agency, LoginThrottle, PhoneKey, User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.outreach.models import Activity
from tests.factories import PASSWORD, make_agency, make_user

pytestmark = pytest.mark.django_db

SABU_VILLAGE = "53.20.01.2002"


@pytest.fixture
def worker(reference: None) -> User:
    agency = make_agency(type=AgencyType.INTERNATIONAL, name="IOM Kupang")
    return make_user(Role.OUTREACH_COORDINATOR, agency=agency, username="penyuluh.sabu")


def _post(client: Client, path: str, body: Any, token: str = "") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def _issue(client: Client, username: str, password: str = PASSWORD) -> Any:
    return _post(client, "/api/mobile/keys", {"username": username, "password": password})


def _token(user: User) -> str:
    answer = _issue(Client(), user.username)
    assert answer.status_code == 201, answer.content
    return str(answer.json()["token"])


def _get(path: str, token: str) -> Any:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_signing_a_phone_in_stores_only_the_digest_and_audits(worker: User) -> None:
    answer = _issue(Client(), "Penyuluh.Sabu ")
    assert answer.status_code == 201
    body = answer.json()
    key = PhoneKey.objects.get()
    assert key.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert len(body["token"]) == 43
    assert body["token"] not in key.digest
    assert (str(key.pk), key.user_id, key.label, body["idle_days"]) == (
        body["key_id"],
        worker.pk,
        "Ponsel",
        30,
    )
    assert body["profile"] == {
        "username": "penyuluh.sabu",
        "full_name": worker.full_name,
        "role": "outreach_coordinator",
        "role_label": "Koordinator penyuluhan",
        "agency": "IOM Kupang",
        "records_outreach": True,
        "records_follow_ups": False,
    }
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["auth.login", "auth.phone_key_issue"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "penyuluh.sabu", "password": "salah-sekali-2026"}, 401, "sign_in_refused"),
        ({"username": "tidak.ada", "password": PASSWORD}, 401, "sign_in_refused"),
        ({"username": "penyuluh.sabu"}, 422, "validation"),
        ({"username": 7, "password": PASSWORD}, 422, "validation"),
        ({"username": "x" * 61, "password": PASSWORD}, 422, "validation"),
        ({"username": "penyuluh.sabu", "password": "p" * 201}, 422, "validation"),
        ({"username": "penyuluh\x00sabu", "password": PASSWORD}, 400, "nul_character"),
        ({"username": "penyuluh.sabu", "password": PASSWORD, "label": "a\x01"}, 422, "validation"),
    ],
)
def test_a_refused_phone_sign_in_issues_no_key(
    worker: User, body: dict[str, Any], status: int, code: str
) -> None:
    answer = _post(Client(), "/api/mobile/keys", body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert PhoneKey.objects.count() == 0
    if code == "sign_in_refused":
        assert answer.json()["message"] == (
            "Nama pengguna atau kata sandi salah, atau terlalu banyak percobaan gagal: "
            "tunggu beberapa menit."
        )


def test_wrong_passwords_from_a_phone_count_as_on_the_web(worker: User) -> None:
    for _ in range(5):
        assert _issue(Client(), worker.username, "salah-sekali-2026").status_code == 401
    throttle = LoginThrottle.objects.get(username=worker.username, source__gt="")
    assert throttle.failures == 5
    assert throttle.blocked_until is not None
    # Throttled now: even the right password is refused, and no key is made.
    assert _issue(Client(), worker.username).json()["code"] == "sign_in_refused"
    assert PhoneKey.objects.count() == 0


def test_a_disabled_account_gets_no_key(worker: User) -> None:
    User.objects.filter(pk=worker.pk).update(is_active=False)
    answer = _issue(Client(), worker.username)
    assert (answer.status_code, answer.json()["code"]) == (401, "account_disabled")
    assert PhoneKey.objects.count() == 0


def _refusal(token: str) -> tuple[int, str]:
    answer = _get("/api/mobile/bootstrap", token)
    return answer.status_code, answer.json()["code"]


def test_the_key_dies_when_the_hub_says_so(worker: User) -> None:
    token = _token(worker)
    assert _get("/api/mobile/bootstrap", token).status_code == 200
    assert _refusal("x" * 43) == (401, "phone_key_unknown")
    key = PhoneKey.objects.get()

    PhoneKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(days=31))
    assert _refusal(token) == (401, "phone_key_expired")
    PhoneKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now(), created_at=timezone.now() - timedelta(days=91)
    )
    assert _refusal(token) == (401, "phone_key_expired")
    PhoneKey.objects.filter(pk=key.pk).update(created_at=timezone.now())
    assert _get("/api/mobile/bootstrap", token).status_code == 200

    Agency.objects.filter(pk=worker.agency_id).update(is_active=False)
    assert _refusal(token) == (401, "account_disabled")
    Agency.objects.filter(pk=worker.agency_id).update(is_active=True)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    answer = _get("/api/mobile/bootstrap", token)
    assert answer.json() == {
        "code": "account_disabled",
        "message": "Akun ini dinonaktifkan: data di ponsel ini dihapus.",
        "fields": {},
    }
    User.objects.filter(pk=worker.pk).update(is_active=True)

    answer = Client().delete("/api/mobile/keys/current", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 204
    key.refresh_from_db()
    assert key.revoked_reason == "signed_out"
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="auth.phone_key_revoke").count() == 1
    assert _refusal(token) == (401, "phone_key_revoked")


def test_a_key_records_outreach_as_its_user_and_nothing_else(worker: User) -> None:
    token = _token(worker)
    activity = {
        "id": "01900000-0000-7000-8000-000000000001",
        "kind": "awareness",
        "held_on": str(timezone.localdate()),
        "village_code": SABU_VILLAGE,
        "women": 12,
        "men": 9,
    }
    first = _post(Client(), "/api/outreach/activities", activity, token)
    again = _post(Client(), "/api/outreach/activities", activity, token)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Activity.objects.get().created_by_id == worker.pk
    other = _post(Client(), "/api/outreach/activities", {**activity, "women": 13}, token)
    assert (other.status_code, other.json()["code"]) == (409, "id_conflict")
    assert Activity.objects.get().women == 12
    # The rest of the API keeps to web sessions: a phone key opens no other router.
    assert _get("/api/accounts/me", token).status_code == 401
    assert _get("/api/places/posts", token).status_code == 401
    # Without a key, and without a session, the outreach API is closed.
    answer = Client().post(
        "/api/outreach/activities", json.dumps(activity), content_type="application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")


def test_a_web_session_cannot_sign_out_a_phone(worker: User) -> None:
    client = Client()
    client.force_login(worker, backend="lintas.accounts.backends.LockoutModelBackend")
    _token(worker)
    answer = client.delete("/api/mobile/keys/current")
    assert (answer.status_code, answer.json()["code"]) == (400, "not_a_phone")
    assert PhoneKey.objects.get().revoked_at is None


def test_phone_keys_of_and_revoke_follow_account_administration(worker: User) -> None:
    from lintas.accounts.phone_keys import phone_key_revoke, phone_keys_of
    from lintas.common.errors import NotFound, PermissionDenied

    token = _token(worker)
    key = PhoneKey.objects.get()
    stranger = make_user(Role.OUTREACH_COORDINATOR)
    with pytest.raises(PermissionDenied):
        phone_keys_of(actor=stranger, user=worker)
    with pytest.raises(NotFound):
        phone_key_revoke(actor=stranger, key_id=key.pk)
    assert [k.pk for k in phone_keys_of(actor=worker)] == [key.pk]
    admin = make_user(Role.SYSTEM_ADMIN)
    assert [k.pk for k in phone_keys_of(actor=admin, user=worker)] == [key.pk]
    phone_key_revoke(actor=admin, key_id=key.pk, reason="lost")
    assert _refusal(token) == (401, "phone_key_revoked")
    key.refresh_from_db()
    assert key.revoked_reason == "lost"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Token abc", "x"])
def test_a_bad_credential_is_refused_even_beside_a_session(worker: User, header: str) -> None:
    client = Client()
    client.force_login(worker, backend="lintas.accounts.backends.LockoutModelBackend")
    assert client.get("/api/mobile/bootstrap").status_code == 200
    answer = client.get("/api/mobile/bootstrap", HTTP_AUTHORIZATION=header)
    assert (answer.status_code, answer.json()["code"]) == (401, "phone_key_unknown")
