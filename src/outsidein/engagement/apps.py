from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "outsidein.engagement"
    verbose_name = "Leaders in the field"
