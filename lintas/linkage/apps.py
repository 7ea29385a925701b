from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "lintas.linkage"
    label = "linkage"
    verbose_name = "Linkage"
