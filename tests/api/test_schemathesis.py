"""The API fuzzed against its own OpenAPI schema, anonymous and as four roles.

Schemathesis generates requests for every operation of ``/api/openapi.json`` (valid data and
data that breaks the schema), sends them to the WSGI application with a real signed-in
session, and checks each answer: no server error, a status code the operation documents, a
body that matches the documented schema for that status, valid data accepted and invalid
data refused. Records built through the services give the path parameters ids that exist.

``/api/sync/push`` and ``/api/sync/pull`` are plain Django views with their own signed
scheme, not operations of the schema, so they are not fuzzed here. The SMS gateway webhook
is an operation of the schema: it is fuzzed with its gateway token. The SMS bridge's calls
(``/api/messaging/*``) pass through a signing front, as the bridge signs each call, so that the
fuzzed bodies reach the handler; their refusal unsigned is tested with the bridge.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import Crossing
from lintas.crossings.services import market_visit_register
from lintas.messaging.signing import SIGNATURE_HEADER, sign_headers
from lintas.places.models import Post
from lintas.portal.api import TOKEN_HEADER
from lintas.screening.models import Alert
from tests.factories import PASSWORD, make_user
from tests.screening.conftest import cross

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode: about 660 requests per role (1,050 anonymous),
# some 15 s per role on an idle 2-core machine.
MAX_EXAMPLES = 25
GATEWAY_TOKEN = "schemathesis-gateway-token-0123456789"
BRIDGE_SECRET = "schemathesis-bridge-secret-0123456789abcdef"
# A bridge call carrying this in place of its signature is signed by the front; the checks
# that drop or spoil the signature send something else, and are refused.
SIGN_HERE = "sign-here"
# Valid data by the schema may still break a business rule the schema cannot state (an entry
# point of the caller's post, an MRZ check digit, a known district): the service answers 422.
# A NUL character is a valid JSON Schema string, but the server refuses any request holding
# one, whole, with 400.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]
"""
ROLES = [
    "anonymous",
    Role.POST_OFFICER,
    Role.SUPERVISOR,
    Role.CASE_WORKER,
    Role.OUTREACH_COORDINATOR,
]


@dataclass
class Run:
    """What one role's run did: cases per operation and every failed check."""

    cases: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    nothing_to_negate: list[str] = field(default_factory=list)
    statuses: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class Known:
    """Ids that exist, so that generated requests also reach the records behind them."""

    path_parameters: dict[str, dict[str, str]]


@dataclass
class Session:
    headers: dict[str, str]
    cookies: dict[str, str]


def _session(user: User | None) -> Session:
    """Cookies and CSRF header of a browser session: the login page, then the real sign-in."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"].value
    if user is not None:
        response = client.post(
            "/accounts/login/",
            {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
        assert response.status_code == 302, response.content[:300]
        csrf = client.cookies["csrftoken"].value
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    # The WSGI transport does not unpack a gzipped answer as an HTTP client does: ask for none
    # (the phone's places answer is gzipped on request; tests/mobile checks that form).
    headers = {"X-CSRFToken": csrf, "Referer": "http://localhost/", "Accept-Encoding": "identity"}
    return Session(headers=headers, cookies=cookies)


def _known_records() -> Known:
    motaain = Post.objects.get(code="motaain")
    desk = make_user(Role.POST_OFFICER, post=motaain)
    crossing: Crossing = cross(desk, purpose="work", destination="Nunukan")
    alert = Alert.objects.get(crossing=crossing)
    registrar = make_user(Role.MARKET_REGISTRAR, post=motaain)
    visit = market_visit_register(
        actor=registrar, full_name="Maria Soares", origin_village="Batugade", id_number=""
    )
    alert_id = {"alert_id": str(alert.pk)}
    return Known(
        path_parameters={
            "/api/places/regencies/{code}/districts": {"code": "53.04"},
            "/api/places/districts/{code}/villages": {"code": "53.04.02"},
            "/api/market/visits/{number}/checkout": {"number": visit.visit_number},
            "/api/alerts/{alert_id}/acknowledge": alert_id,
            "/api/alerts/{alert_id}/close": alert_id,
            "/api/screening/{crossing_id}": {"crossing_id": str(crossing.pk)},
        }
    )


class _ServerErrors(logging.Handler):
    """Keeps the tracebacks Django logs for 500 answers, to name the cause in the report."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)[-1500:]
        self.records.append(text)


