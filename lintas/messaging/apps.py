from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lintas.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from lintas.messaging.sync_policy import register_messaging

        register_messaging()
