from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from lintas.api import api
from lintas.common import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("lintas.accounts.urls")),
    path("places/", include("lintas.places.urls")),
    path("insights/", include("lintas.insights.urls")),
    path("audit/", include("lintas.audit.urls")),
    path("crossings/", include("lintas.crossings.urls")),
    path("screening/", include("lintas.screening.urls")),
    path("cases/", include("lintas.cases.urls")),
    path("linkage/", include("lintas.linkage.urls")),
    path("outreach/", include("lintas.outreach.urls")),
    path("publik/", include("lintas.portal.urls")),
    path("m/", include("lintas.mobile.urls")),
    path("language/", set_language, name="set_language"),
    path("", include("lintas.sync.urls")),
    path("api/", api.urls),
]

handler400 = "lintas.common.views.bad_request"
handler403 = "lintas.common.views.permission_denied"
handler404 = "lintas.common.views.page_not_found"
handler500 = "lintas.common.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
