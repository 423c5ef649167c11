from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "outsidein.learning"
    verbose_name = "Learning"
