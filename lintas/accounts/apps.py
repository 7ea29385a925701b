from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lintas.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The project's deploy checks (lintas check --deploy) register on import.
        import lintas.checks  # noqa: F401
