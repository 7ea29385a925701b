from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "lintas.places"
    label = "places"
    verbose_name = "Places"
