"""Reads of themes: the items of a theme as a page shows them (representative quotes and members, feedback and
highlights alike), how an import's items sit among the themes, what is not placed yet, and the analysis's status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import NoReverseMatch

from outsidein.conversations.models import Highlight
from outsidein.core import jobs
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account
from outsidein.feedback.models import FeedbackItem, ImportBatch
from outsidein.insights.models import Theme, ThemeAnalysis, ThemeModelState
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


# -- what is placed, and the analysis -----------------------------------------------------------------------


# The import job's last phase (feedback.imports.run_import): its rows are in, its items are being placed.
PLACING = "Placing the new items among the existing themes"


@dataclass(frozen=True)
class BatchThemes:
    placed: int  # the batch's items with text that belong to a theme
    unplaced: int  # ... and those no theme was close enough to


def batch_themes(batch: ImportBatch) -> BatchThemes | None:
    """How an import's items with text sit among the themes; None when the workspace has no themes."""
    if not scoped(ThemeModelState, batch.workspace).exists():
        return None
    items = scoped(FeedbackItem, batch.workspace).filter(batch=batch).exclude(text="")
    with_text = items.count()
    placed = items.filter(theme_memberships__isnull=False).distinct().count()
    return BatchThemes(placed, with_text - placed)


def _texts_since(workspace: Workspace, state: ThemeModelState | None) -> int:
    """Texts newer than those the figures were last computed from (all of them when they never were)."""
    feedback_seen, highlight_seen = (state.feedback_seen, state.highlight_seen) if state else (0, 0)
    return (scoped(FeedbackItem, workspace).filter(pk__gt=feedback_seen).exclude(text="").count()
            + scoped(Highlight, workspace).filter(pk__gt=highlight_seen).exclude(text="").count())


def text_count(workspace: Workspace, state: ThemeModelState | None = None) -> int:
    """Every feedback text and highlight, themed or not: those counted with the figures plus those since."""
    state = state or _state_figures(workspace)
    return (state.texts if state else 0) + _texts_since(workspace, state)


def unthemed_count(workspace: Workspace, state: ThemeModelState | None = None) -> int:
    """Texts in no theme: those left out when the figures were last computed, plus every text that came since."""
    state = state or _state_figures(workspace)
    return (state.unthemed if state else 0) + _texts_since(workspace, state)


def latest_analysis(workspace: Workspace) -> ThemeAnalysis | None:
    return scoped(ThemeAnalysis, workspace).first()


@dataclass(frozen=True)
class AnalysisStatus:
    """What the themes page says about the analysis: the latest run (queued, running, failed or done) and
    when the current themes were found."""

    run: ThemeAnalysis | None
    fitted_at: datetime | None = None
    state: ThemeModelState | None = None  # without its model data: what the page's counts start from

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.is_running

    @property
    def error(self) -> str:
        if self.run is None or self.run.status != jobs.JobStatus.FAILED:
            return ""
        return self.run.error or "The theme analysis failed."


def analysis_status(workspace: Workspace) -> AnalysisStatus:
    state = _state_figures(workspace)
    run = latest_analysis(workspace)
    if run is not None:
        run = jobs.as_shown(run)  # the page says a stopped run failed instead of waiting on it for ever
    return AnalysisStatus(run=run, fitted_at=state.fitted_at if state else None, state=state)


def _state_figures(workspace: Workspace) -> ThemeModelState | None:
    return (scoped(ThemeModelState, workspace)
            .only("fitted_at", "unthemed", "texts", "feedback_seen", "highlight_seen").first())
