"""The bridge beside Kannel: signs what Kannel sends to Lintas, and sends each message once.

    python -m lintas.messaging.bridge --listen 127.0.0.1:13080 --lintas http://hub:8000 \\
        --sendsms http://127.0.0.1:13013/cgi-bin/sendsms --store /var/lib/lintas/bridge.db

Kannel cannot sign a call, and its ``sendsms`` interface has no idempotency key. The bridge
runs on the gateway machine and listens on loopback only, so that only Kannel reaches it:

- ``GET /kannel/mo`` (Kannel's ``get-url``): an incoming SMS, posted to Lintas's
  ``/api/messaging/inbound`` as signed JSON. A failure answers 503, so Kannel tries again
  (``http-request-retry``); Lintas keeps one message per Kannel id.
- ``GET /kannel/dlr`` (the ``dlr-url`` the bridge gave each message, with a keyed tag): a
  delivery report, posted to Lintas's ``/api/messaging/report`` as signed JSON.
- ``POST /send`` (signed by Lintas): one outbound SMS with its idempotency key. The key is
  written to the store before Kannel is called; the same key again answers with the first
  result and never reaches Kannel a second time, even after a crash of Lintas or of the
  bridge between the two. A key whose first call was cut off is answered ``unknown``: the
  message is not sent again, and its delivery report (the URL carries the key) settles it.

The secret comes from the environment (``LINTAS_GATEWAY_SECRET``), never from the command
line. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lintas.messaging import signing

logger = logging.getLogger("lintas.messaging.bridge")

TIMEOUT_SECONDS = 20
MAX_BODY = 64 * 1024
DLR_MASK = 31  # delivered, failed, buffered, accepted by the operator, refused by it


class Store:
    """Send keys and seen nonces, in one SQLite file that survives a restart."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=full")
        self._db.execute(
            "create table if not exists sent (key text primary key, state text not null,"
            " answer text not null default '', at real not null)"
        )
        self._db.execute("create table if not exists nonce (nonce text primary key, at real)")

    def nonce_fresh(self, nonce: str) -> bool:
        """Remember ``nonce``; False if it was seen within the signing window."""
        now = time.time()
        with self._lock:
            self._db.execute("delete from nonce where at < ?", (now - 2 * signing.WINDOW_SECONDS,))
            try:
                self._db.execute("insert into nonce values (?, ?)", (nonce, now))
            except sqlite3.IntegrityError:
                return False
        return True

    def claim(self, key: str) -> tuple[str, str] | None:
        """Take ``key`` for a first send; else the state and answer of its earlier send."""
        with self._lock:
            try:
                self._db.execute(
                    "insert into sent values (?, 'sending', '', ?)", (key, time.time())
                )
            except sqlite3.IntegrityError:
                row = self._db.execute(
                    "select state, answer from sent where key = ?", (key,)
                ).fetchone()
                return (str(row[0]), str(row[1]))
        return None

    def settle(self, key: str, state: str, answer: str) -> None:
        with self._lock:
            self._db.execute(
                "update sent set state = ?, answer = ?, at = ? where key = ?",
                (state, answer, time.time(), key),
            )

    def release(self, key: str) -> None:
        """Forget a key whose send Kannel refused before taking it: it may be tried again."""
        with self._lock:
            self._db.execute("delete from sent where key = ? and state = 'sending'", (key,))


