from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "outsidein.journeys"
    verbose_name = "Customer journeys"

    def ready(self) -> None:
        from outsidein.journeys.actions import register_row_actions
        from outsidein.journeys.coverage import register_section
        from outsidein.journeys.sections import register_sections

        # The initiative page (initiatives, an earlier area) shows the touchpoints an initiative addresses.
        register_sections()
        # The pulse page and the weekly digest (engagement) show each leader's marketplace coverage.
        register_section()
        # Highlights, feedback items and themes (earlier areas) offer to be linked to a touchpoint as evidence.
        register_row_actions()
