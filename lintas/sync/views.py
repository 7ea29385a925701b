"""Sync over HTTP: the protocol endpoints (no session, no CSRF) and the status pages."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.errors import LintasError
from lintas.common.models import current_node
from lintas.common.pages import flashed
from lintas.places.models import Post
from lintas.sync import selectors, server, services
from lintas.sync.protocol import MAX_ENROL_BYTES, SyncError
from lintas.sync.security import security_event_review

# --- protocol ---------------------------------------------------------------------------
# Plain views rather than the ninja API: they read the raw body under their own size
# limit, authenticate by signature instead of the session, and sign their replies.


def _not_hub() -> HttpResponse:
    return JsonResponse(
        {"code": "not_hub", "message": str(_("This server is not the hub.")), "fields": {}},
        status=404,
    )


@csrf_exempt
@require_POST
def push(request: HttpRequest) -> HttpResponse:
    if current_node() != "hub":
        return _not_hub()
    return server.handle(request, "push")


@csrf_exempt
@require_POST
def pull(request: HttpRequest) -> HttpResponse:
    if current_node() != "hub":
        return _not_hub()
    return server.handle(request, "pull")


@csrf_exempt
@require_POST
def enrol(request: HttpRequest) -> HttpResponse:
    """A node completes its enrolment with the one-time code's proof."""
    if current_node() != "hub":
        return _not_hub()
    try:
        body = server.read_body(request, limit=MAX_ENROL_BYTES)
        try:
            data: Any = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            raise SyncError(_("The request is not a JSON object."), code="malformed")
        reply = services.node_enrol(
            node_code=str(data.get("node", ""))[:40],
            public_key=str(data.get("public_key", "")),
            proof=str(data.get("proof", "")),
        )
    except LintasError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(reply)


@require_GET
def hello(request: HttpRequest) -> HttpResponse:
    """Who answers here (used by the node's set-up and by health checks)."""
    return JsonResponse({"protocol": 1, "node": current_node(), "hub": current_node() == "hub"})


# --- pages ------------------------------------------------------------------------------


@requires(Capability.VIEW_AUDIT)
def status(request: HttpRequest) -> HttpResponse:
    """The node's backlog and last contact, or on the hub every node's and the conflicts."""
    return _status(request)


def _status(request: HttpRequest, **extra: Any) -> HttpResponse:
    user = signed_in_user(request)
    if current_node() == "hub":
        return render(
            request,
            "sync/hub_status.html",
            {
                "status": selectors.hub_status(user=user),
                "posts": Post.objects.order_by("name"),
                **extra,
            },
        )
    return render(request, "sync/node_status.html", {"status": selectors.node_status(user=user)})


@requires(Capability.VIEW_AUDIT)
@require_POST
def node_issue(request: HttpRequest) -> HttpResponse:
    """Issue an enrolment code; it is shown once, on this page, and never stored."""
    user = signed_in_user(request)
    post = Post.objects.filter(pk=request.POST.get("post", "")).first()
    with flashed(request, fields=True) as refused:
        node, code = services.node_enrolment_issue(
            actor=user,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
            post=post,
        )
    if refused:
        return redirect("sync:status")
    return _status(request, issued={"node": node, "code": code})


@requires(Capability.VIEW_AUDIT)
@require_POST
def node_revoke(request: HttpRequest, code: str) -> HttpResponse:
    with flashed(request) as refused:
        services.node_revoke(actor=signed_in_user(request), code=code)
    if not refused:
        messages.success(request, _("Node %(code)s is revoked.") % {"code": code})
    return redirect("sync:status")


@requires(Capability.VIEW_AUDIT)
@require_POST
def conflict_resolve(request: HttpRequest, conflict_id: uuid.UUID) -> HttpResponse:
    with flashed(request) as refused:
        services.conflict_resolve(
            actor=signed_in_user(request),
            conflict_id=conflict_id,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", ""),
        )
    if not refused:
        messages.success(request, _("The conflict is resolved."))
    return redirect("sync:status")


@requires(Capability.VIEW_AUDIT)
@require_POST
def security_review(request: HttpRequest, event_id: uuid.UUID) -> HttpResponse:
    """A system administrator marks a refused push as reviewed."""
    with flashed(request) as refused:
        security_event_review(
            actor=signed_in_user(request), event_id=event_id, note=request.POST.get("note", "")
        )
    if not refused:
        messages.success(request, _("The security event is marked as reviewed."))
    return redirect("sync:status")


@csrf_exempt
@require_POST
def rotate(request: HttpRequest) -> HttpResponse:
    """A node replaces its signing key (signed with the current one)."""
    if current_node() != "hub":
        return _not_hub()
    return server.handle(request, "rotate")
