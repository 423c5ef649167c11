"""A theme's figures: its size, sentiment, trend and representative quotes, computed from its members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

from outsidein.core.scoping import scoped
from outsidein.insights import theme_reach
from outsidein.insights.analysis.themes import (
    UNASSIGNED,
    summarise_themes,
)
from outsidein.insights.models import Theme, ThemeMember, ThemeModelState
from outsidein.insights.themes.texts import FEEDBACK, HIGHLIGHT, Subject, corpus, live_themes, member_key
from outsidein.workspaces.models import Workspace

REPRESENTATIVE_QUOTES = 3
TREND_WINDOW_DAYS = 30.0
# -- figures -----------------------------------------------------------------------------------------------


def refresh_theme_figures(workspace: Workspace, *, subjects: list[Subject] | None = None) -> None:
    """Size, average sentiment, trend, revenue at stake and representative quotes of every live theme.

    Trend is the change in the theme's share of ALL items (themed or not) between the last 30 days and
    the 30 before, so a quiet month does not look like an improving theme.
    """
    subjects = corpus(workspace) if subjects is None else subjects
    themes = {t.pk: t for t in live_themes(workspace)}
    position = {s.key: i for i, s in enumerate(subjects)}
    theme_of = np.full(len(subjects), UNASSIGNED, dtype=np.int64)
    closest: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for theme_id, feedback_id, highlight_id, distance in scoped(ThemeMember, workspace).filter(
            theme_id__in=themes).values_list("theme_id", "feedback_item_id", "highlight_id", "distance"):
        i = position.get(member_key(feedback_id, highlight_id))
        if i is None:  # a text emptied since it was themed
            continue
        theme_of[i] = theme_id
        closest[theme_id].append((distance if distance is not None else 1.0, i))
    summaries = summarise_themes(
        theme_of,
        sentiment=[s.sentiment for s in subjects],
        timestamps=[s.at for s in subjects],
        account_ids=[s.account_id for s in subjects],
        revenue=[s.revenue for s in subjects],
        window_days=TREND_WINDOW_DAYS,
    ) if len(subjects) else []
    by_theme = {s.theme_id: s for s in summaries}
    for pk, theme in themes.items():
        summary = by_theme.get(pk)
        theme.size = summary.size if summary else 0
        theme.avg_sentiment = summary.average_sentiment if summary else None
        theme.trend = summary.trend if summary else None
        # No account behind any item: nothing is known to be at stake, which is not the same as zero.
        at_stake = summary.revenue_at_stake if summary and summary.accounts else None
        theme.revenue_at_stake = Decimal(str(round(at_stake, 2))) if at_stake is not None else None
        theme.representative_ids = _representatives(subjects, sorted(closest[pk]))
    theme_reach.store_reach(workspace, themes)
    Theme.objects.bulk_update(themes.values(), ["size", "avg_sentiment", "trend", "revenue_at_stake",
                                                "representative_ids", *theme_reach.REACH_FIELDS], batch_size=500)
    scoped(ThemeModelState, workspace).update(
        texts=len(subjects),
        unthemed=int(np.count_nonzero(theme_of == UNASSIGNED)),
        feedback_seen=max((s.id for s in subjects if s.kind == FEEDBACK), default=0),
        highlight_seen=max((s.id for s in subjects if s.kind == HIGHLIGHT), default=0),
    )


def _representatives(subjects: list[Subject], ranked: Iterable[tuple[float, int]]) -> list[dict[str, int]]:
    """The members closest to the theme's centre, one per distinct wording."""
    chosen: list[dict[str, int]] = []
    seen: set[str] = set()
    for _, i in ranked:
        subject = subjects[i]
        wording = " ".join(subject.text.lower().split())
        if wording in seen:
            continue
        seen.add(wording)
        chosen.append({subject.kind: subject.id})
        if len(chosen) >= REPRESENTATIVE_QUOTES:
            break
    return chosen


