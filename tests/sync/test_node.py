"""The node's side: back-off while the hub is away, retention, refusals before sending."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from lintas.sync.client import HubClient, push_all, sync_loop, sync_round
from lintas.sync.models import HubLink, OutboxEvent
from lintas.sync.protocol import SyncError
from lintas.sync.services import outbox_prune
from tests.sync.helpers import node_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(settings: Settings, reference: None) -> HubLink:
    settings.LINTAS_NODE = "post-motaain"
    return HubLink.objects.create(
        hub_url="http://127.0.0.1:1",  # nothing listens there: the hub is away
        node="post-motaain",
        private_key="0" * 64,
        hub_public_key="0" * 64,
        enrolled_at=timezone.now(),
    )


def test_loop_backs_off_while_the_hub_is_away(link: HubLink) -> None:
    node_change("Menunggu Hub")
    pending = OutboxEvent.objects.filter(acked_at__isnull=True).count()
    errors: list[str] = []
    started = time.monotonic()
    rounds, failures = sync_loop(
        interval=0.1,
        backoff_max=0.4,
        max_rounds=4,
        max_seconds=30,
        stop=threading.Event(),
        on_round=lambda report, error: errors.append(error.code if error else "ok"),
        rng=random.Random(3),
    )
    elapsed = time.monotonic() - started
    assert (rounds, failures, errors) == (4, 4, ["unreachable"] * 4)
    # Waits of 0.2, 0.4, 0.4, 0.4 s (doubling, capped), each jittered to 50-100 %.
    assert 0.7 <= elapsed < 5
    link.refresh_from_db()
    assert link.last_error.startswith("unreachable:")
    assert link.last_attempt_at is not None
    assert link.last_success_at is None
    assert OutboxEvent.objects.filter(acked_at__isnull=True).count() == pending


def test_loop_stops_when_told(link: HubLink) -> None:
    stop = threading.Event()
    stop.set()
    assert sync_loop(interval=10, backoff_max=10, max_rounds=5, max_seconds=30, stop=stop) == (0, 0)


def test_prune_keeps_every_unacknowledged_event(link: HubLink) -> None:
    for i in range(4):
        node_change(f"Retensi {i}")
    events = list(OutboxEvent.objects.order_by("id"))
    long_ago = timezone.now() - timedelta(days=200)
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events[:2]]).update(acked_at=long_ago)
    OutboxEvent.objects.filter(pk=events[2].pk).update(acked_at=timezone.now())
    HubLink.objects.filter(pk=1).update(sent_seq=events[2].pk)
    assert outbox_prune() == 2
    left = list(OutboxEvent.objects.order_by("id").values_list("pk", "acked_at"))
    assert [pk for pk, _at in left] == [e.pk for e in events[2:]]
    assert left[-1][1] is None  # never acknowledged: never deleted
    assert HubLink.objects.get().pruned_through == events[1].pk


def test_a_hub_needing_pruned_events_is_reported_not_silently_skipped(link: HubLink) -> None:
    node_change("Terlalu Lama")
    newest = OutboxEvent.objects.order_by("-id").values_list("pk", flat=True).first()
    assert newest is not None
    HubLink.objects.filter(pk=1).update(sent_seq=0, pruned_through=newest - 1)
    with pytest.raises(SyncError) as refused:
        push_all(HubClient(HubLink.objects.get()), max_batches=3)
    assert refused.value.code == "cannot_refill"


def test_sync_needs_an_enrolment(settings: Settings, db: None) -> None:
    settings.LINTAS_NODE = "post-motaain"
    with pytest.raises(SyncError) as refused:
        sync_round()
    assert refused.value.code == "not_enrolled"
    with pytest.raises(CommandError) as failed:
        call_command("sync")
    assert "not_enrolled" in str(failed.value)


def test_a_database_enrolled_as_another_node_refuses_to_sync(
    link: HubLink, settings: Settings
) -> None:
    settings.LINTAS_NODE = "post-wini"
    with pytest.raises(SyncError) as refused:
        sync_round()
    assert refused.value.code == "wrong_node"
