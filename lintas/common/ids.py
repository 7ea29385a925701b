"""UUIDv7 identifiers, made where a record is created (RFC 9562, section 5.7).

A post node makes ids while offline; ids from different nodes never collide, and ids
made on one node sort in creation order, which keeps B-tree inserts at the right edge.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_last_counter = 0

# 12 bits of rand_a serve as a counter within one millisecond (RFC 9562 method 1); the
# counter starts at a random point in its lower half so that it rarely overflows.
_COUNTER_BITS = 12
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1


def uuid7() -> uuid.UUID:
    """Return a new UUIDv7, strictly greater than the previous one made in this process."""
    global _last_ms, _last_counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _last_counter = int.from_bytes(os.urandom(2)) & (_COUNTER_MAX >> 1)
        else:
            # Same millisecond, or the clock stepped back: keep order by counting on.
            _last_counter += 1
            if _last_counter > _COUNTER_MAX:
                _last_ms += 1
                _last_counter = 0
        ms, counter = _last_ms, _last_counter
    rand_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)


def uuid7_time_ms(value: uuid.UUID) -> int:
    """The Unix time in milliseconds stored in a UUIDv7."""
    return value.int >> 80
