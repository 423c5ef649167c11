from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "outsidein.workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        # Connects the receivers that count failed sign-ins and forget them after a good one.
        from outsidein.workspaces import throttle  # noqa: F401
