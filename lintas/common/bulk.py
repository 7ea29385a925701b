"""Many rows in one statement prepared once: for the hub applying a node's batch.

Django's ``bulk_create`` builds one SQL text with a placeholder per value for each
batch; for the tens of thousands of rows of a catch-up, that text building costs more
than the database. ``insert_rows`` prepares one row's statement and sends every row with
``executemany`` (psycopg pipelines it), with values prepared by the fields themselves.
``on_conflict_update`` turns it into an upsert on the primary key; SQLite and PostgreSQL
read the same ``ON CONFLICT ... DO UPDATE`` clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


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
    rows = []
    for obj in objs:
        for f in fields:
            if getattr(obj, f.attname) is None and f.has_default():
                setattr(obj, f.attname, f.get_default())
        rows.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
