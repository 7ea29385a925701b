"""Requests that carry a NUL character (U+0000) are refused once, here, before any view.

PostgreSQL cannot store or even compare text holding U+0000, so a NUL in a search box, a
form field, a URL part or a JSON value used to end in a server error. No person types
one, and no field of Lintas needs one: the request is answered 400 in the user's language
(JSON under ``/api/``, a page otherwise) and nothing is read further or written.

Looked at: the path, the query string, cookies, form bodies (URL-encoded and multipart:
values, names and file names) and JSON bodies (a raw NUL byte or the escape ``\\u0000``).
Other bodies (the sync protocol's compressed batches) are binary and checked by their own
reader after unpacking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
# ``\u0000`` in JSON text, unless its backslash is itself escaped (``\\u0000`` is text).
JSON_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CODE = "nul_character"
PUBLIC_PREFIX = "/publik/"


class NulCharacterMiddleware:
    """Answers 400 to a request holding U+0000 anywhere a view or a query could read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = nul_in_request(request)
        if where is None:
            return self.get_response(request)
        return refusal(request, where)


def nul_in_request(request: HttpRequest) -> str | None:
    """Where the request holds a NUL (``"path"``, a field name, ``""``), or ``None``."""
    if NUL in request.path:
        return "path"
    found = _in_pairs(request.GET.lists()) or _in_pairs(
        (name, [value]) for name, value in request.COOKIES.items()
    )
    if found is not None:
        return found
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        return _in_form(request)
    if content_type == "application/json" or content_type.endswith("+json"):
        return _in_json(request)
    return None


def _in_pairs(pairs: Iterable[tuple[str, list[Any]]]) -> str | None:
    for name, values in pairs:
        if NUL in name:
            return "-"
        if any(NUL in str(value) for value in values):
            return name
    return None


def _in_form(request: HttpRequest) -> str | None:
    try:
        found = _in_pairs(request.POST.lists())
        files = request.FILES.lists()
    except MultiPartParserError:
        return None  # the view answers a broken form as it always has
    if found is not None:
        return found
    return _in_pairs((name, [f.name for f in uploads]) for name, uploads in files)


def _in_json(request: HttpRequest) -> str | None:
    declared = str(request.META.get("CONTENT_LENGTH") or "0")
    if not declared.isdigit() or int(declared) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return None  # too large to read here; the view refuses it by its size
    body = request.body
    if b"\x00" not in body and not JSON_NUL_ESCAPE.search(body):
        return None
    try:
        return _json_path(json.loads(body)) or ""
    except ValueError:
        return ""


def _json_path(value: Any, prefix: str = "") -> str | None:
    """The dotted name of the first value (or key) holding a NUL, as the API names fields."""
    if isinstance(value, str):
        return prefix if NUL in value else None
    if isinstance(value, dict):
        items: Iterable[tuple[str, Any]] = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        name = f"{prefix}.{key}" if prefix else key
        if NUL in key:
            return prefix or "-"
        found = _json_path(item, name)
        if found is not None:
            return found or name
    return None


def refusal(request: HttpRequest, where: str) -> HttpResponse:
    """The 400 answer: JSON for the API, the portal's or the staff layout for a page."""
    message = _(
        "The request contains a NUL character (U+0000), which is not allowed. Nothing was changed."
    )
    if request.path.startswith("/api/"):
        fields = {where: _("This value contains a NUL character (U+0000).")} if where else {}
        return JsonResponse({"code": CODE, "message": message, "fields": fields}, status=400)
    if request.path.startswith(PUBLIC_PREFIX):
        context = {"portal_languages": settings.LANGUAGES, "message": message}
        response = render(request, "portal/bad_request.html", context, status=400)
    else:
        response = render(request, "bad_request.html", {"message": message}, status=400)
    response["Cache-Control"] = "no-store"
    return response
