from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "outsidein.engagement"
    verbose_name = "Leaders in the field"

    def ready(self) -> None:
        from outsidein.engagement import signals  # noqa: F401  (connects the receivers)
