"""The node's side of the protocol: enrolment, push, pull, one round, and the daemon.

Every step saves its progress in its own transaction as soon as the hub confirmed it, so
an interruption anywhere (power, link, hub) resumes where it stopped. An event is marked
acknowledged only when the hub's signed ack arrived, and is never deleted before that.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.chain import format_time
from lintas.audit.models import AuditEntry, AuditHead
from lintas.audit.services import audit_append
from lintas.common.models import current_node
from lintas.sync import crypto
from lintas.sync.apply_pull import apply_page
from lintas.sync.models import HubLink, OutboxEvent
from lintas.sync.protocol import (
    CONTENT_TYPE,
    H_NODE,
    H_NONCE,
    H_SIGNATURE,
    H_TIME,
    MAX_INFLATED_BYTES,
    PULL_LIMIT,
    PUSH_AUDIT,
    PUSH_EVENTS,
    Resend,
    SyncError,
    now_ms,
    pack,
    reply_message,
    request_message,
    unpack,
)
from lintas.sync.services import outbox_prune

log = logging.getLogger("lintas.sync")

PUSH_PATH = "/api/sync/push"
PULL_PATH = "/api/sync/pull"
ENROL_PATH = "/api/sync/enrol"
ROTATE_PATH = "/api/sync/rotate"
DEFAULT_TIMEOUT = 60.0
# Statuses whose reply changes the node's state: they must carry the hub's signature.
_STATE_CHANGING = frozenset({200, 409})


def _unreachable(exc: BaseException) -> SyncError:
    return SyncError(
        _("The hub cannot be reached: %(error)s") % {"error": str(exc)[:200] or type(exc).__name__},
        code="unreachable",
        status=503,
    )


@dataclass
class _Exchange:
    """A request written to the hub whose reply is still to be read."""

    connection: http.client.HTTPConnection
    url: str
    nonce: str


def _http_send(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> http.client.HTTPConnection:
    """Write the request; its reply is read by ``_http_read``, so the node can work meanwhile."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    try:
        if parts.scheme == "https":
            context = ssl.create_default_context()
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=context
            )
        elif parts.scheme == "http":
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        else:
            raise ValueError(f"unknown scheme {parts.scheme!r}")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=body, headers={**headers, "Connection": "close"})
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _unreachable(exc) from exc
    return connection


def _http_read(connection: http.client.HTTPConnection) -> tuple[int, bytes, Message]:
    try:
        with connection.getresponse() as response:
            status, content, reply_headers = (
                int(response.status),
                response.read(MAX_INFLATED_BYTES),
                response.msg,
            )
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _unreachable(exc) from exc
    finally:
        connection.close()
    declared = str(reply_headers.get("Content-Length", ""))
    if declared.isdigit() and int(declared) != len(content):
        # The link dropped in the middle of the reply: as if no reply came.
        raise _unreachable(ConnectionError(f"reply cut off ({len(content)} of {declared} bytes)"))
    return status, content, reply_headers


def _http(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, bytes, Message]:
    return _http_read(_http_send(url, body, headers, timeout))


