"""Agencies and their users."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.roles import AgencyType, Capability, Role, role_capabilities
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

    def is_locked(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now
