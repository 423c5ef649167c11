"""Sections a later area adds to an earlier area's page, e.g. the journey touchpoints an initiative addresses on
the initiative's page: the page's area may not import the later one, so the later one registers here (in its
``AppConfig.ready``) under the page's name, and the page asks for what is registered.

Each section reads what it shows for the page's object, or answers None to show nothing, and names the template
that renders it with ``section`` set to what it read. (The pulse page and the digest have their own, richer
interface with e-mail templates: engagement/sections.py.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SectionContext = dict[str, Any]


@dataclass(frozen=True)
class PageSection:
    name: str
    read: Callable[[Any], SectionContext | None]  # the page's object -> what to show; None: nothing
    template: str


@dataclass(frozen=True)
class ShownSection:
    template: str
    context: SectionContext


_pages: dict[str, list[PageSection]] = {}


def register(page: str, section: PageSection) -> None:
    known = _pages.setdefault(page, [])
    if all(s.name != section.name for s in known):
        known.append(section)


def shown(page: str, obj: Any) -> list[ShownSection]:
    """The sections registered for ``page`` that have something to show for ``obj``, in registration order."""
    read = ((s, s.read(obj)) for s in _pages.get(page, []))
    return [ShownSection(s.template, context) for s, context in read if context is not None]
