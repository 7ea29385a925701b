"""A lock held to the end of the current transaction, named by the caller.

For a rule that counts rows before it writes one (no more than so many answers a minute
to one number): two transactions counting at once would both see room. PostgreSQL takes a
transaction-scoped advisory lock on the name; SQLite's immediate transactions already
serialise every writer, so there it costs nothing.
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction


def _key(name: str) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def transaction_lock(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called ``name``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transaction_lock must run inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
