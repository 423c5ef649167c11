from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "outsidein.voice"
    verbose_name = "Voice of the customer"

    def ready(self) -> None:
        from outsidein.voice import signals  # noqa: F401  (connects the receivers)
