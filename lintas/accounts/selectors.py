"""Reads on agencies and users, filtered by what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Capability
from lintas.common.errors import NotFound, PermissionDenied
from lintas.places.models import Post


def users_manageable(*, actor: User, search: str = "") -> QuerySet[User]:
    """Users the actor administers: all for a system admin, their agency's for an agency admin."""
    qs = User.objects.select_related("agency", "post").filter(deleted_at__isnull=True)
    if actor.can(Capability.MANAGE_ALL_USERS):
        pass
    elif actor.can(Capability.MANAGE_OWN_AGENCY_USERS):
        qs = qs.filter(agency_id=actor.agency_id)
    else:
        raise PermissionDenied(_("You are not allowed to do this."))
    search = search.strip()[:60]
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return qs.order_by("agency__name", "username")


def user_for_admin(*, actor: User, user_id: Any) -> User:
    """One user the actor may manage; any other id reads as 'not found'."""
    user = users_manageable(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


def agencies_assignable(*, actor: User) -> QuerySet[Agency]:
    """Agencies the actor may place users in."""
    qs = Agency.objects.live().filter(is_active=True)
    if actor.can(Capability.MANAGE_ALL_USERS):
        return qs
    if actor.can(Capability.MANAGE_OWN_AGENCY_USERS):
        return qs.filter(pk=actor.agency_id)
    raise PermissionDenied(_("You are not allowed to do this."))


def posts_assignable(*, actor: User, current: str | None = None) -> QuerySet[Post]:
    """Posts the actor may grant access at: their own if they have one, else every post.

    ``current`` (the edited user's post) stays a choice so that an unrelated edit keeps it.
    """
    qs = Post.objects.order_by("name")
    if actor.post_id is not None and not actor.can(Capability.MANAGE_ALL_USERS):
        return qs.filter(pk__in={actor.post_id, current} - {None})
    return qs


def agencies_list(*, actor: User) -> QuerySet[Agency]:
    """All agencies with their user counts, for those who manage agencies."""
    if not actor.can(Capability.MANAGE_AGENCIES):
        raise PermissionDenied(_("You are not allowed to do this."))
    return Agency.objects.live().select_related("regency", "post").order_by("name")
