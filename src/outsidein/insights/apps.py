from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "outsidein.insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from outsidein.insights import hooks  # noqa: F401  (takes part in feedback imports)
