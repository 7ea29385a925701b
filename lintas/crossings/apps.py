from django.apps import AppConfig


class CrossingsConfig(AppConfig):
    name = "lintas.crossings"
    label = "crossings"
    verbose_name = "Crossings"

    def ready(self) -> None:
        from lintas.crossings.sync_policy import register_policies

        register_policies()
