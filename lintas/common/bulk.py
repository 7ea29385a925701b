"""Many rows in one statement prepared once: for the hub applying a node's batch.

Django's ``bulk_create`` builds one SQL text with a placeholder per value for each
batch; for the tens of thousands of rows of a catch-up, that text building costs more
than the database. ``insert_rows`` prepares one row's statement and sends every row with
``executemany`` (psycopg pipelines it), with values prepared by the fields themselves.
``on_conflict_update`` turns it into an upsert on the primary key; SQLite and PostgreSQL
read the same ``ON CONFLICT ... DO UPDATE`` clause.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


def _converter(field: models.Field[Any, Any], conn: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """The field's value as the database driver takes it.

    Keys, texts and numbers need no preparation beyond what the driver does (a UUID is a
    32-character hex text on SQLite); everything else goes through the field itself.
    """
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.UUIDField):
        as_uuid: Callable[[Any], Any] = lambda v: (  # noqa: E731
            None if v is None else v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))
        )
        if conn.vendor == "sqlite":
            return lambda v: None if v is None else as_uuid(v).hex
        return as_uuid
    if type(field) is models.DateTimeField:
        adapt = conn.ops.adapt_datetimefield_value
        return lambda v: None if v is None else adapt(v)
    if type(field) in (
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
        return lambda v: v
    return lambda v: field.get_db_prep_save(v, conn)


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
    quote = connection.ops.quote_name
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(column[f.name]) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 -- names from the model
    if on_conflict_update:
        updates = ", ".join(
            f"{quote(column[n])} = excluded.{quote(column[n])}" for n in on_conflict_update
        )
        sql += f" ON CONFLICT ({quote(column[pk.name])}) DO UPDATE SET {updates}"
    convert = [(f.attname, _converter(f, connection), f.has_default(), f) for f in fields]
    rows = []
    for obj in objs:
        row = []
        for attname, to_db, has_default, f in convert:
            value = getattr(obj, attname)
            if value is None and has_default:
                value = f.get_default()
                setattr(obj, attname, value)
            row.append(to_db(value))
        rows.append(row)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
