from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lintas.accounts"
    label = "accounts"
    verbose_name = "Accounts"
