from django.urls import URLPattern, URLResolver, include, path

app_name = "linkage"

# One module per part, so that runs, review and networks grow side by side.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("lintas.linkage.run_urls")),
    path("", include("lintas.linkage.review_urls")),
    path("", include("lintas.linkage.network_urls")),
]