def _signing_front(app: WSGIHandler) -> Any:
    """The SMS bridge's side of its calls: a call asking for it is signed, as sent."""

    def front(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_X_LINTAS_SIGNATURE") == SIGN_HERE:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            method = environ.get("REQUEST_METHOD", "")
            signed = sign_headers(BRIDGE_SECRET, method=method, path=path, body=body)
            for name, value in signed.items():
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        return app(environ, start_response)

    return front


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> Any:
    """The schema as the server publishes it, bound to the WSGI application."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(
            "/api/openapi.json",
            _signing_front(WSGIHandler()),
            config=schemathesis.Config.from_str(CONFIG),
        )


@contextmanager
def _open_connection() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def server_errors() -> Iterator[_ServerErrors]:
    handler = _ServerErrors()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _fuzz(
    operation: Any,
    strategy: Any,
    headers: dict[str, str],
    run: Run,
    errors: _ServerErrors,
) -> None:
    label = operation.label

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        run.cases[label] = run.cases.get(label, 0) + 1
        before = len(errors.records)
        try:
            response = case.call_and_validate(headers=headers)
            run.statuses.setdefault(label, set()).add(response.status_code)
        except FailureGroup as exc:
            run.failures.append(f"{label}: {exc}"[:3000])
        finally:
            run.server_errors.extend(f"{label}: {text}" for text in errors.records[before:])

    try:
        check()
    except Unsatisfiable:
        # Nothing to break: every part of the request is fixed (the session) or absent.
        run.nothing_to_negate.append(label)


def _strategies(operation: Any, known: Known, cookies: dict[str, str]) -> Iterator[Any]:
    """Valid data, invalid data, and valid data for records that exist; the session is given."""
    yield operation.as_strategy(generation_mode=GenerationMode.POSITIVE, cookies=cookies)
    yield operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, cookies=cookies)
    fixed = known.path_parameters.get(operation.path)
    if fixed:
        yield operation.as_strategy(
            generation_mode=GenerationMode.POSITIVE, cookies=cookies, path_parameters=fixed
        )


@override_settings(LINTAS_SMS_GATEWAY_TOKEN=GATEWAY_TOKEN, LINTAS_GATEWAY_SECRET=BRIDGE_SECRET)
@pytest.mark.parametrize("role", ROLES)
def test_api_conforms_to_its_schema(
    role: str, schema: Any, reference: None, server_errors: _ServerErrors
) -> None:
    known = _known_records()
    user = None
    if role != "anonymous":
        user = make_user(role, post=Post.objects.get(code="motaain"))
    session = _session(user)
    operations = [result.ok() for result in schema.get_all_operations()]
    run = Run()
    started = time.monotonic()
    with _open_connection():
        for operation in operations:
            extra = {TOKEN_HEADER: GATEWAY_TOKEN} if operation.path == "/api/portal/sms" else {}
            if operation.path.startswith("/api/messaging/"):
                extra = {SIGNATURE_HEADER: SIGN_HERE}
            for strategy in _strategies(operation, known, session.cookies):
                _fuzz(operation, strategy, {**session.headers, **extra}, run, server_errors)
    elapsed = time.monotonic() - started
    total = sum(run.cases.values())
    print(f"{role}: {len(operations)} operations, {total} cases in {elapsed:.1f} s")
    print(f"  cases per operation: {run.cases}")
    print(f"  no invalid variant: {run.nothing_to_negate}")
    print(f"  statuses: { {k: sorted(v) for k, v in run.statuses.items()} }")
    assert len(operations) == 33
    assert sorted(run.cases) == sorted(op.label for op in operations)
    assert min(run.cases.values()) > 0
    # The session is real: signed in, the caller is known; anonymous, refused.
    assert run.statuses["GET /api/accounts/me"] == ({401} if user is None else {200})
    assert run.server_errors == [], "\n\n".join(run.server_errors[:3])
    assert run.failures == [], "\n\n".join(run.failures[:3])
