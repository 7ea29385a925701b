from django.urls import URLPattern, URLResolver

app_name = "linkage"

urlpatterns: list[URLPattern | URLResolver] = []
