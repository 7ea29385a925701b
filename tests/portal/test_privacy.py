"""No client address and no user agent anywhere: database, database file, logs of every server.

The reporter's requests come from a distinctive address and user agent; afterwards every
table, the SQLite file and its WAL, the records of every logger (formatted as the settings
format them), the output of Django's development server (``django.server``) and the output
of gunicorn run as docs/operations.md runs it are searched for them.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.test import Client, override_settings

from lintas.cases.models import Tip, TipMessage
from tests.portal.helpers import CSRF_RE, receipt_in, tip_data, token_in

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_IP = "203.0.113.195"
USER_AGENT = "LintasProbe/9.1 (Linux; Android 8.1; itel A16 Plus) Build/ZX42Q"
LOOPBACK_SOURCE = "127.0.0.93"  # a loopback address no server line mentions by itself
GATEWAY_TOKEN = "gateway-secret-for-privacy-test-0123456789"
NEEDLES = (CLIENT_IP, USER_AGENT, "LintasProbe", LOOPBACK_SOURCE)


class Collect(logging.Handler):
    """Keeps each record formatted as the console handler of the settings formats it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def wsgi_app() -> WSGIHandler:
    """Made before ``logs``: building it runs ``django.setup()``, which re-applies LOGGING."""
    return get_wsgi_application()


@pytest.fixture
def logs(wsgi_app: WSGIHandler) -> Iterator[Collect]:
    """Every logger at DEBUG, including ``django.server`` (which does not propagate)."""
    handler = Collect()
    console = logging.getLogger("django.server").handlers[0]
    handler.setFormatter(console.formatter)
    root = logging.getLogger()
    server = logging.getLogger("django.server")
    levels = (root.level, server.level)
    root.addHandler(handler)
    server.addHandler(handler)
    root.setLevel(logging.DEBUG)
    server.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    server.removeHandler(handler)
    root.setLevel(levels[0])
    server.setLevel(levels[1])


def database_dump() -> str:
    parts = []
    for table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                parts.append(
                    repr(
                        [
                            bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else v
                            for v in row
                        ]
                    )
                )
    return "\n".join(parts)


def database_files() -> bytes:
    """The SQLite file and its WAL, as bytes (PostgreSQL: the table dump covers it).

    Read by another process: closing a descriptor of the database file in this process
    would drop this process's POSIX locks on it (SQLite's documented corruption trap), and
    the next server to exit would take itself for the last user and remove the WAL.
    """
    if connection.vendor != "sqlite":
        return b""
    name = str(connection.settings_dict["NAME"])
    reader = (
        "import sys, pathlib\n"
        "for p in sys.argv[1:]:\n"
        "    f = pathlib.Path(p)\n"
        "    sys.stdout.buffer.write(f.read_bytes() if f.exists() else b'')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", reader, name, f"{name}-wal"], capture_output=True, check=True
    ).stdout


def assert_nowhere(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} found in {where}"


