"""The texts themes are found in (feedback items and highlights), the live themes and the stored model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from outsidein.conversations.models import Highlight
from outsidein.core.scoping import scoped
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.sentiment import score_text
from outsidein.insights.analysis.themes import (
    ThemeModel,
)
from outsidein.insights.models import Theme, ThemeMember, ThemeModelState
from outsidein.workspaces.models import Workspace

FEEDBACK = "feedback"
HIGHLIGHT = "highlight"
# Only the opening of a very long text (a pasted e-mail thread, a 10 MB cell) decides its theme: the rest
# would cost memory and time without changing which theme it is closest to.
MAX_TEXT_CHARS = 5_000


@dataclass(frozen=True)
class Subject:
    """One text themes are made of: a feedback item or a highlight, with what the figures need."""

    kind: str  # FEEDBACK or HIGHLIGHT
    id: int
    text: str
    at: datetime | None
    account_id: int | None
    revenue: float | None
    sentiment: float | None
    nps: int | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


def member_key(feedback_item_id: int | None, highlight_id: int | None) -> tuple[str, int]:
    """The ``Subject.key`` of a theme member's text: its feedback item's, else its highlight's."""
    if feedback_item_id:
        return (FEEDBACK, feedback_item_id)
    assert highlight_id is not None  # a member has an item or a highlight (theme_member_has_subject)
    return (HIGHLIGHT, highlight_id)


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _sentiment(stored: float | None, text: str) -> float | None:
    score = stored if stored is not None else score_text(text)
    return None if score is None or math.isnan(score) else float(score)


def corpus(workspace: Workspace, *, unthemed_only: bool = False) -> list[Subject]:
    """Every feedback item with text and every highlight of the workspace, oldest first (two queries).

    Sentiment is the stored one (scored when the item or highlight was saved); a text without one is scored here.
    """
    feedback = scoped(FeedbackItem, workspace).exclude(text="")
    highlights = scoped(Highlight, workspace).exclude(text="")
    if unthemed_only:
        feedback = feedback.filter(theme_memberships__isnull=True)
        highlights = highlights.filter(theme_memberships__isnull=True)
    subjects = [
        Subject(FEEDBACK, pk, text[:MAX_TEXT_CHARS], at, account_id, _float(revenue),
                _sentiment(sentiment, text[:MAX_TEXT_CHARS]), nps)
        for pk, text, at, account_id, revenue, sentiment, nps in feedback.order_by("received_at", "id").values_list(
            "id", "text", "received_at", "account_id", "account__annual_revenue", "sentiment", "nps"
        ).iterator(chunk_size=5_000)
    ]
    subjects += [
        Subject(HIGHLIGHT, pk, text[:MAX_TEXT_CHARS], at, account_id, _float(revenue),
                _sentiment(sentiment, text[:MAX_TEXT_CHARS]), None)
        for pk, text, at, account_id, revenue, sentiment in highlights.order_by("conversation__occurred_at", "id")
        .values_list("id", "text", "conversation__occurred_at", "conversation__account_id",
                     "conversation__account__annual_revenue", "sentiment").iterator(chunk_size=5_000)
    ]
    return subjects


def live_themes(workspace: Workspace) -> QuerySet[Theme]:
    """The themes people see: not merged into another one; largest first."""
    return scoped(Theme, workspace).filter(merged_into__isnull=True)


# -- the stored model --------------------------------------------------------------------------------------


def load_model(workspace: Workspace) -> ThemeModel | None:
    state = scoped(ThemeModelState, workspace).first()
    if state is None or not state.data:
        return None
    return ThemeModel.from_bytes(bytes(state.data))


def _save_model(workspace: Workspace, model: ThemeModel, *, refitted: bool = False) -> None:
    for theme in model.themes:
        # Membership lives in ThemeMember rows; keeping the fit's index lists would only bloat the blob.
        theme.member_indices = []
        theme.representative_indices = []
    values: dict[str, object] = {"data": model.to_bytes(), "method": model.method, "k": model.k}
    if refitted:
        values["fitted_at"] = timezone.now()
    ThemeModelState.objects.update_or_create(workspace=workspace, defaults=values)


def _member(theme: Theme, subject: Subject, similarity: float) -> ThemeMember:
    return ThemeMember(
        workspace_id=theme.workspace_id,
        theme=theme,
        feedback_item_id=subject.id if subject.kind == FEEDBACK else None,
        highlight_id=subject.id if subject.kind == HIGHLIGHT else None,
        # Distance from the theme's centre (1 - cosine similarity): the closest members are its quotes.
        distance=float(1.0 - similarity),
    )


def _centroid_similarity(model: ThemeModel, texts: Sequence[str],
                         model_theme_ids: Sequence[int]) -> NDArray[np.floating]:
    """Cosine similarity of each text to the centre of the given theme (one theme id per text)."""
    if not len(texts):
        return np.zeros(0)
    rows = {theme.id: row for row, theme in enumerate(model.themes)}
    centroids = model.centroids[[rows[i] for i in model_theme_ids]]
    similarity: NDArray[np.floating] = np.einsum("ij,ij->i", model.vectors(texts), centroids)
    return similarity


