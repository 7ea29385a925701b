from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "lintas.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from lintas.screening.sync_policy import register_policies

        register_policies()
