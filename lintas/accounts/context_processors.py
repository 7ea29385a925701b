from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lintas.accounts.kept_forms import take
from lintas.accounts.menu import menu_for
from lintas.accounts.models import User


def lintas(request: HttpRequest) -> dict[str, Any]:
    """Node name, languages and the signed-in user's menu for every page."""
    user = getattr(request, "user", None)
    kept = take(request) if isinstance(user, User) else None
    return {
        "kept_form": kept,
        "lintas_node": settings.LINTAS_NODE,
        "lintas_languages": [
            (code, name) for code, name in settings.LANGUAGES if code in settings.STAFF_LANGUAGES
        ],
        "lintas_menu": menu_for(user) if isinstance(user, User) else [],
    }
