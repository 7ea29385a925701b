from django.urls import path

from lintas.places import views

app_name = "places"

urlpatterns = [
    path("", views.posts, name="posts"),
    path("regency/<str:code>/", views.regency, name="regency"),
    path("district/<str:code>/", views.district, name="district"),
]
