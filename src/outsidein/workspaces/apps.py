from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "outsidein.workspaces"
    verbose_name = "Workspaces"
