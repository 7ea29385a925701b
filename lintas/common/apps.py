from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "lintas.common"
    label = "common"
    verbose_name = "Common"
