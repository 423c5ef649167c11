from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "outsidein.feedback"
    # The app was called "voice" before insights moved out of it: its tables (voice_*) and migration history
    # carry that label, and renaming a label would rewrite the history of every installed database.
    label = "voice"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from outsidein.feedback import signals  # noqa: F401  (connects the receivers)
