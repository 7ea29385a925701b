"""Public pages, mounted under ``/publik/`` (``/`` is the staff home page)."""

from django.urls import path

from lintas.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pos/", views.posts, name="posts"),
    path("pos/<slug:code>/", views.post_detail, name="post"),
    path("dokumen/", views.documents, name="documents"),
    path("migrasi-aman/", views.migration, name="migration"),
    path("agensi/", views.agencies, name="agencies"),
    path("statistik/", views.statistics, name="statistics"),
    path("lapor/", views.report, name="report"),
    path("lapor/wilayah/", views.areas, name="areas"),
    path("cek/", views.check, name="check"),
    path("cek/tambah/", views.add_information, name="add_information"),
    path("bahasa/<str:code>/", views.language, name="language"),
    # Any other address under the portal: the portal's own "not found", in its layout.
    path("<path:rest>", views.not_found, name="not_found"),
]
