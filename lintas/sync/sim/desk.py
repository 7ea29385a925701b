"""An officer at a node's desk, over HTTP: signs in, registers crossings through the API."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class DeskDown(Exception):
    """The node's server did not answer (killed, restarting)."""


class Desk:
    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 20) -> None:
        self.base_url = base_url
        self.username = username
        self.password = password
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def _cookie(self, name: str) -> str:
        for cookie in self.jar:
            if cookie.name == name:
                return str(cookie.value)
        return ""

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise DeskDown(str(exc)) from exc

    def login(self) -> None:
        """Sign in through the login form, as a browser does (CSRF cookie first)."""
        self._open(urllib.request.Request(f"{self.base_url}/accounts/login/"))  # noqa: S310
        form = urllib.parse.urlencode(
            {
                "username": self.username,
                "password": self.password,
                "csrfmiddlewaretoken": self._cookie("csrftoken"),
            }
        ).encode()
        status, _body = self._open(
            urllib.request.Request(  # noqa: S310
                f"{self.base_url}/accounts/login/",
                data=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        if status != 200 or not self._cookie("lintas_session"):
            raise PermissionError(f"sign-in as {self.username} refused ({status})")

    def register(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST a crossing; (status, JSON reply). Raises DeskDown when the node is down."""
        request = urllib.request.Request(  # noqa: S310
            f"{self.base_url}/api/crossings",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self._cookie("csrftoken"),
            },
        )
        status, content = self._open(request)
        try:
            reply = json.loads(content or b"{}")
        except ValueError:
            reply = {"raw": content[:200].decode("utf-8", "replace")}
        return status, reply if isinstance(reply, dict) else {"reply": reply}
