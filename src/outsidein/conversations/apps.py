from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "outsidein.conversations"
    verbose_name = "Conversations"
