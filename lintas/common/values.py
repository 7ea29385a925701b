"""Plain values of model fields as JSON: one conversion for the outbox and the audit digest."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from typing import Any

# Never copied into the outbox nor into an audit digest: a secret stays where it is kept.
SECRET_COLUMNS = frozenset({"password"})


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value
