from django.urls import path

from lintas.crossings import views, views_rules

app_name = "crossings"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/scan/", views.desk_scan, name="desk_scan"),
    path("desk/group/", views.desk_group, name="desk_group"),
    path("today/", views.crossings_today, name="today"),
    path("overstays/", views.overstays, name="overstays"),
    path("overstays/extend/", views.overstay_extend, name="overstay_extend"),
    path("market/", views.market, name="market"),
    path("market/checkout/", views.market_checkout, name="market_checkout"),
    path("market/slip/<str:number>/", views.market_slip, name="market_slip"),
    path("plb/", views_rules.plb_rules, name="plb_rules"),
    path("plb/district/", views_rules.plb_district_decide, name="plb_district_decide"),
    path("plb/post/", views_rules.post_policy_set, name="post_policy_set"),
    path("kilb/", views_rules.kilb_issue, name="kilb_issue"),
]
