"""Session restore: a disabled user or agency loses access at the next request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from lintas.accounts.models import User


class LockoutModelBackend(BaseBackend):
    """Sign-in goes through ``accounts.services.session_authenticate``; this only restores."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.select_related("agency", "post")
            .filter(pk=user_id, is_active=True, agency__is_active=True, deleted_at__isnull=True)
            .first()
        )
        return user
