"""Sections a later area adds to the pulse page and the weekly digest.

A small interface, so engagement shows them without importing who answers: the loop registers the replies a
leader owes and the loop figures (loop/pulse.py) in its ``AppConfig.ready``. Each section reads what it shows
for one member at one moment, or answers None to show nothing; it names the template that renders it on the
pulse page, in the digest's HTML and in the digest's text, and the figures it adds to the digest's log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from outsidein.workspaces.models import User, Workspace

SectionContext = dict[str, Any]


def _no_figures(context: SectionContext) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class PulseSection:
    name: str
    read: Callable[[Workspace, User, datetime], SectionContext | None]  # what to show; None: nothing
    page_template: str  # on the pulse page
    email_template: str  # in the digest's HTML (inline styles, absolute links from ``site_url``)
    text_template: str  # in the digest's text part
    figures: Callable[[SectionContext], dict[str, object]] = _no_figures  # added to Digest.figures


@dataclass(frozen=True)
class ShownSection:
    """A section as read for one member: the template is rendered with ``section`` set to ``context``."""

    section: PulseSection
    context: SectionContext


_sections: list[PulseSection] = []


def register(section: PulseSection) -> None:
    if all(known.name != section.name for known in _sections):
        _sections.append(section)


def shown(workspace: Workspace, user: User, now: datetime) -> list[ShownSection]:
    """The registered sections that have something to show ``user``, in the order they were registered."""
    read = ((section, section.read(workspace, user, now)) for section in _sections)
    return [ShownSection(section, context) for section, context in read if context is not None]
