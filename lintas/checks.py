"""Deploy checks of Lintas, run by ``lintas check --deploy`` next to Django's own.

Each names a way a production server could leak what it guards: the key of the victim
identity data, the demo accounts and their published password, the API documentation,
and the Content-Security-Policy that keeps injected script from running.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"

# The roles whose password is checked against the demo password (each check costs one
# Argon2 verification, so not every user): the administrators can hand out any access.
PASSWORD_CHECKED_ROLES = ("system_admin", "agency_admin")


@register(Tags.security, deploy=True)
def check_data_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The data key is set, long enough, and not the published development key."""
    from lintas.common.crypto import DEV_KEY

    key = str(getattr(settings, "LINTAS_DATA_KEY", "") or "")
    minimum = int(getattr(settings, "LINTAS_DATA_KEY_MIN_LENGTH", 32))
    if not key:
        return [
            Error(
                "LINTAS_DATA_KEY is not set: victim identity data would be encrypted with the"
                " published development key.",
                hint="Set LINTAS_DATA_KEY to a random secret of at least 32 characters, kept"
                " outside the database (see docs/operations.md).",
                id="lintas.E001",
            )
        ]
    if len(key) < minimum:
        return [
            Error(
                f"LINTAS_DATA_KEY has {len(key)} characters; at least {minimum} are needed.",
                hint="Set a longer random LINTAS_DATA_KEY (existing data needs re-encryption).",
                id="lintas.E002",
            )
        ]
    if key == DEV_KEY:
        return [
            Error(
                "LINTAS_DATA_KEY is the development key published with the source code.",
                hint="Set LINTAS_DATA_KEY to a random secret of your own.",
                id="lintas.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No demo account, and no administrator whose password is the demo password."""
    from lintas.accounts.demo import DEMO_PASSWORD, DEMO_USERS
    from lintas.accounts.models import User

    demo_names = [row[0] for row in DEMO_USERS]
    try:
        present = sorted(
            User.objects.filter(username__in=demo_names, deleted_at__isnull=True).values_list(
                "username", flat=True
            )
        )
        admins = list(
            User.objects.filter(
                role__in=PASSWORD_CHECKED_ROLES, is_active=True, deleted_at__isnull=True
            )
            .exclude(username__in=demo_names)
            .values_list("username", "password")
        )
    except DatabaseError:
        return []  # no database yet (before migrate): nothing to find
    messages: list[CheckMessage] = []
    if present:
        messages.append(
            Error(
                f"Demo accounts exist on this server: {', '.join(present)}.",
                hint="Demo accounts share a published password: disable or remove them"
                " (lintas seed-demo is for LINTAS_DEBUG only).",
                id="lintas.E004",
            )
        )
    weak = sorted(name for name, hashed in admins if check_password(DEMO_PASSWORD, hashed))
    if weak:
        messages.append(
            Error(
                f"Administrators whose password is the demo password: {', '.join(weak)}.",
                hint="Set a new password for each of them.",
                id="lintas.E005",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_post_bound_roles(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No active user in a post-bound role without a post (made before the rule held)."""
    from lintas.accounts.models import User
    from lintas.accounts.roles import ROLES_NEEDING_POST

    try:
        stray = sorted(
            User.objects.filter(
                role__in=ROLES_NEEDING_POST,
                post__isnull=True,
                is_active=True,
                deleted_at__isnull=True,
            ).values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not stray:
        return []
    return [
        Error(
            f"Users in a post-bound role without a post: {', '.join(stray)}.",
            hint="A supervisor without a post sees every post's alerts: give each a post"
            " (user page) or another role.",
            id="lintas.E008",
        )
    ]


@register(Tags.security, deploy=True)
def check_api_docs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The API documentation is not public on a production server."""
    if getattr(settings, "LINTAS_API_DOCS", False) and not settings.DEBUG:
        return [
            Error(
                "The API documentation (/api/docs, /api/openapi.json) is public.",
                hint="Unset LINTAS_API_DOCS on a production server.",
                id="lintas.E006",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every page carries a Content-Security-Policy that allows this origin only."""
    policy = getattr(settings, "SECURE_CSP", None) or {}
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE or not policy.get("default-src"):
        return [
            Error(
                "No Content-Security-Policy is sent.",
                hint=f"Add {CSP_MIDDLEWARE} to MIDDLEWARE and set SECURE_CSP (default-src 'self').",
                id="lintas.E007",
            )
        ]
    return []
