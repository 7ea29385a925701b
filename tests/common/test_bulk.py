"""Many rows at once: the same rows on SQLite and PostgreSQL (COPY there), errors as Django's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lintas.common.bulk import insert_rows
from lintas.common.ids import uuid7
from lintas.sync.models import SyncConflict

pytestmark = pytest.mark.django_db


def _conflict(**values: object) -> SyncConflict:
    now = timezone.now()
    fields = {
        "id": uuid7(),
        "model": "screening.alert",
        "record_id": str(uuid7()),
        "node": "post-motaain",
        "kind": "version",
        "fields": "status",
        "hub_state": {"status": "open", "nama": 'Jos\u00e9 \u2014 "kutip"\\ \t baris\nbaru'},
        "node_state": {"daftar": [1, 2.5, None, True]},
        "node_seq": 7,
        "created_at": now - timedelta(minutes=3),
        "updated_at": now,
    }
    return SyncConflict(**(fields | values))


def test_inserted_rows_read_back_exactly() -> None:
    rows = [_conflict(), _conflict(node_seq=8, fields="")]
    assert insert_rows(SyncConflict, rows) == 2
    for made in rows:
        stored = SyncConflict.objects.get(pk=made.pk)
        assert (stored.hub_state, stored.node_state, stored.node_seq, stored.fields) == (
            made.hub_state,
            made.node_state,
            made.node_seq,
            made.fields,
        )
        assert (stored.created_at, stored.updated_at) == (made.created_at, made.updated_at)
        assert stored.resolved_at is None


def test_a_duplicate_key_is_djangos_integrity_error_and_writes_nothing() -> None:
    first = _conflict()
    insert_rows(SyncConflict, [first])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(SyncConflict, [_conflict(), _conflict(id=first.pk)])
    assert SyncConflict.objects.count() == 1


def test_an_upsert_replaces_the_named_columns() -> None:
    first = _conflict()
    insert_rows(SyncConflict, [first])
    first.node_seq = 99
    insert_rows(SyncConflict, [first], on_conflict_update=["node_seq"])
    assert SyncConflict.objects.get(pk=first.pk).node_seq == 99
