"""Language choice and session time limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation

from lintas.accounts.kept_forms import keep
from lintas.accounts.models import User
from lintas.accounts.services import session_end_record

PUBLIC_PREFIX = "/publik/"
AUTH_AT = "lintas_auth_at"
SEEN_AT = "lintas_seen_at"
# Writing the session on every request would cost a write per page; a minute's slack on
# the idle clock is harmless.
SEEN_RESOLUTION = 60


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose another language with the switch.

    The browser's Accept-Language is ignored on purpose: desk PCs often come with English
    browsers, and the officers work in Bahasa Indonesia.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SessionTimeoutMiddleware:
    """Ends a session after 30 idle minutes or 12 hours in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            now = int(time.time())
            session = request.session
            auth_at = _int(session.get(AUTH_AT), now)
            seen_at = _int(session.get(SEEN_AT), now)
            reason = ""
            if now - auth_at > settings.LINTAS_SESSION_ABSOLUTE_SECONDS:
                reason = "session_absolute_timeout"
            elif now - seen_at > settings.LINTAS_SESSION_IDLE_SECONDS:
                reason = "session_idle_timeout"
            if reason:
                logout(request)
                session_end_record(user=user, reason=reason)
                if request.path.startswith(PUBLIC_PREFIX):
                    # The public pages need no sign-in: a report typed by a staff member
                    # whose session ran out is sent as anyone's would be.
                    return self.get_response(request)
                back = request.path
                if request.method == "POST" and not request.path.startswith("/api/"):
                    back = keep(request)
                return _expired(request, reason, back)
            if AUTH_AT not in session:
                session[AUTH_AT] = auth_at
            if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _expired(request: HttpRequest, reason: str, back: str) -> HttpResponse:
    kind = "idle" if reason == "session_idle_timeout" else "absolute"
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "session_expired", "message": "Session expired", "fields": {}}, status=401
        )
    login = reverse("accounts:login")
    return HttpResponseRedirect(f"{login}?{urlencode({'expired': kind, 'next': back})}")


def mark_session_start(request: HttpRequest) -> None:
    """Stamp a new session with its start, for the absolute limit."""
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
