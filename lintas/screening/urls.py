from django.urls import path

from lintas.screening import views

app_name = "screening"

urlpatterns = [
    path("alerts/", views.alert_queue, name="alerts"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path("interview/<uuid:crossing_id>/", views.interview, name="interview"),
    path("rules/", views.rulesets, name="rulesets"),
    path("rules/<int:version>.json", views.ruleset_export, name="ruleset_export"),
    path("watch-lists/", views.watch_lists, name="watch_lists"),
    path("watch-lists/<uuid:list_id>/", views.watch_list, name="watch_list"),
]
