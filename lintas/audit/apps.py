from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lintas.audit"
    label = "audit"
    verbose_name = "Audit"
