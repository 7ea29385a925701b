"""Many rows in one statement prepared once: for the hub applying a node's batch.

Django's ``bulk_create`` builds one SQL text with a placeholder per value for each
batch; for the tens of thousands of rows of a catch-up, that text building costs more
than the database. ``insert_rows`` prepares one row's statement and sends every row with
``executemany`` (psycopg pipelines it), with values prepared by the fields themselves.
``on_conflict_update`` turns it into an upsert on the primary key; SQLite and PostgreSQL
read the same ``ON CONFLICT ... DO UPDATE`` clause. Plain inserts on PostgreSQL go by
``COPY`` instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


def _converter(
    field: models.Field[Any, Any], conn: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """The field's value as the database driver takes it; None when it takes it as it is.

    Keys, texts and numbers need no preparation beyond what the driver does (a UUID is a
    32-character hex text on SQLite); everything else goes through the field itself.
    """
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.UUIDField):
        if conn.vendor == "sqlite":
            return lambda v: (
                None if v is None else v.hex if type(v) is uuid.UUID else uuid.UUID(str(v)).hex
            )
        return lambda v: None if v is None else v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))
    if type(field) is models.DateTimeField:
        if conn.vendor == "postgresql":
            return None  # psycopg adapts aware datetimes itself; Django's adapter is a no-op
        adapt = conn.ops.adapt_datetimefield_value
        if conn.vendor == "sqlite" and settings.USE_TZ and str(conn.timezone) == "UTC":
            # What ``adapt`` gives (the UTC time as naive text), without its checks per value.
            def utc_text(v: Any) -> Any:
                if v is None:
                    return None
                if type(v) is not dt.datetime or v.tzinfo is None:
                    return adapt(v)
                if v.utcoffset():
                    v = v.astimezone(dt.UTC)
                return str(v.replace(tzinfo=None))

            return utc_text
        return lambda v: None if v is None else adapt(v)
    if type(target) in (
        models.CharField,
        models.TextField,
        models.SlugField,
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.BooleanField,
        models.AutoField,
        models.BigAutoField,
    ):
        return None
    return lambda v: field.get_db_prep_save(v, conn)


def _statement(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    on_conflict_update: Sequence[str] | None,
    conn: BaseDatabaseWrapper,
) -> str:
    quote = conn.ops.quote_name
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    pk = model._meta.pk
    assert pk is not None
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 -- names from the model
    if on_conflict_update:
        updates = ", ".join(
            f"{quote(column[n])} = excluded.{quote(column[n])}" for n in on_conflict_update
        )
        sql += f" ON CONFLICT ({quote(column[pk.name])}) DO UPDATE SET {updates}"
    return sql


def _send(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: list[list[Any]],
    on_conflict_update: Sequence[str] | None,
    conn: BaseDatabaseWrapper,
) -> int:
    """Convert the columns that need it, in place, and send every row with one statement."""
    if not rows:
        return 0
    for i, f in enumerate(fields):
        to_db = _converter(f, conn)
        if to_db is not None:
            for row in rows:
                row[i] = to_db(row[i])
    if conn.vendor == "postgresql" and not on_conflict_update:
        return _copy(model, fields, rows, conn)
    with conn.cursor() as cursor:
        cursor.executemany(_statement(model, fields, on_conflict_update, conn), rows)
    return len(rows)


def _copy(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: list[list[Any]],
    conn: BaseDatabaseWrapper,
) -> int:
    """PostgreSQL's COPY: the rows streamed in one command, each value dumped by psycopg's C
    adapters, instead of a statement per row composed and quoted on the client."""
    quote = conn.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    command = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # The driver's own cursor, so its errors are turned into Django's as for a statement.
    with conn.wrap_database_errors, conn.cursor() as cursor, cursor.cursor.copy(command) as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def insert_values(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows given as Python values of the columns ``attnames``, in that order.

    For rows that never were model instances (the audit entries of a push): no instance
    is made for each, the values go to the driver as ``insert_rows`` would send them.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[a] for a in attnames]
    return _send(model, fields, [list(r) for r in rows], None, conn)


def insert_rows(
    model: type[models.Model],
    objs: Iterable[models.Model],
    *,
    on_conflict_update: Sequence[str] | None = None,
) -> int:
    """Insert ``objs`` (every concrete column, the primary key included); return the count.

    With ``on_conflict_update`` (field names), a row whose primary key exists already has
    those columns replaced instead.
    """
    objs = list(objs)
    # The real connection once: each attribute read through the proxy costs a lookup.
    connection = connections[DEFAULT_DB_ALIAS]
    pk = model._meta.pk
    assert pk is not None
    # An automatic key left empty is the database's to give (PostgreSQL refuses a NULL).
    auto_pk = isinstance(pk, models.AutoField | models.BigAutoField) and all(
        getattr(o, pk.attname) is None for o in objs
    )
    fields = [f for f in model._meta.concrete_fields if not (auto_pk and f is pk)]
    defaults = [(f.attname, f) for f in fields if f.has_default()]
    attnames = [f.attname for f in fields]
    rows = []
    for obj in objs:
        values = obj.__dict__
        for attname, f in defaults:
            if values.get(attname) is None:
                setattr(obj, attname, f.get_default())
        rows.append([values[a] if a in values else getattr(obj, a) for a in attnames])
    return _send(model, fields, rows, on_conflict_update, connection)
