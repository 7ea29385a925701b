"""A throw-away SMS gateway: Kannel, a simulated operator, and the Lintas bridge.

    python scripts/kanneltemp.py --lintas http://127.0.0.1:8000 -- COMMAND [ARGS...]

Writes a Kannel configuration into a temporary folder with free ports of 127.0.0.1, starts
Debian's ``bearerbox`` and ``smsbox``, the bridge (``lintas.messaging.bridge``), and a
``fakesmsc`` that plays every handset receiving messages; sets ``LINTAS_GATEWAY_URL``,
``LINTAS_GATEWAY_SECRET`` and ``LINTAS_GATEWAY_SENDER`` for the command, and removes
everything afterwards. Tests use ``TempKannel`` directly (tests/messaging/conftest.py):
``deliver()`` sends an SMS from a handset to the gateway as the operator would, and
``received()`` reads what the handsets got.

The operator has two links: messages from handsets come in on one, messages to handsets go
out on the other (``forced-smsc``), so that the handset end can listen the whole time while
each incoming message is a short ``fakesmsc`` run of its own.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
SHORT_CODE = "1717"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"kanneltemp: nothing listens on port {port}")


@dataclass(frozen=True)
class Received:
    """One SMS (or one part of a long one) as the handset got it."""

    sender: str
    to: str
    text: str
    udh: bytes


def _parse_received(line: str) -> Received | None:
    # fakesmsc prints: Got message N: <from to type [udh] data>
    start, end = line.find("<"), line.rfind(">")
    if "Got message" not in line or start < 0 or end < start:
        return None
    parts = line[start + 1 : end].split(" ", 3)
    if len(parts) < 4:
        return None
    sender, to, kind, rest = parts
    udh = b""
    if kind == "udh":
        udh_text, _sep, rest = rest.partition(" ")
        udh = urllib.parse.unquote_to_bytes(udh_text)
        kind, _sep, rest = rest.partition(" ")
    if kind in ("ucs-2", "data"):
        rest = rest.replace("+", "%20")  # fakesmsc writes a space byte as "+"
    if kind == "ucs-2":
        text = urllib.parse.unquote_to_bytes(rest).decode("utf-16-be", "replace")
    elif kind == "data":
        text = urllib.parse.unquote_to_bytes(rest).decode("latin-1")
    else:
        text = rest
    return Received(sender=sender, to=to, text=text, udh=udh)


def joined(parts: list[Received]) -> list[Received]:
    """Long messages put back together from their parts (concatenation UDH), in order."""
    whole: list[Received] = []
    groups: dict[tuple[str, int], dict[int, Received]] = {}
    counts: dict[tuple[str, int], int] = {}
    for part in parts:
        if len(part.udh) >= 6 and part.udh[1] == 0:
            key = (part.to, part.udh[3])
            groups.setdefault(key, {})[part.udh[5]] = part
            counts[key] = part.udh[4]
            if len(groups[key]) == counts[key]:
                ordered = [groups[key][i] for i in sorted(groups.pop(key))]
                text = "".join(p.text for p in ordered)
                whole.append(Received(part.sender, part.to, text, b""))
        else:
            whole.append(part)
    return whole


class TempKannel:
    def __init__(self, *, lintas_url: str) -> None:
        for binary in (BEARERBOX, SMSBOX, FAKESMSC):
            if not os.access(binary, os.X_OK):
                sys.exit(
                    f"kanneltemp: {binary} missing; install kannel and kannel-extras "
                    "(scripts/test-deps)"
                )
        self.root = Path(tempfile.mkdtemp(prefix="lintas-kannel-"))
        self.lintas_url = lintas_url.rstrip("/")
        self.secret = secrets.token_urlsafe(32)
        self.password = secrets.token_urlsafe(12)
        ports = [free_port() for _i in range(6)]
        self.admin_port, self.box_port, self.in_port, self.out_port = ports[:4]
        self.sendsms_port, self.bridge_port = ports[4:]
        self.processes: list[subprocess.Popen[bytes]] = []
        self.handset_log = self.root / "handsets.log"
        self._seen = 0

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.bridge_port}"

    def environment(self) -> dict[str, str]:
        """What a Lintas process needs to send through this gateway."""
        return {
            "LINTAS_GATEWAY_URL": self.bridge_url,
            "LINTAS_GATEWAY_SECRET": self.secret,
            "LINTAS_GATEWAY_SENDER": SHORT_CODE,
        }

    def _config(self) -> str:
        root = self.root
        return f"""
