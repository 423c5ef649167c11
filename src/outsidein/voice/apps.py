from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "outsidein.voice"
    verbose_name = "Voice of the customer"
