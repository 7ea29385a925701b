from django.urls import URLPattern, URLResolver, path

from lintas.linkage import network_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("networks/", network_views.network, name="network"),
    path("networks/alerts/", network_views.network_alerts, name="network_alerts"),
]
