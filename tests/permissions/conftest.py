from __future__ import annotations

import pytest

from tests.permissions.world import World, build_world


@pytest.fixture
def world(reference: None) -> World:
    return build_world()
