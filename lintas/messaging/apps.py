from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lintas.messaging"
    label = "messaging"
    verbose_name = "Messaging"
