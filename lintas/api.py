"""The HTTP API under ``/api/``: the same services and selectors as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import SessionAuth

from lintas.accounts.api import router as accounts_router
from lintas.common.errors import LintasError
from lintas.crossings.api import router as crossings_router
from lintas.places.api import router as places_router
from lintas.screening.api import router as screening_router

api = NinjaAPI(
    title="Lintas API",
    version="1",
    description="Border crossings, screening, reporting and sync for the posts of NTT.",
    auth=SessionAuth(),
    urls_namespace="api",
)
api.add_router("/accounts/", accounts_router, tags=["accounts"])
api.add_router("/places/", places_router, tags=["places"])
api.add_router("/", crossings_router, tags=["crossings"])
api.add_router("/", screening_router, tags=["screening"])
api.add_router("/portal/", "lintas.portal.api.router", tags=["portal"])


@api.exception_handler(LintasError)
def _lintas_error(request: HttpRequest, exc: LintasError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Sign in first.", "fields": {}},
        status=401,
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields[".".join(loc) or "request"] = str(err.get("msg", "invalid"))
    return api.create_response(
        request, {"code": "validation", "message": "Invalid input.", "fields": fields}, status=422
    )
