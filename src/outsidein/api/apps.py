from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "outsidein.api"
    verbose_name = "API"