class Browser:
    """A bare HTTP client from a chosen loopback source address, keeping cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(LOOPBACK_SOURCE, 0)
        )
        sent = {"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_IP, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body.encode(), headers=sent)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        conn.close()
        return response.status, text

    def report_and_follow_up(self) -> None:
        """The whole public path: form, tip, check, add information, a wrong code, a 404."""
        status, form = self.request("GET", "/publik/lapor/")
        assert status == 200
        csrf = CSRF_RE.search(form)
        assert csrf is not None
        form_body = urlencode({**tip_data(), "csrfmiddlewaretoken": csrf[1]})
        posted = {"Content-Type": "application/x-www-form-urlencoded"}
        status, receipt_page = self.request("POST", "/publik/lapor/", form_body, posted)
        assert status == 200, receipt_page[:500]
        code = receipt_in(receipt_page)
        check = urlencode({"code": code, "csrfmiddlewaretoken": csrf[1]})
        status, status_page = self.request("POST", "/publik/cek/", check, posted)
        assert status == 200
        add = urlencode(
            {
                "code": code,
                "text": "Info tambahan",
                "token": token_in(status_page),
                "csrfmiddlewaretoken": csrf[1],
            }
        )
        assert self.request("POST", "/publik/cek/tambah/", add, posted)[0] == 200
        wrong = urlencode({"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", "csrfmiddlewaretoken": csrf[1]})
        assert self.request("POST", "/publik/cek/", wrong, posted)[0] == 200
        no_csrf = urlencode(tip_data())
        assert self.request("POST", "/publik/lapor/", no_csrf, posted)[0] == 403
        assert self.request("GET", "/publik/pos/nowhere/")[0] == 404
        sms = json.dumps(
            {"message_id": f"gw-{self.port}", "from": "081234567890", "text": "Tolong, ada calo"}
        )
        gateway = {"Content-Type": "application/json", "X-Lintas-Gateway-Token": GATEWAY_TOKEN}
        assert self.request("POST", "/api/portal/sms", sms, gateway)[0] == 201


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The test database, as ``LINTAS_DATABASE_URL`` for a server in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(str(db['NAME'])).resolve()}"
    auth = quote(str(db["USER"]), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_the_test_client_path_stores_and_logs_no_address_or_agent(
    reference: None, logs: Collect
) -> None:
    with override_settings(LINTAS_SMS_GATEWAY_TOKEN=GATEWAY_TOKEN):
        client = Client(
            REMOTE_ADDR=CLIENT_IP,
            HTTP_USER_AGENT=USER_AGENT,
            HTTP_X_FORWARDED_FOR=CLIENT_IP,
            HTTP_X_REAL_IP=CLIENT_IP,
        )
        code = receipt_in(client.post("/publik/lapor/", tip_data()).content.decode())
        page = client.post("/publik/cek/", {"code": code}).content.decode()
        client.post(
            "/publik/cek/tambah/", {"code": code, "text": "Tambahan", "token": token_in(page)}
        )
        client.post("/publik/cek/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
        strict = Client(enforce_csrf_checks=True, REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=USER_AGENT)
        assert strict.post("/publik/lapor/", tip_data()).status_code == 403
        assert client.get("/publik/pos/nowhere/").status_code == 404
        sms = client.post(
            "/api/portal/sms",
            data=json.dumps({"message_id": "m-1", "from": "0812 3456 7890", "text": "Tolong"}),
            content_type="application/json",
            HTTP_X_LINTAS_GATEWAY_TOKEN=GATEWAY_TOKEN,
        )
        assert sms.status_code == 201
    assert Tip.objects.count() == 2
    assert TipMessage.objects.count() == 1
    assert Session.objects.count() == 0
    assert_nowhere(database_dump(), "the database tables")
    assert_nowhere(database_files().decode("latin-1"), "the SQLite file or WAL")
    assert any("Public form refused by the CSRF check" in line for line in logs.lines)
    assert any("Not Found: /publik/pos/nowhere/" in line for line in logs.lines)
    assert_nowhere("\n".join(logs.lines), "the logs")


def test_djangos_development_server_logs_no_address_or_agent(
    reference: None, wsgi_app: WSGIHandler, logs: Collect
) -> None:
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(wsgi_app)

    def serve() -> None:
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with override_settings(LINTAS_SMS_GATEWAY_TOKEN=GATEWAY_TOKEN):
            Browser(server.server_address[1]).report_and_follow_up()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    served = [line for line in logs.lines if '"POST /publik/lapor/ HTTP/1.1" 200' in line]
    assert len(served) == 1
    assert re.fullmatch(
        r"\S+ \S+ INFO django\.server \"POST /publik/lapor/ HTTP/1\.1\" 200 \d+", served[0]
    )
    assert_nowhere("\n".join(logs.lines), "the django.server log")
    assert_nowhere(database_dump(), "the database tables")
    assert_nowhere(database_files().decode("latin-1"), "the SQLite file or WAL")


# If access logs are ever wanted: time, request line, status and size, nothing about the client.
SAFE_ACCESS_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s'


@pytest.mark.parametrize(
    ("access_log", "leaks"),
    [
        ((), False),  # as docs/operations.md runs it: no access log
        (("--access-logfile", "-", "--access-logformat", SAFE_ACCESS_FORMAT), False),
        # The control: gunicorn's default access format does record address and agent,
        # which shows that this search would find them.
        (("--access-logfile", "-"), True),
    ],
    ids=["as-operated", "safe-access-log", "default-access-log-leaks"],
)
def test_gunicorn_as_operated_logs_no_address_or_agent(
    reference: None, tmp_path: Path, access_log: tuple[str, ...], leaks: bool
) -> None:
    port = free_port()
    output = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "LINTAS_TESTING": "1",
        "LINTAS_DATABASE_URL": database_url(),
        "LINTAS_SMS_GATEWAY_TOKEN": GATEWAY_TOKEN,
        "LINTAS_SECRET_KEY": settings.SECRET_KEY,
    }
    # The command of docs/operations.md, with one worker and a free port.
    command = [sys.executable, "-m", "gunicorn", "lintas.wsgi", "--workers", "1",
               "--bind", f"127.0.0.1:{port}", *access_log]  # fmt: skip
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=settings.PROJECT_DIR
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
        Browser(port).report_and_follow_up()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    log = output.read_text()
    assert "Listening at: http://127.0.0.1:" in log
    assert "Not Found: /publik/pos/nowhere/" in log  # Django's own logging reached it
    if leaks:
        assert LOOPBACK_SOURCE in log
        assert USER_AGENT in log
    else:
        assert_nowhere(log, "gunicorn's output")
    assert Tip.objects.count() == 2
    assert_nowhere(database_dump(), "the database tables")
    assert_nowhere(database_files().decode("latin-1"), "the SQLite file or WAL")
