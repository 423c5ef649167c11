from django.apps import AppConfig


class LoopConfig(AppConfig):
    name = "outsidein.loop"
    verbose_name = "Closing the loop"

    def ready(self) -> None:
        from outsidein.loop.actions import register_row_actions
        from outsidein.loop.pulse import register_section

        # The pulse page and the weekly digest (engagement, an earlier area) show the replies a leader owes.
        register_section()
        # Highlights and feedback items (earlier areas) offer to be raised as a suggestion.
        register_row_actions()
