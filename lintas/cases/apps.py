from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lintas.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from lintas.cases.sync_policy import register_policies

        register_policies()
