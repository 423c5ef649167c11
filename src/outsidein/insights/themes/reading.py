"""The items of a theme as a page shows them: representative quotes and members, feedback and highlights alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import NoReverseMatch

from outsidein.conversations.models import Highlight
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account
from outsidein.feedback.models import FeedbackItem
from outsidein.insights.models import Theme
from outsidein.insights.themes.texts import FEEDBACK, HIGHLIGHT, MAX_TEXT_CHARS, _sentiment, member_key
from outsidein.workspaces.models import Workspace

# -- reading a theme ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeItem:
    kind: str
    id: int
    text: str
    at: datetime | None
    account: Account | None
    sentiment: float | None
    nps: int | None
    obj: FeedbackItem | Highlight

    @property
    def url(self) -> str:
        try:
            return self.obj.get_absolute_url()
        except NoReverseMatch:  # a feedback item has no page of its own where the feedback pages are absent
            return ""


def _items(workspace: Workspace, refs: list[tuple[str, int]]) -> list[ThemeItem]:
    feedback_ids = [pk for kind, pk in refs if kind == FEEDBACK]
    highlight_ids = [pk for kind, pk in refs if kind == HIGHLIGHT]
    found: dict[tuple[str, int], ThemeItem] = {}
    for item in scoped(FeedbackItem, workspace).filter(pk__in=feedback_ids).select_related("account", "workspace"):
        found[(FEEDBACK, item.pk)] = ThemeItem(FEEDBACK, item.pk, item.text, item.received_at, item.account,
                                               _sentiment(item.sentiment, item.text[:MAX_TEXT_CHARS]), item.nps, item)
    for h in scoped(Highlight, workspace).filter(pk__in=highlight_ids).select_related(
            "conversation__account", "conversation__workspace"):
        found[(HIGHLIGHT, h.pk)] = ThemeItem(HIGHLIGHT, h.pk, h.text, h.conversation.occurred_at,
                                             h.conversation.account, _sentiment(None, h.text), None, h)
    return [found[ref] for ref in refs if ref in found]


def _ref(entry: object) -> tuple[str, int] | None:
    """A representative of a theme as its row keeps it: ``{kind: id}``, or the id of a feedback item."""
    if isinstance(entry, int):  # a bare id is a feedback item
        return (FEEDBACK, entry)
    if isinstance(entry, dict) and entry:
        kind, pk = next(iter(entry.items()))
        return (kind, int(pk))
    return None


def representative_quotes(theme: Theme) -> list[ThemeItem]:
    return _items(theme.workspace, [r for r in map(_ref, theme.representative_ids or []) if r])


def representative_quotes_of(workspace: Workspace, themes: Iterable[Theme]) -> dict[int, list[ThemeItem]]:
    """Representative quotes of many themes at once (two queries for all of them)."""
    refs = {t.pk: [r for r in map(_ref, t.representative_ids or []) if r] for t in themes}
    found = {(item.kind, item.id): item for item in _items(workspace, [r for rs in refs.values() for r in rs])}
    return {pk: [found[r] for r in rs if r in found] for pk, rs in refs.items()}


def theme_items(theme: Theme, *, limit: int = 200) -> list[ThemeItem]:
    """The theme's items closest to its centre first (bounded: three queries whatever the theme's size)."""
    refs = [
        member_key(f, h)
        for f, h in theme.members.order_by("distance", "id").values_list("feedback_item_id", "highlight_id")[:limit]
    ]
    return _items(theme.workspace, refs)


