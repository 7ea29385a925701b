from django.apps import AppConfig


class CrossingsConfig(AppConfig):
    name = "lintas.crossings"
    label = "crossings"
    verbose_name = "Crossings"
