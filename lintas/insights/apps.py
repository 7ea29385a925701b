from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lintas.insights"
    label = "insights"
    verbose_name = "Insights"
