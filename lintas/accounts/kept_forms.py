"""What was typed into a form when the session ran out is kept, and put back after sign-in.

The form's values are stored encrypted in the new (anonymous) session, which the sign-in
carries over; the page the form lives on gets them back once, and a small script puts them
into the form whose action matches. Passwords and tokens are never kept.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from lintas.common.crypto import DecryptionError, decrypt_text, encrypt_text

KEY = "lintas_kept_form"
MAX_BYTES = 64 * 1024
MAX_AGE_SECONDS = 2 * 60 * 60
NEVER_KEPT = {"csrfmiddlewaretoken", "password", "current", "new", "repeat"}


def form_page(request: HttpRequest) -> str:
    """The page the form was on (the referrer on this site), else the path it posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return urlsplit(referer).path or request.path
    return request.path


def keep(request: HttpRequest) -> str:
    """Store the posted values for after sign-in; returns the page to go back to."""
    page = form_page(request)
    values = {k: request.POST.getlist(k) for k in request.POST if k not in NEVER_KEPT}
    blob = json.dumps(
        {"page": page, "action": request.path, "values": values, "at": int(time.time())},
        ensure_ascii=False,
    )
    if values and len(blob.encode("utf-8")) <= MAX_BYTES:
        request.session[KEY] = encrypt_text(blob)
    return page


def take(request: HttpRequest) -> dict[str, Any] | None:
    """The kept values if they belong to this page (given once, then forgotten)."""
    stored = getattr(request, "session", None) and request.session.get(KEY)
    if not stored:
        return None
    try:
        kept = json.loads(decrypt_text(str(stored)))
    except (DecryptionError, ValueError, TypeError, KeyError):
        request.session.pop(KEY, None)
        return None
    if time.time() - int(kept.get("at", 0)) > MAX_AGE_SECONDS:
        request.session.pop(KEY, None)
        return None
    if kept.get("page") != request.path or request.method != "GET":
        return None
    request.session.pop(KEY, None)
    return {"action": kept["action"], "values": kept["values"]}
