"""Pages that raise each domain error, to pin how ``lintas.common.pages`` answers them."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.pages import flashed, shown_on


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(_("You are not allowed to do this."))


def missing(request: HttpRequest) -> HttpResponse:
    raise NotFound(_("No such case."))


def invalid(request: HttpRequest) -> HttpResponse:
    raise ValidationFailed(_("Invalid input."))


def conflict(request: HttpRequest) -> HttpResponse:
    raise Conflict(_("Unknown action."))


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def form_post(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST)
    assert form.is_valid()
    with shown_on(form) as refused:
        raise ValidationFailed(_("Invalid input."), field_errors={"name": _("Unknown action.")})
    assert refused
    return HttpResponse(
        f"{form.errors.get('name', [''])[0]}|{' '.join(form.non_field_errors())}", status=400
    )


def button_post(request: HttpRequest) -> HttpResponse:
    with flashed(request, fields=request.POST.get("fields") == "1") as refused:
        raise ValidationFailed(_("Invalid input."), field_errors={"name": _("Unknown action.")})
    assert refused
    return redirect("/")


portal = (
    [path("missing/", missing, name="missing")],
    "portal",
)

urlpatterns = [
    path("forbidden/", forbidden),
    path("missing/", missing),
    path("invalid/", invalid),
    path("conflict/", conflict),
    path("form/", form_post),
    path("button/", button_post),
    path("", include("lintas.urls")),
    # After the real portal, so that its namespace still reverses to the real pages.
    path("portal-test/", include(portal)),
]
