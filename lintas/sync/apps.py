from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "lintas.sync"
    label = "sync"
    verbose_name = "Sync"
