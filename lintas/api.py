"""The HTTP API under ``/api/``: the same services and selectors as the pages."""

from __future__ import annotations

from django.conf import settings
from ninja import NinjaAPI
from ninja.security import SessionAuth

from lintas.accounts.api import router as accounts_router
from lintas.common.api_errors import install_error_handlers
from lintas.crossings.api import router as crossings_router
from lintas.places.api import router as places_router
from lintas.screening.api import router as screening_router

api = NinjaAPI(
    title="Lintas API",
    version="1",
    description="Border crossings, screening, reporting and sync for the posts of NTT.",
    auth=SessionAuth(),
    urls_namespace="api",
    # Off in production unless LINTAS_API_DOCS (see settings and lintas.checks).
    docs_url="/docs" if settings.LINTAS_API_DOCS else None,
    openapi_url="/openapi.json" if settings.LINTAS_API_DOCS else None,
)
api.add_router("/accounts/", accounts_router, tags=["accounts"])
api.add_router("/places/", places_router, tags=["places"])
api.add_router("/", crossings_router, tags=["crossings"])
api.add_router("/", screening_router, tags=["screening"])
api.add_router("/portal/", "lintas.portal.api.router", tags=["portal"])
api.add_router("/messaging/", "lintas.messaging.api.router", tags=["messaging"])
api.add_router("/outreach/", "lintas.outreach.api.router", tags=["outreach"])
api.add_router("/mobile/", "lintas.mobile.api.router", tags=["mobile"])
install_error_handlers(api)
