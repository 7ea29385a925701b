"""Agencies and their users."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.roles import AgencyType, Capability, Role, role_capabilities
from lintas.common.ids import uuid7
from lintas.common.models import LintasModel, LintasQuerySet
from lintas.places.models import Post, Regency


class Agency(LintasModel):
    """An organisation that works in Lintas: a post, police, a shelter, a church..."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=40, choices=AgencyType.choices)
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The border post this agency runs or works at, if any"),
    )
    is_active = models.BooleanField(default=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=(username or "").lower())


class User(AbstractBaseUser, LintasModel):
    """A person who signs in: one role in one agency, and for desk roles one post."""

    username = models.CharField(max_length=60, unique=True)
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=30, choices=Role.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def capabilities(self) -> frozenset[Capability]:
        if not self.is_active:
            return frozenset()
        return role_capabilities(self.role)

    def can(self, capability: Capability) -> bool:
        """Whether this user's role grants ``capability``."""
        return capability in self.capabilities

    def sign_in_waits(self) -> bool:
        """Whether any address must wait before signing in under this name (one query).

        ``failed_logins`` and ``locked_until`` are no longer used: sign-in is throttled by
        name and address in ``LoginThrottle`` instead of locking the account.
        """
        return LoginThrottle.objects.filter(
            username=self.username, blocked_until__gt=timezone.now()
        ).exists()


class LoginThrottle(models.Model):
    """Failed sign-ins for one username: from one source, or from everywhere (``source`` "").

    Local to each server (never synced). ``source`` is a keyed digest of the client address,
    so that no address is stored. See ``accounts.services.session_authenticate``.
    """

    username = models.CharField(max_length=60)
    source = models.CharField(max_length=64, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "source"], name="accounts_throttle_key")
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.failures})"

    def is_blocked(self, now: Any) -> bool:
        return self.blocked_until is not None and self.blocked_until > now


class PhoneKey(models.Model):
    """The credential a phone keeps after its user signed in once with signal.

    Local to the hub (never synced). Only a SHA-256 digest of the key is stored: the key
    is 256 random bits, shown once to the phone, which keeps it encrypted under its PIN.
    A key dies when revoked, after ``LINTAS_PHONE_KEY_IDLE_DAYS`` unused, or
    ``LINTAS_PHONE_KEY_MAX_DAYS`` after it was issued; a disabled user or agency makes
    every key of theirs refused at once. See ``accounts.phone_keys``.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="phone_keys")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.label}"
