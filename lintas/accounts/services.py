"""Writes on agencies and users, and the sign-in rules (throttling by name and source)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, LoginThrottle, User
from lintas.accounts.roles import (
    ROLE_AGENCY_TYPES,
    ROLES_NEEDING_POST,
    ROLES_ONLY_SYSTEM_ADMIN_GRANTS,
    AgencyType,
    Capability,
    Role,
)
from lintas.audit.models import EntryKind
from lintas.audit.services import audit_append
from lintas.common.errors import Conflict, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.journal import record_change
from lintas.places.models import Post, Regency

MAX_PASSWORD_LENGTH = 256
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def _require(actor: User | None, capability: Capability) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied(_("You are not allowed to do this."))


def agency_create(
    *,
    actor: User | None,
    name: str,
    type: str,
    code: str = "",
    regency: Regency | None = None,
    post: Post | None = None,
) -> Agency:
    """Create an agency. ``actor`` None means a set-up command run by the operator."""
    _require(actor, Capability.MANAGE_AGENCIES)
    name = clean_text(name, field="name", max_length=150)
    code = slugify(code or name)[:40]
    if type not in AgencyType.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"type": _("Unknown type.")})
    if not code:
        raise ValidationFailed(_("Invalid input."), field_errors={"code": _("Code required.")})
    with transaction.atomic():
        if Agency.objects.filter(code=code).exists():
            raise Conflict(
                _("An agency with this code exists."),
                field_errors={"code": _("Already in use.")},
            )
        agency = Agency.objects.create(
            code=code, name=name, type=type, regency=regency, post=post, created_by=actor
        )
        record_change(
            actor=actor,
            action="agency.create",
            instance=agency,
            changed=["code", "name", "type", "regency_id", "post_id"],
        )
    return agency


def _check_role_fit(*, actor: User | None, agency: Agency, role: str, post: Post | None) -> None:
    errors: dict[str, Any] = {}
    if role not in Role.values:
        errors["role"] = _("Unknown role.")
    elif (
        actor is not None
        and role in ROLES_ONLY_SYSTEM_ADMIN_GRANTS
        and not actor.can(Capability.MANAGE_ALL_USERS)
    ):
        errors["role"] = _("Only a system administrator may grant this role.")
    elif role in ROLE_AGENCY_TYPES and agency.type not in ROLE_AGENCY_TYPES[role]:
        errors["role"] = _("This role does not fit an agency of this type.")
    elif role in ROLES_NEEDING_POST and post is None:
        errors["post"] = _("This role works at a post: choose the post.")
    elif role == Role.MARKET_REGISTRAR and post is not None and not post.has_border_market:
        errors["post"] = _("This post has no border market.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)


def _check_grant_within_post(*, actor: User | None, post: Post | None) -> None:
    """A granter bound to a post grants access at that post only, whatever the role."""
    if actor is None or actor.can(Capability.MANAGE_ALL_USERS) or actor.post_id is None:
        return
    if post is None or post.pk != actor.post_id:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={
                "post": _("You may only grant access at your own post: %(post)s.")
                % {"post": actor.post}
            },
        )


def _check_admin_scope(actor: User | None, agency: Agency) -> None:
    if actor is None or actor.can(Capability.MANAGE_ALL_USERS):
        return
    if not actor.can(Capability.MANAGE_OWN_AGENCY_USERS) or actor.agency_id != agency.pk:
        raise PermissionDenied(_("You may only manage the users of your own agency."))


def _clean_username(username: str) -> str:
    username = clean_text(username, field="username", max_length=60).lower()
    if len(username) < 3 or not set(username) <= USERNAME_CHARS:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={
                "username": _("3 to 60 characters: letters, digits, dot, dash, underscore.")
            },
        )
    return username


def _check_password(password: str, user: User | None = None) -> None:
    if not isinstance(password, str) or "\x00" in password or len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={"password": _("Invalid password.")},
        )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={"password": " ".join(str(m) for m in exc.messages)},
        ) from exc


def user_create(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    full_name: str,
    role: str,
    password: str,
    post: Post | None = None,
    email: str = "",
) -> User:
    """Create a user in ``agency``; an agency admin may only add to their own agency."""
    _check_admin_scope(actor, agency)
    username = _clean_username(username)
    full_name = clean_text(full_name, field="full_name", max_length=150)
    email = clean_text(email, field="email", max_length=254, required=False)
    _check_role_fit(actor=actor, agency=agency, role=role, post=post)
    _check_grant_within_post(actor=actor, post=post)
    candidate = User(username=username, full_name=full_name, email=email)
    _check_password(password, candidate)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(
                _("This username is taken."), field_errors={"username": _("Already in use.")}
            )
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            agency=agency,
            role=role,
            post=post,
            created_by=actor,
            password_changed_at=timezone.now(),
        )
        user.password = make_password(password)
        user.save(force_insert=True)
        record_change(
            actor=actor,
            action="user.create",
            instance=user,
            changed=["username", "full_name", "email", "agency_id", "role", "post_id"],
        )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str | None = None,
    role: str | None = None,
    post: Post | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a user's name, role, post or active flag (not the agency)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_admin_scope(actor, user.agency)
        new_role = role if role is not None else user.role
        new_post = post if role is not None or post is not None else user.post
        if user.pk == actor.pk and (new_role != user.role or is_active is False):
            raise PermissionDenied(_("You cannot change your own role or disable yourself."))
        if user.role in ROLES_ONLY_SYSTEM_ADMIN_GRANTS and not actor.can(
            Capability.MANAGE_ALL_USERS
        ):
            raise PermissionDenied(_("Only a system administrator may change this user."))
        _check_role_fit(actor=actor, agency=user.agency, role=new_role, post=new_post)
        grants = (
            new_role != user.role
            or (new_post.pk if new_post else None) != user.post_id
            or (is_active is True and not user.is_active)
        )
        if grants:
            _check_grant_within_post(actor=actor, post=new_post)
        changed: list[str] = []
        if full_name is not None:
            cleaned = clean_text(full_name, field="full_name", max_length=150)
            if cleaned != user.full_name:
                user.full_name = cleaned
                changed.append("full_name")
        if new_role != user.role:
            user.role = new_role
            changed.append("role")
        if (new_post.pk if new_post else None) != user.post_id:
            user.post = new_post
            changed.append("post_id")
        if is_active is not None and is_active != user.is_active:
            user.is_active = is_active
            changed.append("is_active")
        if not changed:
            return user
        user.updated_at = timezone.now()
        user.save(update_fields=[*(c.removesuffix("_id") for c in changed), "updated_at"])
        record_change(actor=actor, action="user.update", instance=user, changed=changed)
    return user


def user_set_password(*, actor: User, user: User, password: str) -> None:
    """Set a new password: the user for themself, or an admin who manages them."""
    if actor.pk != user.pk:
        _check_admin_scope(actor, user.agency)
    _check_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.password = make_password(password)
        user.password_changed_at = timezone.now()
        user.updated_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at", "updated_at"])
        record_change(
            actor=actor, action="user.set_password", instance=user, changed=["password_changed_at"]
        )


def user_unlock(*, actor: User, user: User) -> None:
    """Lift every sign-in back-off on this user's name, from every source."""
    _check_admin_scope(actor, user.agency)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        LoginThrottle.objects.filter(username=user.username).delete()
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        record_change(
            actor=actor,
            action="user.unlock",
            instance=user,
            changed=["failed_logins"],
        )


