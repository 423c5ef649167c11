from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "outsidein.core"
    verbose_name = "Core"
