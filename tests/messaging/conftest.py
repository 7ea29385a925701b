"""The real SMS gateway for the messaging tests: Kannel with a simulated operator.

``gateway`` starts Debian's bearerbox and smsbox, the bridge and a fakesmsc handset end
(``scripts/kanneltemp.py``) against the live test server, and points Lintas at them.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from lintas.messaging.models import InboundMessage, OutboundMessage, OutboundState

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kanneltemp.py"
_spec = importlib.util.spec_from_file_location("kanneltemp", _SCRIPT)
assert _spec is not None
assert _spec.loader is not None
kanneltemp = importlib.util.module_from_spec(_spec)
sys.modules["kanneltemp"] = kanneltemp
_spec.loader.exec_module(kanneltemp)
TempKannel = kanneltemp.TempKannel


@pytest.fixture(scope="session")
def kannel(live_server: LiveServer) -> Iterator[Any]:
    """One Kannel for the whole run (it starts in about a second, but needs the server)."""
    gateway = TempKannel(lintas_url=live_server.url).start()
    yield gateway
    gateway.stop()


@pytest.fixture
def gateway(kannel: Any, settings: Any, reference: None) -> Iterator[Any]:
    """The running gateway with Lintas configured to use it; handsets' inboxes start empty."""
    for name, value in kannel.environment().items():
        setattr(settings, name, value)
    kannel.handset_log.write_bytes(b"")
    yield kannel
    _quiet()


def _quiet(timeout: float = 15.0) -> None:
    """Wait until the gateway stops calling in (deliveries, reports): the test database is
    emptied after the test, and a call still being answered would hold its tables."""
    deadline = time.monotonic() + timeout
    seen, still = None, 0.0
    while time.monotonic() < deadline:
        now = (
            InboundMessage.objects.count(),
            list(OutboundMessage.objects.values_list("state", flat=True).order_by("pk")),
        )
        if now == seen:
            still += 0.25
            if still >= 1.0:
                return
        else:
            seen, still = now, 0.0
        time.sleep(0.25)


def wait_for(check: Callable[[], Any], *, timeout: float = 30.0, what: str = "") -> Any:
    """``check()`` once it is truthy; fails with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.1)


def settled(count: int) -> Callable[[], bool]:
    """True once ``count`` outbound messages are delivered or failed."""

    def check() -> bool:
        final = OutboundMessage.objects.filter(
            state__in=[OutboundState.DELIVERED, OutboundState.FAILED]
        ).count()
        return final >= count

    return check


def signed_post(client: Any, path: str, payload: Any, *, secret: str, **extra: str) -> Any:
    """POST ``payload`` as JSON to ``path``, signed as a gateway signs it."""
    import json

    from lintas.messaging import signing

    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = signing.sign_headers(secret, method="POST", path=path, body=body)
    headers.update(extra)
    return client.post(path, data=body, content_type="application/json", headers=headers)
