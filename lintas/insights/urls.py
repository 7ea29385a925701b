from django.urls import path

from lintas.insights import views

app_name = "insights"

urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("public/", views.public_releases, name="public_releases"),
]