# --- signing in -----------------------------------------------------------------------
#
# One answer for an unknown name, a wrong password and a throttled attempt: the same
# refusal, after exactly one Argon2 verification (against a dummy hash when there is no
# real one to check), so neither words nor time tell whether a name exists.
#
# Throttling is by (username, source): after LINTAS_LOGIN_FREE_FAILURES failures from one
# address, that address waits LINTAS_LOGIN_BACKOFF_SECONDS, doubled at each further
# failure, up to LINTAS_LOGIN_BACKOFF_MAX_SECONDS. A looser cap counts the name's failures
# from everywhere (LINTAS_LOGIN_USER_FREE_FAILURES): past it, only the sources that have
# themselves failed for this name wait; a source with no failure still signs in with the
# right password. So nobody elsewhere can keep an officer out.


@dataclass(frozen=True)
class LoginRefused(Exception):
    """Why a sign-in failed: ``refused`` (unknown, wrong or throttled) or ``disabled``."""

    reason: str


_dummy_hash: list[str] = []


def _dummy_password_hash() -> str:
    if not _dummy_hash:
        _dummy_hash.append(make_password(get_random_string(32)))
    return _dummy_hash[0]


def _source_key(source: str) -> str:
    """A keyed digest of the client address: throttles keep no address."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"login-source:{source}".encode(), hashlib.sha256
    )
    return digest.hexdigest()


def _backoff(failures: int, free: int) -> timedelta | None:
    if failures < free:
        return None
    doubling = min(failures - free, 20)
    seconds = min(
        settings.LINTAS_LOGIN_BACKOFF_SECONDS * 2**doubling,
        settings.LINTAS_LOGIN_BACKOFF_MAX_SECONDS,
    )
    return timedelta(seconds=seconds)


def _live(row: LoginThrottle | None, now: Any) -> int:
    """Failures still counted: a row idle for LINTAS_LOGIN_FORGET_SECONDS starts afresh."""
    if row is None:
        return 0
    if row.last_failure_at < now - timedelta(seconds=settings.LINTAS_LOGIN_FORGET_SECONDS):
        return 0
    return row.failures


def _count_failure(
    row: LoginThrottle | None, *, username: str, source: str, free: int, now: Any
) -> None:
    failures = _live(row, now) + 1
    wait = _backoff(failures, free)
    values = {
        "failures": failures,
        "last_failure_at": now,
        "blocked_until": now + wait if wait else None,
    }
    if row is None:
        LoginThrottle.objects.create(username=username, source=source, **values)
    else:
        LoginThrottle.objects.filter(pk=row.pk).update(**values)


def session_authenticate(*, username: str, password: str, source: str) -> User:
    """Check a sign-in from ``source`` (the client address); throttle failures by name and source.

    Every call runs one Argon2 verification. Unknown name, wrong password and throttled
    attempt raise the same ``LoginRefused("refused")``; the right password of a disabled
    account raises ``LoginRefused("disabled")``.
    """
    username = (username or "").strip().lower()[:60]
    source = _source_key(source or "")
    now = timezone.now()
    with transaction.atomic():
        rows = {
            row.source: row
            for row in LoginThrottle.objects.select_for_update().filter(
                username=username, source__in=[source, ""]
            )
        }
        here, everywhere = rows.get(source), rows.get("")
        throttled = bool(here and here.is_blocked(now)) or (
            _live(here, now) > 0 and bool(everywhere and everywhere.is_blocked(now))
        )
        user = (
            User.objects.select_for_update().select_related("agency").filter(username=username)
        ).first()
        if throttled or user is None or not is_password_usable(user.password):
            check_password(password, _dummy_password_hash())
            ok = False
        else:
            ok = user.check_password(password)
        if ok and user is not None:
            if not user.is_active or not user.agency.is_active:
                raise LoginRefused("disabled")
            if here is not None:
                here.delete()
            user.last_login = now
            user.save(update_fields=["last_login"])
            audit_append(actor=user, action="auth.login", obj=user, kind=EntryKind.AUTH)
            return user
        if not throttled:
            _count_failure(
                here,
                username=username,
                source=source,
                free=settings.LINTAS_LOGIN_FREE_FAILURES,
                now=now,
            )
            _count_failure(
                everywhere,
                username=username,
                source="",
                free=settings.LINTAS_LOGIN_USER_FREE_FAILURES,
                now=now,
            )
        audit_append(
            actor=None,
            action="auth.login_throttled" if throttled else "auth.login_failed",
            obj=user if user is not None else ("accounts.user", ""),
            kind=EntryKind.AUTH,
        )
    # Raised after commit so that the failure is kept.
    raise LoginRefused("refused")


def session_end_record(*, user: User, reason: str) -> None:
    """Audit the end of a session: logout, idle timeout or absolute timeout."""
    with transaction.atomic():
        audit_append(actor=user, action=f"auth.{reason}", obj=user, kind=EntryKind.AUTH)