class HubClient:
    """Signed calls to the hub for the enrolled node."""

    def __init__(self, link: HubLink, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.link = link
        self.timeout = timeout
        self.offset_ms = link.clock_offset_ms

    def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.finish(self.send(path, payload), path, payload)

    def send(self, path: str, payload: dict[str, Any]) -> _Exchange:
        """Sign and write the request; ``finish`` reads and checks the hub's reply."""
        body = pack(payload)
        sent_at = now_ms() + self.offset_ms
        nonce = secrets.token_hex(16)
        url = self.link.hub_url.rstrip("/") + path
        message = request_message(
            method="POST",
            path=urlsplit(url).path,
            node=self.link.node,
            time_ms=sent_at,
            nonce=nonce,
            body=body,
        )
        headers = {
            "Content-Type": CONTENT_TYPE,
            "User-Agent": "lintas-sync/1",
            H_NODE: self.link.node,
            H_TIME: str(sent_at),
            H_NONCE: nonce,
            H_SIGNATURE: crypto.sign(crypto.open_private_key(self.link.private_key), message),
        }
        return _Exchange(_http_send(url, body, headers, self.timeout), url, nonce)

    def finish(self, exchange: _Exchange, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The reply to ``exchange``; after a lost key rotation or a stale clock, one retry."""
        try:
            return self._reply(exchange)
        except SyncError as exc:
            if exc.code == "bad_signature" and self.link.next_private_key:
                # A rotation whose confirmation was lost: the hub holds the new key.
                _promote_next_key()
                self.link = HubLink.objects.get(pk=1)
                return self._reply(self.send(path, payload))
            if exc.code != "stale" or "hub_time" not in exc.extra:
                raise
        # The clock was off (a post PC without a working RTC battery): the stale refusal
        # carried the hub's time and the offset is set; try once more.
        return self._reply(self.send(path, payload))

    def _reply(self, exchange: _Exchange) -> dict[str, Any]:
        nonce = exchange.nonce
        status, content, reply_headers = _http_read(exchange.connection)
        hub_time = str(reply_headers.get(H_TIME, ""))
        signature = str(reply_headers.get(H_SIGNATURE, ""))
        signed = bool(
            hub_time.isdigit()
            and signature
            and crypto.verify(
                self.link.hub_public_key,
                reply_message(
                    node=self.link.node,
                    nonce=nonce,
                    status=status,
                    time_ms=int(hub_time),
                    body=content,
                ),
                signature,
            )
        )
        if status in _STATE_CHANGING and not signed:
            raise SyncError(
                _("The reply does not carry the hub's signature; it was ignored."),
                code="bad_reply",
                status=502,
            )
        data = self._decode(status, content, reply_headers)
        if signed:
            self.offset_ms = int(hub_time) - now_ms()
        elif data.get("code") == "stale" and isinstance(data.get("hub_time"), int):
            # Unsigned (the signature itself may be what the clock broke); used only to
            # set the clock for the next attempt, which the hub verifies anyway.
            self.offset_ms = int(data["hub_time"]) - now_ms()
        if status == 200:
            return data
        if data.get("code") == "resend":
            raise Resend(
                applied_seq=int(data.get("applied_seq", 0)), audit_seq=int(data.get("audit_seq", 0))
            )
        raise SyncError(
            str(data.get("message") or _("The hub refused the request.")),
            code=str(data.get("code") or "refused"),
            status=status,
            extra={
                k: v
                for k, v in data.items()
                if k in {"hub_time", "model", "record_id", "rule", "seq"}
            },
        )

    @staticmethod
    def _decode(status: int, content: bytes, headers: Message) -> dict[str, Any]:
        if str(headers.get("Content-Type", "")).startswith(CONTENT_TYPE):
            return unpack(content)
        try:
            data = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return {
                "code": "bad_reply" if status == 200 else f"http_{status}",
                "message": str(_("The hub answered %(status)s.") % {"status": status}),
            }
        return data


# --- enrolment --------------------------------------------------------------------------


def hub_enrol(*, hub_url: str, code: str, timeout: float = DEFAULT_TIMEOUT) -> HubLink:
    """Enrol this node with the hub using the one-time code; store the credentials.

    The node makes its key pair here; only the public key leaves it. The code is never
    sent: the node proves it knows it, and the hub proves the same, so neither side can
    be impersonated by someone who only sees the exchange.
    """
    node = current_node()
    if node == "hub":
        raise SyncError(_("The hub does not enrol with itself."), code="not_a_node")
    hub_url = hub_url.strip().rstrip("/")
    if urlsplit(hub_url).scheme not in {"http", "https"}:
        raise SyncError(_("The hub address must start with https:// or http://."), code="bad_url")
    private_key = crypto.new_private_key()
    public_key = crypto.public_key_of(private_key)
    key = crypto.enrolment_key(code)
    body = json.dumps(
        {
            "node": node,
            "public_key": public_key,
            "proof": crypto.proof(key, "enrol", node, public_key),
        }
    ).encode("utf-8")
    status, content, _headers = _http(
        hub_url + ENROL_PATH, body, {"Content-Type": "application/json"}, timeout
    )
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SyncError(_("The hub's reply is malformed."), code="bad_reply", status=502) from exc
    if status != 200 or not isinstance(data, dict):
        message = data.get("message") if isinstance(data, dict) else None
        raise SyncError(
            str(message or _("The hub refused the enrolment.")), code="enrol_refused", status=status
        )
    hub_public = str(data.get("hub_public_key", ""))
    expected = crypto.proof(key, "enrolled", node, public_key, hub_public)
    if not crypto.is_public_key(hub_public) or not crypto.proofs_equal(
        expected, str(data.get("proof", ""))
    ):
        raise SyncError(
            _("The hub did not prove it issued this code; nothing was stored."),
            code="bad_reply",
            status=502,
        )
    now = timezone.now()
    with transaction.atomic():
        link = HubLink.objects.select_for_update().filter(pk=1).first() or HubLink(pk=1)
        # A node enrolling again (new machine key, or after revocation) keeps its cursors:
        # the hub still knows how far it got.
        link.hub_url = hub_url
        link.node = node
        link.private_key = crypto.seal_private_key(private_key)
        link.next_private_key = ""
        link.hub_public_key = hub_public
        link.enrolled_at = now
        link.revoked_at = None
        link.last_error = ""
        link.save()
        audit_append(
            actor=None,
            action="sync.enrol",
            obj=("sync.hublink", "1"),
            changed={"hub": hub_url, "public_key": public_key},
        )
    return link


# --- push and pull ----------------------------------------------------------------------


def _promote_next_key() -> None:
    with transaction.atomic():
        link = HubLink.objects.select_for_update().get(pk=1)
        if not link.next_private_key:
            return
        link.private_key, link.next_private_key = link.next_private_key, ""
        link.save(update_fields=["private_key", "next_private_key"])
        audit_append(actor=None, action="sync.key_rotated", obj=("sync.hublink", "1"))


def node_key_rotate(*, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Give this node a new signing key: the hub accepts it over a request signed with
    the old one, with proof that the node holds the new one. Returns the new public key.

    The new key is kept (sealed) before the request, so a lost reply does not lock the
    node out: the next call that the old key no longer opens switches to it.
    """
    link = _link()
    new_key = crypto.new_private_key()
    public_key = crypto.public_key_of(new_key)
    HubLink.objects.filter(pk=1).update(next_private_key=crypto.seal_private_key(new_key))
    link.refresh_from_db()
    client = HubClient(link, timeout=timeout)
    nonce = secrets.token_hex(16)
    client.call(
        ROTATE_PATH,
        {
            "public_key": public_key,
            "nonce": nonce,
            "proof": crypto.sign(new_key, crypto.rotation_message(link.node, public_key, nonce)),
        },
    )
    _promote_next_key()
    return public_key


def _link() -> HubLink:
    link = HubLink.objects.filter(pk=1).first()
    if link is None:
        raise SyncError(
            _("This node is not enrolled: run lintas enrol --hub URL --code CODE."),
            code="not_enrolled",
        )
    if link.node != current_node():
        raise SyncError(
            _("This database was enrolled as %(enrolled)s but runs as %(node)s.")
            % {"enrolled": link.node, "node": current_node()},
            code="wrong_node",
        )
    return link


def backlog() -> int:
    """Events the hub has not acknowledged yet."""
    return OutboxEvent.objects.filter(acked_at__isnull=True).count()


def _event(e: OutboxEvent) -> dict[str, Any]:
    return {
        "seq": e.pk,
        "event_id": str(e.event_id),
        "model": e.model,
        "record_id": e.record_id,
        "op": e.op,
        "payload": e.payload,
        "urgent": e.urgent,
    }


def _entry(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "kind": e.kind,
        "at": format_time(e.at),
        "actor_id": str(e.actor_id) if e.actor_id else None,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "fields": e.fields,
        "digest": e.digest,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


@dataclass
class PushReport:
    events: int = 0
    audit: int = 0
    resends: int = 0
    conflicts: int = 0


@dataclass
class _Batch:
    """One push as packed: its events and audit entries after the given cursors."""

    events: list[OutboxEvent]
    entries: list[AuditEntry]
    payload: dict[str, Any]

    @property
    def cursors(self) -> tuple[int, int]:
        """The hub's cursors once it took the whole batch."""
        return (
            self.events[-1].pk if self.events else self.payload["after"],
            self.entries[-1].seq if self.entries else self.payload["audit_after"],
        )


def _pack_batch(node: str, *, sent_seq: int, audit_seq: int, pruned_through: int) -> _Batch | None:
    """The events and audit entries after the cursors, or None when nothing is left."""
    events = list(OutboxEvent.objects.filter(id__gt=sent_seq).order_by("id")[:PUSH_EVENTS])
    entries = list(
        AuditEntry.objects.filter(node=node, seq__gt=audit_seq).order_by("seq")[:PUSH_AUDIT]
    )
    if not events and not entries:
        return None
    if pruned_through > sent_seq:
        raise SyncError(
            _("The hub needs events from #%(seq)s, but this node kept them only to #%(kept)s.")
            % {"seq": sent_seq + 1, "kept": pruned_through},
            code="cannot_refill",
            status=409,
        )
    head = AuditHead.objects.filter(node=node).values_list("seq", "hash").first()
    newest = OutboxEvent.objects.aggregate(m=Max("id"))["m"] or 0
    payload = {
        "v": 1,
        "after": sent_seq,
        "audit_after": audit_seq,
        "events": [_event(e) for e in events],
        "audit": [_entry(e) for e in entries],
        "head": {
            "seq": head[0] if head else 0,
            "hash": head[1] if head else "",
            "outbox": newest,
        },
        "backlog": backlog(),
    }
    return _Batch(events, entries, payload)


def _pack_from_link() -> _Batch | None:
    link = HubLink.objects.get(pk=1)
    return _pack_batch(
        link.node,
        sent_seq=link.sent_seq,
        audit_seq=link.audit_seq,
        pruned_through=link.pruned_through,
    )


def push_all(client: HubClient, *, max_batches: int) -> PushReport:
    """Send the outbox after the hub's cursor, batch by batch, until nothing is left.

    While the hub applies one batch, the node packs the next one as if the hub took the
    whole batch; that packing is dropped when the hub's reply says otherwise (a refusal,
    a re-send from older cursors). Each batch is acknowledged only after its signed reply.
    """
    report = PushReport()
    batch = _pack_from_link()
    for _batch in range(max_batches):
        if batch is None:
            break
        exchange = client.send(PUSH_PATH, batch.payload)
        link = HubLink.objects.get(pk=1)
        sent_seq, audit_seq = batch.cursors
        try:
            ahead = _pack_batch(
                link.node,
                sent_seq=sent_seq,
                audit_seq=audit_seq,
                pruned_through=link.pruned_through,
            )
        except SyncError:
            ahead = None  # told again, with the hub's cursors, when it is packed for real
        try:
            reply = client.finish(exchange, PUSH_PATH, batch.payload)
        except Resend as exc:
            report.resends += 1
            _rewind(exc)
            batch = _pack_from_link()
            continue
        except SyncError as exc:
            if exc.code.startswith("policy."):
                _keep_refused(exc)
            raise
        applied_seq, acked_audit = reply.get("applied_seq"), reply.get("audit_seq")
        if not isinstance(applied_seq, int) or not isinstance(acked_audit, int):
            raise SyncError(_("The hub's reply is malformed."), code="bad_reply", status=502)
        with transaction.atomic():
            link = HubLink.objects.select_for_update().get(pk=1)
            OutboxEvent.objects.filter(id__lte=applied_seq, acked_at__isnull=True).update(
                acked_at=timezone.now()
            )
            link.sent_seq = applied_seq
            link.audit_seq = acked_audit
            link.save(update_fields=["sent_seq", "audit_seq"])
        report.events += len(batch.events)
        report.audit += len(batch.entries)
        report.conflicts += int(reply.get("conflicts") or 0)
        if ahead is not None and (applied_seq, acked_audit) == (sent_seq, audit_seq):
            batch = ahead
        else:
            batch = _pack_from_link()
    return report


def _keep_refused(exc: SyncError) -> None:
    """The hub refused the batch over one event: mark it (never drop it) for the node's page.

    Nothing after it goes out until an administrator deals with the node: the events stay
    in order, unacknowledged.
    """
    seq = exc.extra.get("seq")
    if not isinstance(seq, int):
        return
    OutboxEvent.objects.filter(pk=seq, acked_at__isnull=True).update(
        refused_at=timezone.now(), refusal=f"{exc.code}: {exc.message}"[:500]
    )
    log.error("the hub refused event #%s: %s %s", seq, exc.code, exc.message)


def _rewind(exc: Resend) -> None:
    """The hub holds less than it acknowledged before: send again from what it holds."""
    applied_seq = int(exc.extra["applied_seq"])
    audit_seq = int(exc.extra["audit_seq"])
    with transaction.atomic():
        link = HubLink.objects.select_for_update().get(pk=1)
        log.warning(
            "hub knows events to #%s (acknowledged #%s) and audit to #%s: re-sending",
            applied_seq,
            link.sent_seq,
            audit_seq,
        )
        link.notice = str(
            _("The hub was restored from a backup: re-sending from event #%(seq)s.")
            % {"seq": applied_seq + 1}
        )
        link.notice_at = timezone.now()
        link.sent_seq = min(link.sent_seq, applied_seq)
        link.audit_seq = min(link.audit_seq, audit_seq)
        link.save(update_fields=["notice", "notice_at", "sent_seq", "audit_seq"])


@dataclass
class PullTotals:
    items: int = 0
    kept_local: int = 0
    pages: int = 0
    rewinds: int = 0


def _check_push_cursor(page: dict[str, Any]) -> bool:
    """Rewind when the hub holds less of this node's events than it acknowledged."""
    cursor = page.get("push_cursor")
    if not isinstance(cursor, dict):
        return False
    applied_seq, audit_seq = cursor.get("applied_seq"), cursor.get("audit_seq")
    if not isinstance(applied_seq, int) or not isinstance(audit_seq, int):
        return False
    link = HubLink.objects.get(pk=1)
    if applied_seq >= link.sent_seq and audit_seq >= link.audit_seq:
        return False
    _rewind(Resend(applied_seq=applied_seq, audit_seq=audit_seq))
    return True


def pull_all(client: HubClient, *, max_pages: int) -> PullTotals:
    """Fetch and apply pages of the feed until the hub has no more (or ``max_pages``)."""
    totals = PullTotals()
    for _page in range(max_pages):
        link = HubLink.objects.get(pk=1)
        started_at = timezone.now()
        payload = {
            "v": 1,
            "cursor": {"id": link.feed_id, "event_id": link.feed_event_id},
            "datasets": link.datasets,
            "limit": PULL_LIMIT,
            "outbox": OutboxEvent.objects.aggregate(m=Max("id"))["m"] or 0,
            "acked": link.sent_seq,
            "audit_acked": link.audit_seq,
        }
        page = client.call(PULL_PATH, payload)
        report = apply_page(page, started_at=started_at)
        totals.rewinds += int(_check_push_cursor(page))
        totals.items += report.items
        totals.kept_local += report.kept_local
        totals.pages += 1
        if not report.more:
            break
    return totals


@dataclass
class RoundReport:
    pushed: int
    audit: int
    pulled: int
    kept_local: int
    resends: int
    conflicts: int
    backlog: int
    seconds: float

    def line(self) -> str:
        return (
            f"pushed={self.pushed} audit={self.audit} pulled={self.pulled} "
            f"kept_local={self.kept_local} resends={self.resends} conflicts={self.conflicts} "
            f"backlog={self.backlog} seconds={self.seconds:.2f}"
        )


def _record(client: HubClient | None, error: SyncError | None) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {}
    if client is not None:
        changes["clock_offset_ms"] = client.offset_ms
    if error is None:
        changes.update(last_success_at=now, last_error="", revoked_at=None)
    else:
        changes.update(last_error=f"{error.code}: {error.message}"[:500], last_error_at=now)
        if error.code == "revoked":
            changes["revoked_at"] = now
    HubLink.objects.filter(pk=1).update(**changes)


def sync_round(*, max_batches: int = 100_000, timeout: float = DEFAULT_TIMEOUT) -> RoundReport:
    """One round: a first page of the feed (urgent items), the whole push, the rest of the feed."""
    started = time.monotonic()
    link = _link()
    HubLink.objects.filter(pk=1).update(last_attempt_at=timezone.now())
    client = HubClient(link, timeout=timeout)
    try:
        first = pull_all(client, max_pages=1)
        pushed = push_all(client, max_batches=max_batches)
        rest = pull_all(client, max_pages=max_batches)
        outbox_prune()
    except SyncError as exc:
        _record(client, exc)
        raise
    except DatabaseError as exc:
        error = SyncError(
            _("The node's database refused: %(error)s") % {"error": str(exc)[:200]},
            code="database",
            status=500,
        )
        _record(client, error)
        raise error from exc
    _record(client, None)
    return RoundReport(
        pushed=pushed.events,
        audit=pushed.audit,
        pulled=first.items + rest.items,
        kept_local=first.kept_local + rest.kept_local,
        resends=pushed.resends + first.rewinds + rest.rewinds,
        conflicts=pushed.conflicts,
        backlog=backlog(),
        seconds=time.monotonic() - started,
    )


def sync_loop(
    *,
    interval: float,
    backoff_max: float,
    max_rounds: int,
    max_seconds: float,
    stop: threading.Event,
    timeout: float = DEFAULT_TIMEOUT,
    on_round: Callable[[RoundReport | None, SyncError | None], None] | None = None,
    rng: random.Random | None = None,
) -> tuple[int, int]:
    """Rounds every ``interval`` seconds; after failures, exponential back-off with jitter.

    Stops after ``max_rounds`` rounds, ``max_seconds`` seconds, or when ``stop`` is set
    (SIGTERM). Returns (rounds, failures).
    """
    rng = rng or random.Random()
    deadline = time.monotonic() + max_seconds
    rounds = failures = streak = 0
    while rounds < max_rounds and time.monotonic() < deadline and not stop.is_set():
        rounds += 1
        if not connection.in_atomic_block:
            # A daemon lives for weeks: drop a connection the database closed meanwhile.
            close_old_connections()
        try:
            report = sync_round(timeout=timeout)
        except SyncError as exc:
            failures += 1
            streak += 1
            if on_round:
                on_round(None, exc)
            if exc.code in {"revoked", "not_enrolled", "wrong_node"}:
                wait = backoff_max
            else:
                wait = min(backoff_max, interval * 2**streak)
            # Jitter keeps the posts from hammering a hub that comes back all at once.
            wait *= rng.uniform(0.5, 1.0)
        else:
            streak = 0
            if on_round:
                on_round(report, None)
            wait = min(0.1, interval) if report.backlog else interval
        stop.wait(max(0.0, min(wait, deadline - time.monotonic())))
    return rounds, failures
