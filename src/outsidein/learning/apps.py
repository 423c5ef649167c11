from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "outsidein.learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from outsidein.learning import signals  # noqa: F401  (connects the receivers)
