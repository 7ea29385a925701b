"""Page guards: a page names the capability it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lintas.accounts.models import User
from lintas.accounts.roles import Capability

View = Callable[..., HttpResponse]


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views already guarded by ``login_required`` or ``requires``."""
    user = request.user
    assert isinstance(user, User)
    return user


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not isinstance(request.user, User):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def requires(capability: Capability) -> Callable[[View], View]:
    """Signed-in users whose role grants ``capability``; others get 403, anonymous the login."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User):
                return redirect_to_login(request.get_full_path())
            if not user.can(capability):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
