from django.urls import path

from lintas.outreach import views

app_name = "outreach"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<uuid:group_id>/", views.group_detail, name="group_detail"),
    path("reports/", views.report_list, name="report_list"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/map.svg", views.coverage_map, name="coverage_map"),
    path("coverage/districts.csv", views.coverage_csv, name="coverage_csv"),
    path("indicators/", views.indicator_import, name="indicator_import"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<uuid:plan_id>/", views.plan_detail, name="plan_detail"),
    path(
        "plans/<uuid:plan_id>/targets/<uuid:target_id>/remove/",
        views.plan_target_remove,
        name="plan_target_remove",
    ),
    path("province/", views.province, name="province"),
]
