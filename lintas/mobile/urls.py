from django.urls import path

from lintas.mobile import views

app_name = "mobile"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
