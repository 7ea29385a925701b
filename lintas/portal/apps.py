from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lintas.portal"
    label = "portal"
    verbose_name = "Public portal"
