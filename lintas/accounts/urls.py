from django.urls import path

from lintas.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("phones/", views.phone_list, name="phone_list"),
    path("phones/<uuid:key_id>/revoke/", views.phone_revoke, name="phone_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_edit, name="user_edit"),
    path("users/<uuid:user_id>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<uuid:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("agencies/", views.agency_list, name="agency_list"),
]
