from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.audit.selectors import audit_chain_verify, audit_entries_list
from lintas.audit.services import access_log_append


@requires(Capability.VIEW_AUDIT)
def overview(request: HttpRequest) -> HttpResponse:
    """Chain status of every node and the newest entries; reading it is itself logged."""
    user = signed_in_user(request)
    access_log_append(actor=user, obj=("audit.auditentry", "*"), purpose="audit_trail")
    return render(
        request,
        "audit/overview.html",
        {"reports": audit_chain_verify(), "entries": audit_entries_list(user=user)},
    )
