"""Sign-in, sign-out, own password, and user and agency administration pages."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lintas.accounts import phone_keys, selectors, services
from lintas.accounts.decorators import login_required, requires, signed_in_user
from lintas.accounts.forms import (
    AgencyCreateForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from lintas.accounts.middleware import mark_session_start
from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.pages import shown_on

EXPIRED_MESSAGES = {
    "idle": gettext_noop(
        "Your session ended after 30 minutes without activity. Please sign in again."
    ),
    "absolute": gettext_noop("Your session reached its 12-hour limit. Please sign in again."),
}


def _refusal_message(refusal: services.LoginRefused) -> str:
    if refusal.reason == "disabled":
        return _("This account is disabled. Ask your agency administrator.")
    # One message for an unknown name, a wrong password and a throttled attempt.
    return _("Wrong username or password, or too many failed attempts: wait a few minutes.")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if isinstance(request.user, User) and request.method == "GET":
        return redirect(next_url or "home")
    expired = request.GET.get("expired", "")
    notice = _(EXPIRED_MESSAGES[expired]) if expired in EXPIRED_MESSAGES else ""
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.session_authenticate(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    source=request.META.get("REMOTE_ADDR", ""),
                )
            except services.LoginRefused as refusal:
                form.add_error(None, _refusal_message(refusal))
            else:
                login(request, user, backend="lintas.accounts.backends.LockoutModelBackend")
                mark_session_start(request)
                return redirect(next_url or "home")
        status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "notice": notice},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    logout(request)
    if isinstance(user, User):
        services.session_end_record(user=user, reason="logout")
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@require_GET
def phone_list(request: HttpRequest) -> HttpResponse:
    keys = phone_keys.phone_keys_of(actor=signed_in_user(request))
    return render(request, "accounts/phone_list.html", {"keys": keys})


@login_required
@require_POST
def phone_revoke(request: HttpRequest, key_id: uuid.UUID) -> HttpResponse:
    """Sign a phone out (lost, stolen, or handed on): its key is refused, the phone wipes."""
    actor = signed_in_user(request)
    # Another's phone, unless one administers its user, reads as not found (404).
    key = phone_keys.phone_key_revoke(actor=actor, key_id=key_id)
    messages.success(request, _("The phone is signed out; it erases its data at its next signal."))
    if key.user_id == actor.pk:
        return redirect("accounts:phone_list")
    return redirect("accounts:user_edit", user_id=key.user_id)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["current"]):
            form.add_error("current", _("The current password is wrong."))
        else:
            with shown_on(form) as refused:
                services.user_set_password(actor=user, user=user, password=form.cleaned_data["new"])
            if not refused:
                # Changing the password rotates the session hash; keep this session open.
                user.refresh_from_db()
                login(request, user, backend="lintas.accounts.backends.LockoutModelBackend")
                mark_session_start(request)
                messages.success(request, _("Your password was changed."))
                return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@requires(Capability.MANAGE_OWN_AGENCY_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    search = request.GET.get("q", "").replace("\x00", "")
    users = selectors.users_manageable(actor=actor, search=search)[:200]
    template = (
        "accounts/_user_rows.html"
        if request.headers.get("HX-Request")
        else ("accounts/user_list.html")
    )
    return render(request, template, {"users": users, "q": search})


@requires(Capability.MANAGE_OWN_AGENCY_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    agencies = selectors.agencies_assignable(actor=actor)
    posts = selectors.posts_assignable(actor=actor)
    form = UserCreateForm(request.POST or None, agencies=agencies, posts=posts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            created = services.user_create(
                actor=actor,
                agency=data["agency"],
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"] or "",
                role=data["role"],
                post=data["post"],
                password=data["password"],
            )
        if not refused:
            messages.success(request, _("User %(name)s created.") % {"name": created.username})
            return redirect("accounts:user_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


@requires(Capability.MANAGE_OWN_AGENCY_USERS)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = signed_in_user(request)
    target = selectors.user_for_admin(actor=actor, user_id=user_id)
    posts = selectors.posts_assignable(actor=actor, current=target.post_id)
    form = (
        UserEditForm(request.POST, posts=posts)
        if request.method == "POST"
        else UserEditForm.for_user(target, posts=posts)
    )
    reset_form = PasswordResetForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            services.user_update(
                actor=actor,
                user=target,
                full_name=data["full_name"],
                role=data["role"],
                post=data["post"],
                is_active=data["is_active"],
            )
        if not refused:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_edit", user_id=target.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/user_edit.html",
        {
            "target": target,
            "form": form,
            "reset_form": reset_form,
            "keys": phone_keys.phone_keys_of(actor=actor, user=target),
        },
        status=status,
    )


@requires(Capability.MANAGE_OWN_AGENCY_USERS)
@require_POST
def user_reset_password(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = signed_in_user(request)
    target = selectors.user_for_admin(actor=actor, user_id=user_id)
    reset_form = PasswordResetForm(request.POST)
    if reset_form.is_valid():
        with shown_on(reset_form) as refused:
            services.user_set_password(
                actor=actor, user=target, password=reset_form.cleaned_data["password"]
            )
        if not refused:
            messages.success(request, _("Password reset."))
            return redirect("accounts:user_edit", user_id=target.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {"target": target, "form": UserEditForm.for_user(target), "reset_form": reset_form},
        status=400,
    )


@requires(Capability.MANAGE_OWN_AGENCY_USERS)
@require_POST
def user_unlock(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = signed_in_user(request)
    target = selectors.user_for_admin(actor=actor, user_id=user_id)
    services.user_unlock(actor=actor, user=target)
    messages.success(request, _("Lock-out lifted."))
    return redirect("accounts:user_edit", user_id=target.pk)


@requires(Capability.MANAGE_AGENCIES)
@require_http_methods(["GET", "POST"])
def agency_list(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    form = AgencyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            agency = services.agency_create(
                actor=actor,
                name=data["name"],
                code=data["code"] or "",
                type=data["type"],
                regency=data["regency"],
                post=data["post"],
            )
        if not refused:
            messages.success(request, _("Agency %(name)s created.") % {"name": agency.name})
            return redirect("accounts:agency_list")
    status = 400 if request.method == "POST" else 200
    agencies = selectors.agencies_list(actor=actor)
    return render(
        request, "accounts/agency_list.html", {"agencies": agencies, "form": form}, status=status
    )
