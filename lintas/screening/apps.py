from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lintas.screening"
    label = "screening"
    verbose_name = "Screening"
