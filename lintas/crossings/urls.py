from django.urls import path

from lintas.crossings import views

app_name = "crossings"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/scan/", views.desk_scan, name="desk_scan"),
    path("today/", views.crossings_today, name="today"),
    path("overstays/", views.overstays, name="overstays"),
    path("market/", views.market, name="market"),
    path("market/checkout/", views.market_checkout, name="market_checkout"),
    path("market/slip/<str:number>/", views.market_slip, name="market_slip"),
]