group = core
admin-port = {self.admin_port}
admin-password = {secrets.token_urlsafe(12)}
admin-interface = 127.0.0.1
smsbox-port = {self.box_port}
box-allow-ip = 127.0.0.1
log-file = "{root}/bearerbox.log"
log-level = 1
store-type = file
store-location = "{root}/store"
sms-combine-concatenated-mo = true
sms-combine-concatenated-mo-timeout = 600

group = smsc
smsc = fake
smsc-id = operator-in
allowed-smsc-id = operator-in
port = {self.in_port}
connect-allow-ip = 127.0.0.1

group = smsc
smsc = fake
smsc-id = operator
allowed-smsc-id = operator
port = {self.out_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{root}/smsbox.log"
log-level = 1
mo-recode = true
http-request-retry = 20
http-queue-delay = 1
max-pending-requests = 16

group = sendsms-user
username = lintas
password = {self.password}
forced-smsc = operator
default-sender = {SHORT_CODE}
max-messages = 20
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{self.bridge_url}/kannel/mo?id=%I&from=%p&to=%P&text=%a&ts=%T"
"""

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        out = (self.root / f"{name}.out").open("wb")
        self.processes.append(
            subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.root)
        )

    def start(self) -> TempKannel:
        conf = self.root / "kannel.conf"
        conf.write_text(self._config())
        (self.root / "store").mkdir()
        self._spawn("bearerbox", [BEARERBOX, "-v", "1", str(conf)])
        _wait_port(self.box_port)
        self._spawn("smsbox", [SMSBOX, "-v", "1", str(conf)])
        _wait_port(self.sendsms_port)
        env = {
            **os.environ,
            "LINTAS_GATEWAY_SECRET": self.secret,
            "LINTAS_KANNEL_PASSWORD": self.password,
            "PYTHONPATH": str(ROOT),
        }
        self._spawn(
            "bridge",
            [
                sys.executable,
                "-m",
                "lintas.messaging.bridge",
                "--listen",
                f"127.0.0.1:{self.bridge_port}",
                "--lintas",
                self.lintas_url,
                "--sendsms",
                f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms",
                "--store",
                str(self.root / "bridge.db"),
            ],
            env=env,
        )
        _wait_port(self.bridge_port)
        handsets = self.handset_log.open("wb")
        self.processes.append(
            subprocess.Popen(
                [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.out_port), "-m", "0", "x y text z"],
                stdout=handsets,
                stderr=subprocess.STDOUT,
                cwd=self.root,
            )
        )
        return self

    def deliver(
        self, sender: str, text: str = "", *, udh: bytes = b"", to: str = SHORT_CODE
    ) -> None:
        """One SMS from ``sender`` reaches the gateway, as the operator hands it over."""
        if udh:
            body = f"udh {urllib.parse.quote_from_bytes(udh, safe='')} {text}"
        elif text.isascii() and text.strip() == text and text:
            body = f"text {text}"
        else:
            body = "ucs2 " + urllib.parse.quote_from_bytes(text.encode("utf-16-be"), safe="")
        cmd = [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.in_port), "-m", "1", "-i", "0"]
        process = subprocess.Popen(
            [*cmd, f"{sender} {to} {body}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.root,
        )
        assert process.stdout is not None
        try:
            for raw in process.stdout:
                if b"sent message 1" in raw:
                    break
        finally:
            time.sleep(0.05)  # let the last bytes leave the socket before the link drops
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def received(self) -> list[Received]:
        """Every SMS part the handsets got so far, in arrival order."""
        lines = self.handset_log.read_text("utf-8", "replace").splitlines()
        return [r for r in (_parse_received(line) for line in lines) if r is not None]

    def wait_received(
        self, count: int, *, to: str | None = None, timeout: float = 30.0
    ) -> list[Received]:
        """The whole messages (parts joined) for ``to``, once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                r
                for r in joined(self.received())
                if to is None or r.to.lstrip("+") == to.lstrip("+")
            ]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def log(self, name: str) -> str:
        path = self.root / name
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" not in argv or "--lintas" not in argv:
        print(__doc__)
        return 2
    split = argv.index("--")
    lintas = argv[argv.index("--lintas") + 1]
    gateway = TempKannel(lintas_url=lintas).start()
    try:
        return subprocess.call(argv[split + 1 :], env={**os.environ, **gateway.environment()})
    finally:
        gateway.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
