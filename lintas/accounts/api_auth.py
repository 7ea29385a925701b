"""Who an API request comes from: a web session, or a phone with its phone key.

The routers a phone uses (outreach, mobile) accept both; the rest of the API keeps to
sessions. A phone key opens exactly what its user could do signed in on the web: the same
selectors and services decide.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from lintas.accounts.models import User
from lintas.accounts.phone_keys import NOT_A_KEY, PhoneKeyRefused, phone_key_user


class PhoneKeyAuth(HttpBearer):
    """``Authorization: Bearer <phone key>``; a refused key answers 401 with its reason."""

    openapi_description = "The phone key issued by POST /api/mobile/keys"

    def __call__(self, request: HttpRequest) -> User | None:
        # No header: a web session may still open the request. A header that is not a
        # phone key refuses it, even beside a valid session: a bad credential is never
        # quietly ignored.
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PhoneKeyRefused(NOT_A_KEY, code="phone_key_unknown")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user, _key = phone_key_user(token=token)
        # Services and selectors take the request's user, as for a web session.
        request.user = user
        request.phone_key = _key  # type: ignore[attr-defined]
        return user


def phone_or_session() -> list[HttpBearer | SessionAuth]:
    return [PhoneKeyAuth(), SessionAuth()]
