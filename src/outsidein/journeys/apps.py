from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "outsidein.journeys"
    verbose_name = "Customer journeys"
