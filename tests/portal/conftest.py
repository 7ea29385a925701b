"""Fixtures of the portal tests; the browser fixtures come from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lintas.portal.security import limiter


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    """Every test starts with no counts (the test client always comes from 127.0.0.1)."""
    limiter.reset()
    yield
    limiter.reset()
