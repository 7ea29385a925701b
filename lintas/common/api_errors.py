"""The API's one error answer: its schema, and the handlers that give every error that shape.

Every refused request gets ``{"code", "message", "fields"}`` whatever refused it: a service
(``LintasError``), the schema (pydantic), authentication, CSRF, an unreadable body or a
missing record. Operations name the statuses they can answer with ``errors(...)`` so that
the OpenAPI schema documents them with this schema.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lintas.common.errors import LintasError

# Locations pydantic puts before a field's name; the caller knows the field by its name.
_LOCATIONS = frozenset({"body", "query", "path", "payload", "header", "cookie"})

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation",
    429: "throttled",
    503: "unavailable",
}


class ErrorOut(Schema):
    """A refused request: nothing was written."""

    code: str = Field(description="Why, for programs: forbidden, not_found, validation, ...")
    message: str = Field(description="Why, for people, in the caller's language")
    fields: dict[str, str] = Field(
        description="A message per input field at fault; empty when no one field is"
    )


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response entries for ``response={200: Out, **errors(401, 422)}``."""
    return dict.fromkeys(statuses, ErrorOut)


def error_body(status: int, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": _CODES.get(status, "error"), "message": message, "fields": fields or {}}


def install_error_handlers(api: NinjaAPI) -> None:
    """Give every error the API answers the shape of ``ErrorOut``."""

    @api.exception_handler(LintasError)
    def _lintas_error(request: HttpRequest, exc: LintasError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body(401, _("Sign in first.")), status=401)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        messages = {
            400: _("The request body could not be read."),
            403: _("The request was refused (CSRF check failed).")
            if "CSRF" in str(exc)
            else _("You may not do this."),
            429: _("Too many requests; try again later."),
        }
        message = messages.get(exc.status_code, str(exc))
        return api.create_response(
            request, error_body(exc.status_code, message), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(404, _("Not found.")), status=404)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in _LOCATIONS]
            fields[".".join(loc) or "request"] = str(err.get("msg", "invalid"))
        body = error_body(422, _("Invalid input."), fields)
        return api.create_response(request, body, status=422)
