from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "outsidein.guides"
    verbose_name = "Interview guides"
