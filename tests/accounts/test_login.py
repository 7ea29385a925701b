"""Sign-in, throttling by name and source, session limits and bad input on the login form."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lintas.accounts.hashers import LightArgon2PasswordHasher
from lintas.accounts.middleware import AUTH_AT, SEEN_AT
from lintas.accounts.models import LoginThrottle, User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str) -> tuple[int, str]:
    response = client.post(LOGIN, {"username": username, "password": password})
    return response.status_code, response.content.decode()


def state(user: User) -> tuple[int, object, object, int]:
    user.refresh_from_db()
    return LoginThrottle.objects.count(), user.password, user.last_login, AuditEntry.objects.count()


def test_login_page_speaks_indonesian_by_default() -> None:
    response = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Masuk ke Lintas" in html
    assert "Nama pengguna" in html


def test_language_switch_to_english_and_back() -> None:
    client = Client()
    client.post("/language/", {"language": "en", "next": LOGIN})
    assert "Sign in to Lintas" in client.get(LOGIN).content.decode()
    client.post("/language/", {"language": "id", "next": LOGIN})
    assert "Masuk ke Lintas" in client.get(LOGIN).content.decode()


def test_successful_login_opens_home(officer: User) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": officer.username.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert officer.full_name in home.content.decode()
    assert AuditEntry.objects.filter(action="auth.login", object_id=str(officer.pk)).count() == 1


REFUSED = (
    "Nama pengguna atau kata sandi salah, atau terlalu banyak percobaan gagal: "
    "tunggu beberapa menit."
)
WRONG = "salah-sandi-123"


def throttles(username: str) -> list[tuple[bool, int, bool]]:
    """(per source?, failures, blocked?) of each throttle row of ``username``."""
    now = timezone.now()
    return sorted(
        (row.source != "", row.failures, row.is_blocked(now))
        for row in LoginThrottle.objects.filter(username=username)
    )


def test_wrong_password_is_refused_and_counted(officer: User) -> None:
    status, html = post_login(Client(), officer.username, WRONG)
    assert status == 400
    assert REFUSED in html
    assert throttles(officer.username) == [(False, 1, False), (True, 1, False)]
    assert (
        AuditEntry.objects.filter(action="auth.login_failed", object_id=str(officer.pk)).count()
        == 1
    )


def test_unknown_user_is_refused_and_changes_no_user(officer: User) -> None:
    before = state(officer)[1:3]
    status, html = post_login(Client(), "tidak.ada", PASSWORD)
    assert status == 400
    assert REFUSED in html
    assert state(officer)[1:3] == before
    assert throttles(officer.username) == []
    assert throttles("tidak.ada") == [(False, 1, False), (True, 1, False)]
    assert AuditEntry.objects.filter(action="auth.login_failed", object_id="").count() == 1


def test_disabled_user_is_refused(user_factory: Callable[..., User]) -> None:
    user = user_factory(Role.CASE_WORKER)
    User.objects.filter(pk=user.pk).update(is_active=False)
    status, html = post_login(Client(), user.username, PASSWORD)
    assert status == 400
    assert "Akun ini dinonaktifkan" in html


def test_user_of_disabled_agency_is_refused(user_factory: Callable[..., User]) -> None:
    user = user_factory(Role.CASE_WORKER)
    type(user.agency).objects.filter(pk=user.agency_id).update(is_active=False)
    status, html = post_login(Client(), user.username, PASSWORD)
    assert status == 400
    assert "Akun ini dinonaktifkan" in html


class VerifyCounter:
    """Counts the Argon2 verifications of the configured hasher (the real one runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = LightArgon2PasswordHasher.verify

        def counted(hasher: LightArgon2PasswordHasher, password: str, encoded: str) -> bool:
            self.calls += 1
            return original(hasher, password, encoded)

        monkeypatch.setattr(LightArgon2PasswordHasher, "verify", counted)

    def during(self, action: Callable[[], object]) -> int:
        before = self.calls
        action()
        return self.calls - before


def test_unknown_wrong_and_throttled_answer_alike(
    officer: User, user_factory: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same status, same words, and exactly one Argon2 verification each."""
    counter = VerifyCounter(monkeypatch)
    unusable = user_factory(Role.ANALYST)
    User.objects.filter(pk=unusable.pk).update(password="!unusable")
    client = Client(REMOTE_ADDR="10.0.0.9")
    answers = []
    for _ in range(settings.LINTAS_LOGIN_FREE_FAILURES):
        calls = counter.during(lambda: answers.append(post_login(client, officer.username, WRONG)))
        assert calls == 1
    assert throttles(officer.username)[1] == (True, 5, True)
    for username, password in [
        (officer.username, PASSWORD),  # throttled: even the right password is refused
        (officer.username, WRONG),
        ("tidak.ada", WRONG),
        (unusable.username, WRONG),
    ]:
        calls = counter.during(
            lambda u=username, p=password: answers.append(post_login(client, u, p))
        )
        assert calls == 1, username
    assert {status for status, _ in answers} == {400}
    assert {html.count(REFUSED) for _, html in answers} == {1}
    errors = {html.split('class="nonfield"')[1].split("</")[0] for _, html in answers}
    assert len(errors) == 1
    # The right password from here works again once the back-off has run out.
    LoginThrottle.objects.filter(username=officer.username).update(
        blocked_until=timezone.now() - timedelta(seconds=1)
    )
    assert (
        counter.during(lambda: answers.append(post_login(client, officer.username, PASSWORD))) == 1
    )
    assert answers[-1][0] == 302
    assert throttles(officer.username) == [(False, 5, False)]


def test_an_attacker_elsewhere_cannot_lock_an_officer_out(officer: User) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.LINTAS_LOGIN_USER_FREE_FAILURES + 5):
        status, _html = post_login(attacker, officer.username, WRONG)
        assert status == 400
    assert (
        AuditEntry.objects.filter(action="auth.login_failed", object_id=str(officer.pk)).count()
        == settings.LINTAS_LOGIN_FREE_FAILURES
    )
    assert (
        AuditEntry.objects.filter(action="auth.login_throttled", object_id=str(officer.pk)).count()
        == settings.LINTAS_LOGIN_USER_FREE_FAILURES
    )
    # The attacker's address waits; the officer at the desk signs in at once.
    assert post_login(attacker, officer.username, PASSWORD)[0] == 400
    status, _html = post_login(Client(REMOTE_ADDR="10.20.0.5"), officer.username, PASSWORD)
    assert status == 302


def test_back_off_doubles_per_failure_up_to_fifteen_minutes(officer: User) -> None:
    client = Client(REMOTE_ADDR="10.0.0.9")
    free = settings.LINTAS_LOGIN_FREE_FAILURES
    waits = []
    for n in range(free + 6):
        LoginThrottle.objects.filter(username=officer.username).update(blocked_until=None)
        post_login(client, officer.username, WRONG)
        row = LoginThrottle.objects.exclude(source="").get(username=officer.username)
        assert row.failures == n + 1
        waits.append(
            None
            if row.blocked_until is None
            else round((row.blocked_until - row.last_failure_at).total_seconds())
        )
    assert waits == [None] * (free - 1) + [30, 60, 120, 240, 480, 900, 900]


def test_many_sources_past_the_name_cap_slow_only_failed_sources(officer: User) -> None:
    cap = settings.LINTAS_LOGIN_USER_FREE_FAILURES
    for n in range(cap):
        post_login(Client(REMOTE_ADDR=f"198.51.100.{n % 250}"), officer.username, WRONG)
    assert throttles(officer.username)[0] == (False, cap, True)
    # A source that failed once waits now, even with the right password.
    assert post_login(Client(REMOTE_ADDR="198.51.100.1"), officer.username, PASSWORD)[0] == 400
    # A source that never failed still signs in.
    assert post_login(Client(REMOTE_ADDR="192.0.2.44"), officer.username, PASSWORD)[0] == 302


def test_admin_lifts_every_back_off(
    officer: User, user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(settings.LINTAS_LOGIN_FREE_FAILURES):
        post_login(client, officer.username, WRONG)
    admin = user_factory(Role.AGENCY_ADMIN, agency=officer.agency)
    admin_client = login_client(admin)
    assert "Cabut jeda" in admin_client.get(f"/accounts/users/{officer.pk}/").content.decode()
    response = admin_client.post(f"/accounts/users/{officer.pk}/unlock/")
    assert response.status_code == 302
    assert throttles(officer.username) == []
    assert "Cabut jeda" not in admin_client.get(f"/accounts/users/{officer.pk}/").content.decode()
    assert post_login(client, officer.username, PASSWORD)[0] == 302


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", "Bidang ini tidak boleh kosong."),
        (
            "petugas\x00",
            PASSWORD,
            "Permintaan ini memuat karakter NUL (U+0000), yang tidak diizinkan.",
        ),
        ("x" * 1_000_000, PASSWORD, "Pastikan nilai ini mengandung paling banyak 60 karakter"),
        ("petugas", "p" * 1_000_000, "Pastikan nilai ini mengandung paling banyak 256 karakter"),
        (
            "petugas",
            "sandi\x00",
            "Permintaan ini memuat karakter NUL (U+0000), yang tidak diizinkan.",
        ),
    ],
    ids=["empty", "nul-username", "1mb-username", "1mb-password", "nul-password"],
)
def test_bad_login_input_gets_clear_message(
    officer: User, username: str, password: str, message: str
) -> None:
    before = state(officer)
    status, html = post_login(Client(), username, password)
    assert status == 400
    assert message in html
    assert state(officer) == before


def test_post_without_csrf_token_is_refused(officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    before = state(officer)
    response = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()
    assert state(officer) == before


def test_forged_session_cookie_is_anonymous(officer: User) -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "forged" + "a" * 26
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _age_session(client: Client, *, auth_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[AUTH_AT] = now - auth_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_idle_timeout_after_thirty_minutes(
    officer: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(officer)
    _age_session(client, auth_ago=31 * 60, seen_ago=29 * 60)
    assert client.get("/").status_code == 200
    _age_session(client, auth_ago=62 * 60, seen_ago=31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?expired=idle")
    assert client.get("/").status_code == 302
    page = client.get("/accounts/login/?expired=idle").content.decode()
    assert "30 menit" in page
    assert AuditEntry.objects.filter(action="auth.session_idle_timeout").count() == 1


def test_absolute_timeout_after_twelve_hours(
    officer: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(officer)
    _age_session(client, auth_ago=12 * 3600 + 1, seen_ago=10)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?expired=absolute")
    assert AuditEntry.objects.filter(action="auth.session_absolute_timeout").count() == 1


def test_api_session_timeout_is_json(officer: User, login_client: Callable[[User], Client]) -> None:
    client = login_client(officer)
    _age_session(client, auth_ago=60, seen_ago=31 * 60)
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_logout_ends_session(officer: User, login_client: Callable[[User], Client]) -> None:
    client = login_client(officer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", object_id=str(officer.pk)).count() == 1


def test_logout_by_get_is_refused(officer: User, login_client: Callable[[User], Client]) -> None:
    client = login_client(officer)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_open_redirect_after_login_is_ignored(officer: User) -> None:
    response = Client().post(
        LOGIN + "?next=https://example.org/", {"username": officer.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_form_typed_when_the_session_ran_out_is_kept(
    user_factory: Callable[..., User], login_client: Callable[[User], Client]
) -> None:
    from lintas.accounts.middleware import SEEN_AT

    worker = user_factory(Role.CASE_WORKER)
    client = login_client(worker)
    _age_session(client, auth_ago=3600, seen_ago=31 * 60)
    response = client.post(
        "/cases/00000000-0000-0000-0000-000000000000/person/",
        {
            "first_name": "Yosefina",
            "second_name": "Tefa",
            "role": "victim",
            "csrfmiddlewaretoken": "x",
        },
        HTTP_REFERER="http://testserver/cases/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?expired=idle&next=%2Fcases%2F"
    stored = client.session["lintas_kept_form"]
    assert stored.startswith("enc1:")
    assert "Yosefina" not in stored
    assert SEEN_AT not in client.session
    signed_in = client.post(
        "/accounts/login/?next=/cases/",
        {"username": worker.username, "password": PASSWORD, "next": "/cases/"},
    )
    assert signed_in["Location"] == "/cases/"
    page = client.get("/cases/").content.decode()
    assert "Yang Anda ketik sudah dikembalikan" in page
    assert '"first_name": ["Yosefina"]' in page
    assert "csrfmiddlewaretoken" not in page.split('id="kept-form"')[1].split("</script>")[0]
    # Given back once only.
    assert "kept-form" not in client.get("/cases/").content.decode()


def test_public_report_survives_an_expired_staff_session(
    officer: User, login_client: Callable[[User], Client]
) -> None:
    client = login_client(officer)
    _age_session(client, auth_ago=60, seen_ago=31 * 60)
    response = client.get("/publik/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