class Bridge:
    def __init__(
        self,
        *,
        secret: str,
        lintas: str,
        sendsms: str,
        user: str,
        password: str,
        public: str,
        store: Store,
    ) -> None:
        self.secret = secret
        self.lintas = lintas.rstrip("/")
        self.sendsms = sendsms
        self.user = user
        self.password = password
        self.public = public.rstrip("/")
        self.store = store

    def post_signed(self, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = signing.sign_headers(self.secret, method="POST", path=path, body=body)
        request = urllib.request.Request(  # noqa: S310 - http(s) URL from the operator
            self.lintas + path,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return int(response.status), response.read()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()
        except (urllib.error.URLError, OSError) as error:
            logger.warning("Lintas unreachable: %s", error)
            return 503, b""

    def inbound(self, query: dict[str, str]) -> int:
        payload = {
            "message_id": query.get("id", ""),
            "from": query.get("from", ""),
            "to": query.get("to", ""),
            # Lintas refuses NUL bytes in a request; a stray one must not lose the message.
            "text": query.get("text", "").replace("\x00", ""),
            "sent_at": query.get("ts", ""),
            "gateway": "kannel",
        }
        status, _body = self.post_signed("/api/messaging/inbound", payload)
        # 4xx: Lintas read the call and refused the message for good; retrying cannot help.
        return 200 if status < 500 else 503

    def report(self, query: dict[str, str]) -> int:
        key = query.get("m", "")
        tag = signing.url_token(self.secret, purpose="dlr", value=key)
        if not key or query.get("k", "") != tag:
            return 403
        payload = {
            "key": key,
            "status": query.get("s", ""),
            "answer": query.get("a", "")[:200],
            "at": query.get("t", ""),
        }
        status, _body = self.post_signed("/api/messaging/report", payload)
        return 200 if status < 500 else 503

    def send(self, payload: dict[str, Any]) -> tuple[int, dict[str, str]]:
        key, to, text = payload.get("key"), payload.get("to"), payload.get("text")
        coding = payload.get("coding", 0)
        if not (isinstance(key, str) and isinstance(to, str) and isinstance(text, str)):
            return 400, {"status": "refused", "answer": "key, to and text are required"}
        if not 1 <= len(key) <= 64 or not to or not text or coding not in (0, 2):
            return 400, {"status": "refused", "answer": "bad key, number, text or coding"}
        earlier = self.store.claim(key)
        if earlier is not None:
            state, answer = earlier
            return 200, {
                "status": "unknown" if state == "sending" else state,
                "answer": answer,
                "duplicate": "yes",
            }
        tag = signing.url_token(self.secret, purpose="dlr", value=key)
        dlr_url = f"{self.public}/kannel/dlr?m={urllib.parse.quote(key)}&k={tag}&s=%d&a=%A&t=%T"
        query = urllib.parse.urlencode(
            {
                "username": self.user,
                "password": self.password,
                "to": to,
                "text": text,
                "charset": "UTF-8",
                "coding": str(coding),
                "dlr-mask": str(DLR_MASK),
                "dlr-url": dlr_url,
            }
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - Kannel's URL from the operator
                f"{self.sendsms}?{query}", timeout=TIMEOUT_SECONDS
            ) as response:
                answer = response.read().decode("utf-8", "replace").strip()[:200]
        except urllib.error.HTTPError as error:
            answer = error.read().decode("utf-8", "replace").strip()[:200]
            if error.code >= 500 or error.code == 429:
                self.store.release(key)  # Kannel did not take it: Lintas may try again
                return 503, {"status": "retry", "answer": answer}
            self.store.settle(key, "refused", answer)
            return 200, {"status": "refused", "answer": answer}
        except (urllib.error.URLError, OSError) as error:
            # Kannel may or may not have taken it: keep the key, never send it twice.
            self.store.settle(key, "sending", str(error)[:200])
            return 200, {"status": "unknown", "answer": str(error)[:200]}
        self.store.settle(key, "accepted", answer)
        return 200, {"status": "accepted", "answer": answer}


def handler_for(bridge: Bridge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, status: int, payload: dict[str, str] | None = None) -> None:
            body = json.dumps(payload or {}).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            if url.path == "/kannel/mo":
                self._answer(bridge.inbound(query))
            elif url.path == "/kannel/dlr":
                self._answer(bridge.report(query))
            else:
                self._answer(404)

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if url.path != "/send" or not 0 < length <= MAX_BODY:
                self._answer(404 if url.path != "/send" else 400)
                return
            body = self.rfile.read(length)
            try:
                signed = signing.verify(
                    bridge.secret,
                    headers=dict(self.headers.items()),
                    method="POST",
                    path=url.path,
                    body=body,
                )
            except signing.SignatureRefused as refused:
                self._answer(401, {"status": "refused", "answer": refused.reason})
                return
            if not bridge.store.nonce_fresh(signed.nonce):
                self._answer(401, {"status": "refused", "answer": "replayed call"})
                return
            try:
                payload = json.loads(body)
            except ValueError:
                self._answer(400, {"status": "refused", "answer": "not JSON"})
                return
            if not isinstance(payload, dict):
                self._answer(400, {"status": "refused", "answer": "not an object"})
                return
            status, answer = bridge.send(payload)
            self._answer(status, answer)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug(format, *args)  # never the query: it holds numbers and texts

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:13080")
    parser.add_argument("--lintas", required=True, help="base URL of the Lintas server")
    parser.add_argument("--sendsms", required=True, help="Kannel's sendsms URL")
    parser.add_argument("--user", default="lintas", help="Kannel sendsms-user")
    parser.add_argument("--store", required=True, help="SQLite file for keys and nonces")
    args = parser.parse_args(argv)
    secret = os.environ.get("LINTAS_GATEWAY_SECRET", "")
    password = os.environ.get("LINTAS_KANNEL_PASSWORD", "")
    if len(secret) < signing.MIN_SECRET_LENGTH or not password:
        print(
            "bridge: LINTAS_GATEWAY_SECRET and LINTAS_KANNEL_PASSWORD must be set", file=sys.stderr
        )
        return 2
    host, _sep, port = args.listen.rpartition(":")
    bridge = Bridge(
        secret=secret,
        lintas=args.lintas,
        sendsms=args.sendsms,
        user=args.user,
        password=password,
        public=f"http://{args.listen}",
        store=Store(args.store),
    )
    server = ThreadingHTTPServer((host, int(port)), handler_for(bridge))
    server.daemon_threads = True
    print(f"bridge: listening on {args.listen}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
