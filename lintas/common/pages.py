"""The pages' answer to the domain's errors, in one place (the API's is in ``lintas.api``).

A page view lets ``PermissionDenied`` and ``NotFound`` from a selector or a service rise:
``PageErrorMiddleware`` answers with the 403 or the 404 page, and any other refusal that
reaches it (``ValidationFailed``, ``Conflict``) with the 400 page and its message. Where a
refusal belongs next to what the user typed, the view says so with one of two context
managers, which catch every ``LintasError`` raised inside them:

- ``shown_on(form)``: the refusal goes onto the form (next to each field, or above it),
  and the view renders the form again;
- ``flashed(request)``: the refusal becomes an error message, and the view redirects.

Both yield a ``Refusal`` that is true once something was refused. A page with its own way
of showing a refusal (the public portal's forms) keeps it with ``caught(kinds)`` and
answers from ``refusal.error``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lintas.common.errors import LintasError, NotFound, PermissionDenied
from lintas.common.forms import add_service_errors

ErrorPage = Callable[[HttpRequest], HttpResponse]

# URL namespace -> the page that says "not found" there (the public portal has its own).
_not_found_pages: dict[str, ErrorPage] = {}


def not_found_page_register(namespace: str, page: ErrorPage) -> None:
    """Answer a ``NotFound`` raised under ``namespace`` with ``page`` instead of 404.html."""
    _not_found_pages[namespace] = page


def forbidden_page(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found_page(request: HttpRequest) -> HttpResponse:
    match = request.resolver_match
    page = _not_found_pages.get(match.namespace) if match is not None else None
    if page is not None:
        return page(request)
    return render(request, "404.html", status=404)


def refused_page(request: HttpRequest, error: LintasError) -> HttpResponse:
    return render(request, "400.html", {"message": error.message}, status=400)


class PageErrorMiddleware:
    """Turns a domain error raised by a page view into the page that answers it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LintasError):
            return None
        if isinstance(exception, PermissionDenied):
            return forbidden_page(request)
        if isinstance(exception, NotFound):
            return not_found_page(request)
        return refused_page(request, exception)


class Refusal:
    """What a ``shown_on`` or ``flashed`` block refused; true once something was."""

    def __init__(self) -> None:
        self.error: LintasError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def shown_on(form: forms.Form) -> Iterator[Refusal]:
    """A refusal of the block goes onto ``form``; the view renders the form again."""
    refusal = Refusal()
    try:
        yield refusal
    except LintasError as error:
        refusal.error = error
        add_service_errors(form, error)


def refusal_text(error: LintasError) -> str:
    """The refusal in one line: its message, then what it says of each field."""
    return " ".join([str(error.message), *(str(text) for text in error.field_errors.values())])


@contextmanager
def flashed(request: HttpRequest, *, fields: bool = False) -> Iterator[Refusal]:
    """A refusal of the block becomes an error message; the view redirects.

    The message is the refusal's own; with ``fields``, what it says of each field follows
    (for a small form whose fields are not shown again).
    """
    refusal = Refusal()
    try:
        yield refusal
    except LintasError as error:
        refusal.error = error
        messages.error(request, refusal_text(error) if fields else str(error.message))


@contextmanager
def caught(*kinds: type[LintasError]) -> Iterator[Refusal]:
    """A refusal of one of ``kinds`` is kept on the ``Refusal`` for the view to show."""
    refusal = Refusal()
    try:
        yield refusal
    except kinds as error:
        refusal.error = error
