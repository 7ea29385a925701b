from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "lintas.outreach"
    label = "outreach"
    verbose_name = "Outreach"

    def ready(self) -> None:
        from lintas.outreach.sync_policy import register_outreach

        register_outreach()
