"""The journeys' section of the initiative page (core/sections.py): the touchpoints the initiative addresses."""

from typing import Any

from outsidein.core.scoping import scoped
from outsidein.core.sections import PageSection, SectionContext, register
from outsidein.journeys.models import Touchpoint


def _addressed(initiative: Any) -> SectionContext | None:
    touchpoints = list(scoped(Touchpoint, initiative.workspace).filter(initiatives=initiative)
                       .select_related("stage__journey")[:20])
    return {"touchpoints": touchpoints} if touchpoints else None


def register_sections() -> None:
    register("initiative", PageSection("journey touchpoints", _addressed, "journeys/_initiative_section.html"))
