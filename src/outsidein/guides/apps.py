from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "outsidein.guides"
    verbose_name = "Interview guides"

    def ready(self) -> None:
        from outsidein.guides import signals  # noqa: F401  (connects the receivers)
