from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "lintas.mobile"
    label = "mobile"
    verbose_name = "Phone app"
