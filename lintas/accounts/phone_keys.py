"""Phone keys: a phone signs in once with signal, then works for days without any.

A session ends after 30 idle minutes; an outreach worker on Sabu may have no signal for a
week. So the phone app exchanges the user's password for a phone key once (through the
same throttled, audited sign-in as the web page), keeps it encrypted under the user's PIN,
and sends it as a bearer token with each queued record. The hub stores only the key's
SHA-256 digest (the key is 256 random bits, so a fast digest is enough).

Each use re-checks the user and agency: a disabled account is refused at once with code
``account_disabled``, and the phone wipes what it keeps. A revoked key (the user lost the
phone, or signed out on it) answers ``phone_key_revoked`` and the phone wipes too; an
expired or unknown key answers ``phone_key_expired`` / ``phone_key_unknown`` and the phone
asks its user to sign in again, keeping its queue.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import PhoneKey, User
from lintas.accounts.services import _check_admin_scope, session_authenticate
from lintas.audit.models import EntryKind
from lintas.audit.services import audit_append
from lintas.common.errors import LintasError, NotFound, PermissionDenied
from lintas.common.text import clean_text

# Writing last_used_at on every request would cost a write per record sent.
USE_RESOLUTION = timedelta(minutes=5)


NOT_A_KEY = _("This phone is not signed in: sign in again when there is signal.")


class PhoneKeyRefused(LintasError):
    """The phone's key does not open the API; ``code`` tells the phone what to do."""

    status = 401


@dataclass(frozen=True)
class IssuedKey:
    key: PhoneKey
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def phone_key_issue(*, username: str, password: str, source: str, label: str = "") -> IssuedKey:
    """Sign in from a phone: the password checked as the web sign-in does, a new key made.

    Raises ``accounts.services.LoginRefused`` as the sign-in page would.
    """
    user = session_authenticate(username=username, password=password, source=source)
    label = clean_text(label, field="label", max_length=60, required=False) or "Ponsel"
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        key = PhoneKey.objects.create(user=user, digest=_digest(token), label=label)
        audit_append(
            actor=user,
            action="auth.phone_key_issue",
            obj=("accounts.phonekey", str(key.pk)),
            kind=EntryKind.AUTH,
            changed={"label": label},
        )
    return IssuedKey(key=key, token=token)


def phone_key_user(*, token: str) -> tuple[User, PhoneKey]:
    """The user a bearer key opens the API for; raises ``PhoneKeyRefused`` with its reason."""
    key = (
        PhoneKey.objects.select_related("user", "user__agency", "user__post")
        .filter(digest=_digest(token))
        .first()
    )
    if key is None:
        raise PhoneKeyRefused(NOT_A_KEY, code="phone_key_unknown")
    user, now = key.user, timezone.now()
    if not user.is_active or not user.agency.is_active or user.deleted_at is not None:
        raise PhoneKeyRefused(
            _("This account is disabled: the data on this phone is erased."),
            code="account_disabled",
        )
    if key.revoked_at is not None:
        raise PhoneKeyRefused(
            _("This phone was signed out at the hub: the data on this phone is erased."),
            code="phone_key_revoked",
        )
    idle = timedelta(days=settings.LINTAS_PHONE_KEY_IDLE_DAYS)
    if key.last_used_at < now - idle or key.created_at < now - timedelta(
        days=settings.LINTAS_PHONE_KEY_MAX_DAYS
    ):
        raise PhoneKeyRefused(
            _("This phone's sign-in has expired: sign in again when there is signal."),
            code="phone_key_expired",
        )
    if key.last_used_at < now - USE_RESOLUTION:
        PhoneKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return user, key


def _may_manage(actor: User, user: User) -> bool:
    """One's own phones; those of a user one administers (the account pages' own rule)."""
    if user.pk == actor.pk:
        return True
    try:
        _check_admin_scope(actor, user.agency)
    except PermissionDenied:
        return False
    return True


def phone_keys_of(*, actor: User, user: User | None = None) -> list[PhoneKey]:
    """A user's phone keys, newest first: one's own, or those of a user one administers."""
    user = user or actor
    if not _may_manage(actor, user):
        raise PermissionDenied(_("You may not do this."))
    return list(PhoneKey.objects.filter(user=user))


def phone_key_revoke(*, actor: User, key_id: UUID | str, reason: str = "revoked") -> PhoneKey:
    """Sign a phone out at the hub: its key is refused from now on, and the phone wipes."""
    with transaction.atomic():
        key = PhoneKey.objects.select_for_update().select_related("user").filter(pk=key_id).first()
        if key is None or not _may_manage(actor, key.user):
            raise NotFound(_("No such phone."))
        if key.revoked_at is None:
            key.revoked_at, key.revoked_reason = timezone.now(), reason[:20]
            key.save(update_fields=["revoked_at", "revoked_reason"])
            audit_append(
                actor=actor,
                action="auth.phone_key_revoke",
                obj=("accounts.phonekey", str(key.pk)),
                kind=EntryKind.AUTH,
                changed={"reason": key.revoked_reason, "user": str(key.user_id)},
            )
    return key
