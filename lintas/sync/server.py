"""The hub's side of the protocol: reading and authenticating requests, push and pull.

A request is checked in this order, so that a bad one costs the hub little: headers,
node known and enrolled, declared size (before a byte of the body is read), the whole
body present, signature, not revoked, time within the allowed skew, nonce never seen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.audit.services import audit_append
from lintas.sync import crypto
from lintas.sync.apply_push import (
    apply_audit,
    apply_events,
    audit_head,
    check_already_applied,
    parse_events,
)
from lintas.sync.feed import build_page
from lintas.sync.models import RequestNonce, SyncNode
from lintas.sync.policy import PolicyRefusal
from lintas.sync.protocol import (
    CONTENT_TYPE,
    H_NODE,
    H_NONCE,
    H_SIGNATURE,
    H_TIME,
    MAX_AUDIT,
    MAX_BODY_BYTES,
    MAX_EVENTS,
    Resend,
    SyncError,
    clock_skew_ms,
    int_field,
    list_field,
    now_ms,
    pack,
    reply_message,
    request_message,
    unpack,
)
from lintas.sync.security import security_event_record
from lintas.sync.services import hub_identity

_NONCE = re.compile(r"^[0-9a-f]{32}$")
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class SignedRequest:
    node: SyncNode
    nonce: str
    body: bytes


def _meta(request: HttpRequest, header: str) -> str:
    return str(request.META.get("HTTP_" + header.upper().replace("-", "_"), ""))


def read_body(request: HttpRequest, *, limit: int) -> bytes:
    """The body, refused by its declared length before reading when too large."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if not str(declared).isdigit():
        raise SyncError(_("The request must state its length."), code="length_required", status=411)
    length = int(declared)
    if length > limit:
        raise SyncError(
            _("The batch is too large (%(size)s bytes; at most %(limit)s).")
            % {"size": length, "limit": limit},
            code="too_large",
            status=413,
        )
    chunks: list[bytes] = []
    remaining = length
    while remaining > 0:
        chunk = request.read(min(READ_CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining > 0:
        raise SyncError(
            _("The body is truncated (%(got)s of %(length)s bytes).")
            % {"got": length - remaining, "length": length},
            code="truncated",
            status=400,
        )
    return b"".join(chunks)


def authenticate(request: HttpRequest) -> SignedRequest:
    """The enrolled, not revoked node that signed this request, with its body."""
    code, time_text = _meta(request, H_NODE), _meta(request, H_TIME)
    nonce, signature = _meta(request, H_NONCE), _meta(request, H_SIGNATURE)
    if not (code and time_text and nonce and signature):
        raise SyncError(_("The request is not signed."), code="unsigned", status=401)
    node = SyncNode.objects.filter(pk=code[:40]).first()
    if node is None or not node.public_key:
        raise SyncError(_("This node is not enrolled at the hub."), code="unknown_node", status=401)
    body = read_body(request, limit=MAX_BODY_BYTES)
    if not time_text.isdigit() or not _NONCE.match(nonce):
        raise SyncError(_("The signature is invalid."), code="bad_signature", status=401)
    message = request_message(
        method=request.method or "",
        path=request.path,
        node=node.code,
        time_ms=int(time_text),
        nonce=nonce,
        body=body,
    )
    if not crypto.verify(node.public_key, message, signature):
        raise SyncError(_("The signature is invalid."), code="bad_signature", status=401)
    if node.revoked_at is not None:
        raise SyncError(
            _("This node was revoked at the hub; enrol it again."), code="revoked", status=403
        )
    hub_now = now_ms()
    if abs(hub_now - int(time_text)) > clock_skew_ms():
        raise SyncError(
            _("The request's time is too far from the hub's; check the clock."),
            code="stale",
            status=401,
            extra={"hub_time": hub_now},
        )
    return SignedRequest(node=node, nonce=nonce, body=body)


def _remember_nonce(node: str, nonce: str) -> None:
    """Refuse a request whose nonce was accepted before; must run in the caller's transaction."""
    now = timezone.now()
    try:
        with transaction.atomic():
            RequestNonce.objects.create(node=node, nonce=nonce, at=now)
    except IntegrityError as exc:
        raise SyncError(
            _("This request was already received (a replay)."), code="replay", status=409
        ) from exc
    cutoff = now - timedelta(milliseconds=3 * clock_skew_ms())
    RequestNonce.objects.filter(node=node, at__lt=cutoff).delete()


def reply(
    payload: dict[str, Any], *, status: int = 200, node: str = "", nonce: str = ""
) -> HttpResponse:
    """A reply; signed by the hub when it answers a node's signed request."""
    if status == 200:
        body, content_type = pack(payload), CONTENT_TYPE
    else:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        content_type = "application/json"
    response = HttpResponse(body, status=status, content_type=content_type)
    time_ms = now_ms()
    response[H_TIME] = str(time_ms)
    if node and nonce:
        message = reply_message(node=node, nonce=nonce, status=status, time_ms=time_ms, body=body)
        response[H_SIGNATURE] = crypto.sign(hub_identity().private_key, message)
    response["Cache-Control"] = "no-store"
    return response


def note_failure(node: str, error: SyncError) -> None:
    """Keep the refusal on the node's row for the hub's status page."""
    now = timezone.now()
    changes: dict[str, Any] = {"last_contact_at": now}
    if error.code == "resend":
        changes["restore_detected_at"] = now
    else:
        changes["last_error"] = f"{error.code}: {error.message}"[:500]
        changes["last_error_at"] = now
    SyncNode.objects.filter(pk=node).update(**changes)


def push_receive(*, node: str, nonce: str, data: dict[str, Any]) -> dict[str, Any]:
    """Apply one batch in one transaction; the reply (the ack) leaves only after commit."""
    after = int_field(data, "after")
    audit_after = int_field(data, "audit_after")
    events = parse_events(list_field(data, "events", limit=MAX_EVENTS), after=after)
    audit = list_field(data, "audit", limit=MAX_AUDIT)
    head = data.get("head")
    if not isinstance(head, dict):
        raise SyncError(_("The push does not carry the node's audit head."), code="malformed")
    head_seq = head.get("outbox", 0)
    try:
        with transaction.atomic():
            row = SyncNode.objects.select_for_update().get(pk=node)
            if row.revoked_at is not None:
                raise SyncError(
                    _("This node was revoked at the hub; enrol it again."),
                    code="revoked",
                    status=403,
                )
            _remember_nonce(node, nonce)
            hub_audit_seq, _hash = audit_head(node)
            if after > row.applied_seq or audit_after > hub_audit_seq:
                # The node had acknowledgements for more than the hub holds: the hub
                # was restored from an older backup. The node sends again from here.
                raise Resend(applied_seq=row.applied_seq, audit_seq=hub_audit_seq)
            new_events = check_already_applied(row, events)
            report = apply_events(row, new_events)
            if report.applied:
                # New records at the hub: a linkage run over them, queued after commit.
                from lintas.linkage.tasks import linkage_after_sync

                linkage_after_sync()
            audit_seq = apply_audit(node, audit, after=audit_after, head=head)
            now = timezone.now()
            if new_events:
                row.applied_seq = new_events[-1].seq
            if isinstance(head_seq, int) and head_seq >= 0:
                row.node_head_seq = head_seq
            row.node_backlog = max(0, row.node_head_seq - row.applied_seq)
            row.last_contact_at = row.last_push_at = now
            row.last_error = ""
            row.save()
    except IntegrityError as exc:
        raise SyncError(
            _("The batch breaks a rule of the hub's database: %(error)s")
            % {"error": str(exc).splitlines()[0][:200]},
            code="integrity",
            status=422,
        ) from exc
    except DatabaseError as exc:
        raise SyncError(
            _("The batch holds a value the hub's database refuses: %(error)s")
            % {"error": str(exc).splitlines()[0][:200]},
            code="invalid_event",
            status=422,
        ) from exc
    return {
        "applied_seq": row.applied_seq,
        "audit_seq": audit_seq,
        "applied": report.applied,
        "skipped": report.skipped,
        "conflicts": report.conflicts,
        "hub_time": now_ms(),
    }


def pull_serve(*, node: str, nonce: str, data: dict[str, Any]) -> dict[str, Any]:
    """One page of the node's feed, and the hub's push cursors for the node.

    The node says how far the hub acknowledged its events; when that is beyond what the
    hub holds, the hub was restored from a backup: the reply's cursors make the node
    send again from there even when it has nothing new.
    """
    with transaction.atomic():
        row = SyncNode.objects.select_for_update().get(pk=node)
        _remember_nonce(node, nonce)
        hub_audit_seq, _hash = audit_head(node)
        acked, audit_acked = data.get("acked"), data.get("audit_acked")
        if (isinstance(acked, int) and acked > row.applied_seq) or (
            isinstance(audit_acked, int) and audit_acked > hub_audit_seq
        ):
            row.restore_detected_at = timezone.now()
        row.last_contact_at = timezone.now()
        head_seq = data.get("outbox")
        if isinstance(head_seq, int) and head_seq >= 0:
            row.node_head_seq = head_seq
            row.node_backlog = max(0, head_seq - row.applied_seq)
        cursor = data.get("cursor")
        if isinstance(cursor, dict) and isinstance(cursor.get("id"), int):
            row.feed_id = cursor["id"]
        row.save(
            update_fields=[
                "last_contact_at",
                "node_head_seq",
                "node_backlog",
                "feed_id",
                "restore_detected_at",
            ]
        )
    page = build_page(row, data)
    page["push_cursor"] = {"applied_seq": row.applied_seq, "audit_seq": hub_audit_seq}
    return page


def key_rotate(*, node: str, nonce: str, data: dict[str, Any]) -> dict[str, Any]:
    """Take a node's new public key, over a request signed with its current one.

    The node proves it holds the new key by signing the rotation with it. A thief with
    the old key can rotate too; revoking the node at the hub ends both.
    """
    public_key, proof, proof_nonce = data.get("public_key"), data.get("proof"), data.get("nonce")
    if not (
        isinstance(public_key, str)
        and isinstance(proof, str)
        and isinstance(proof_nonce, str)
        and crypto.is_public_key(public_key)
        and _NONCE.match(proof_nonce)
    ):
        raise SyncError(_("The key rotation is malformed."), code="malformed")
    if not crypto.verify(public_key, crypto.rotation_message(node, public_key, proof_nonce), proof):
        raise SyncError(_("The new key's proof is invalid."), code="bad_signature", status=401)
    with transaction.atomic():
        row = SyncNode.objects.select_for_update().get(pk=node)
        _remember_nonce(node, nonce)
        row.public_key = public_key
        row.last_contact_at = timezone.now()
        row.save(update_fields=["public_key", "last_contact_at"])
        audit_append(
            actor=None,
            action="sync.key_rotated",
            obj=("sync.syncnode", node),
            changed={"public_key": public_key},
        )
    return {"public_key": public_key, "hub_time": now_ms()}


def handle(request: HttpRequest, action: str) -> HttpResponse:
    """Authenticate, run ``push`` or ``pull``, and answer (signed) with the result or refusal."""
    try:
        signed = authenticate(request)
    except SyncError as exc:
        return reply(exc.as_dict(), status=exc.status)
    node, nonce = signed.node.code, signed.nonce
    try:
        data = unpack(signed.body)
        if action == "push":
            result = push_receive(node=node, nonce=nonce, data=data)
        elif action == "rotate":
            result = key_rotate(node=node, nonce=nonce, data=data)
        else:
            result = pull_serve(node=node, nonce=nonce, data=data)
    except SyncError as exc:
        note_failure(node, exc)
        if isinstance(exc, PolicyRefusal):
            security_event_record(node=node, refusal=exc)
        return reply(exc.as_dict(), status=exc.status, node=node, nonce=nonce)
    return reply(result, node=node, nonce=nonce)
