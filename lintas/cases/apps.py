from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lintas.cases"
    label = "cases"
    verbose_name = "Cases"
