"""The audit chain: appends, verification, and each kind of tampering."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry, AuditHead
from lintas.audit.selectors import audit_chain_verify
from lintas.audit.services import access_log_append, audit_append

pytestmark = pytest.mark.django_db


def append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_append(
                actor=None,
                action="test.write",
                obj=("test.thing", str(i)),
                changed={"name": f"Maria {i}"},
            )


def only_report() -> tuple[int, int | None, str]:
    [report] = audit_chain_verify(node="hub")
    return (
        report.entries,
        report.broken.seq if report.broken else None,
        (report.broken.reason if report.broken else ""),
    )


def last_seqs(k: int) -> list[int]:
    return list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[:k])[::-1]


def test_intact_chain_verifies(reference: None) -> None:
    append(5)
    total = AuditEntry.objects.filter(node="hub").count()
    assert only_report() == (total, None, "")
    head = AuditHead.objects.get(node="hub")
    assert head.seq == total
    assert head.hash == AuditEntry.objects.get(node="hub", seq=total).hash


def test_entries_hold_no_personal_data_in_clear(reference: None) -> None:
    append(1)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    row = " ".join(str(getattr(entry, f.attname)) for f in AuditEntry._meta.concrete_fields)
    assert "Maria" not in row
    assert entry.fields == "name"
    assert len(entry.digest) == 64


def test_edited_entry_is_named(reference: None) -> None:
    append(6)
    target = last_seqs(4)[0]
    AuditEntry.objects.filter(node="hub", seq=target).update(action="test.innocent")
    entries, seq, reason = only_report()
    assert (entries, seq) == (target - 1, target)
    assert "edited" in reason


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(reference: None) -> None:
    from lintas.audit.chain import entry_hash

    append(6)
    target = last_seqs(4)[0]
    entry = AuditEntry.objects.get(node="hub", seq=target)
    entry.object_id = "other"
    entry.hash = entry_hash(
        node=entry.node,
        seq=entry.seq,
        kind=entry.kind,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        fields=entry.fields,
        digest=entry.digest,
        prev_hash=entry.prev_hash,
    )
    entry.save()
    assert only_report()[1] == target + 1


def test_deleted_entry_is_named(reference: None) -> None:
    append(6)
    target = last_seqs(4)[0]
    AuditEntry.objects.filter(node="hub", seq=target).delete()
    entries, seq, reason = only_report()
    assert (entries, seq) == (target - 1, target)
    assert "deleted" in reason


def test_deleted_last_entries_are_caught_by_the_head(reference: None) -> None:
    append(6)
    last_two = last_seqs(2)
    AuditEntry.objects.filter(node="hub", seq__in=last_two).delete()
    entries, seq, reason = only_report()
    assert (entries, seq) == (last_two[0] - 1, last_two[0])
    assert "deleted" in reason


def _insert_forged(target: int, *, rehash: bool) -> None:
    from lintas.audit.chain import entry_hash

    # Make room by renumbering the later entries, then forge one in the gap.
    for seq in sorted(last_seqs(4), reverse=True):
        AuditEntry.objects.filter(node="hub", seq=seq).update(seq=seq + 1)
    forged = AuditEntry.objects.get(node="hub", seq=target + 1)
    forged.pk = None
    forged.seq = target
    forged.action = "test.forged"
    if rehash:
        forged.hash = entry_hash(
            node=forged.node,
            seq=forged.seq,
            kind=forged.kind,
            at=forged.at,
            actor_id=forged.actor_id,
            action=forged.action,
            object_type=forged.object_type,
            object_id=forged.object_id,
            fields=forged.fields,
            digest=forged.digest,
            prev_hash=forged.prev_hash,
        )
    forged.save()
    AuditHead.objects.filter(node="hub").update(seq=AuditEntry.objects.count())


def test_inserted_entry_is_named(reference: None) -> None:
    append(6)
    target = last_seqs(4)[0]
    _insert_forged(target, rehash=False)
    entries, seq, _ = only_report()
    assert (entries, seq) == (target - 1, target)


def test_inserted_entry_with_valid_hash_breaks_the_entry_after_it(reference: None) -> None:
    append(6)
    target = last_seqs(4)[0]
    _insert_forged(target, rehash=True)
    entries, seq, _ = only_report()
    assert (entries, seq) == (target, target + 1)


def test_reordered_entries_are_named(reference: None) -> None:
    append(6)
    a, b = last_seqs(4)[:2]
    AuditEntry.objects.filter(node="hub", seq=a).update(seq=-1)
    AuditEntry.objects.filter(node="hub", seq=b).update(seq=a)
    AuditEntry.objects.filter(node="hub", seq=-1).update(seq=b)
    entries, seq, _ = only_report()
    assert (entries, seq) == (a - 1, a)


def test_verify_command_exit_codes(reference: None, capsys: pytest.CaptureFixture[str]) -> None:
    append(3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    total = AuditEntry.objects.count()
    head = AuditHead.objects.get(node="hub").hash
    assert out.strip().splitlines() == [
        f"intact node=hub entries={total} head={head}",
        "covered node_records=0",
    ]
    AuditEntry.objects.filter(node="hub", seq=2).update(object_id="x")
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1
    assert "BROKEN node=hub first_bad_entry=2" in capsys.readouterr().out


def test_access_log_records_sensitive_reads(
    user_factory: Callable[..., User], login_client: Callable[[User], object]
) -> None:
    admin = user_factory(Role.SYSTEM_ADMIN)
    entry = access_log_append(actor=admin, obj=("cases.person", "abc"), purpose="victim_identity")
    assert (entry.kind, entry.action, entry.actor_id) == ("read", "read.victim_identity", admin.pk)
    assert only_report()[1] is None


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused(reference: None) -> None:
    with pytest.raises(RuntimeError):
        audit_append(actor=None, action="x", obj=("t", "1"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(reference: None) -> None:
    """Threads with their own connections append at once; the chain stays one line."""
    start = AuditEntry.objects.count()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_append(actor=None, action="test.concurrent", obj=("t", f"{k}-{i}"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == start + 40
    assert only_report() == (start + 40, None, "")
    assert connection.vendor in {"sqlite", "postgresql"}
