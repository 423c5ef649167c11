from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "outsidein.initiatives"
    verbose_name = "Initiatives"
