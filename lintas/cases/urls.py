from django.urls import path

from lintas.cases import views

app_name = "cases"

urlpatterns = [
    path("tips/", views.tip_queue, name="tip_queue"),
    path("tips/<uuid:tip_id>/", views.tip_detail, name="tip_detail"),
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/<slug:action>/", views.case_action, name="case_action"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<uuid:referral_id>/", views.referral_decide, name="referral_decide"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<uuid:follow_up_id>/", views.follow_up_record, name="follow_up_record"),
]
