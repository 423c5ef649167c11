"""Demo insights: what a leader would run next on the demo's feedback, so its themes, key drivers and pain pages
are not empty."""

from typing import Protocol

from outsidein.feedback.demo import DRIVERS
from outsidein.insights import drivers as drivers_services
from outsidein.insights import themes as themes_services
from outsidein.workspaces.models import User, Workspace

# The demo asks for this many themes, as a person may on the themes page. Left to find their own number, the
# demo's feedback (a few dozen complaints, each with several endings) splits one complaint by its endings.
DEMO_THEMES = 30


class DemoContext(Protocol):
    """What this step reads of the demo builder's context (``site.demo.builder.DemoContext``, above the areas)."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def leaders(self) -> list[User]: ...


def build(ctx: DemoContext) -> None:
    """A theme analysis of all feedback and highlights (the default method: by meaning where the model is
    installed, seeded, so the same every time) and a key driver analysis of likelihood to recommend on the six
    rated drivers."""
    themes_services.run_theme_analysis(ctx.workspace, k=DEMO_THEMES)
    drivers_services.create_driver_analysis(ctx.workspace, ctx.leaders[0] if ctx.leaders else None, outcome="nps",
                                            drivers=list(DRIVERS))
