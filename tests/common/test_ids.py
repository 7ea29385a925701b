from __future__ import annotations

import time
import uuid

from hypothesis import given
from hypothesis import strategies as st

from lintas.common.ids import uuid7, uuid7_time_ms


def test_uuid7_has_version_and_variant() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_carries_the_creation_time() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= uuid7_time_ms(value) <= after


def test_uuid7_strictly_increase_within_a_process() -> None:
    values = [uuid7() for _ in range(20_000)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


@given(st.integers(min_value=2, max_value=300))
def test_uuid7_order_matches_string_order(n: int) -> None:
    values = [uuid7() for _ in range(n)]
    assert sorted(str(v) for v in values) == [str(v) for v in values]
