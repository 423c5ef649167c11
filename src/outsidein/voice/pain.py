"""Monetizable pain: themes and pain highlights ranked by the revenue at stake behind them.

    score = revenue at stake × (0.5 + negativity) × (1 + detractor share) × trend factor

docs/analytics/monetizable-pain.md explains each term and why. In short: revenue at stake is the annual
revenue of the distinct accounts that raised it; negativity (0..1) is (1 − average sentiment) / 2, so a
neutral voice counts once, an all-negative one 1.5 times and an all-positive one half; the detractor share
is the share of NPS answers 0–6 among the items (for a highlight: among its account's answers), so
revenue whose owners would not recommend us counts up to double; the trend factor (0.5..2) is
1 + (change in the theme's share of all feedback over the last 30 days) / (its share), so growing pain
rises and fading pain sinks. A term with no data (no sentiment, no NPS answers, no trend) is neutral (× 1).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from outsidein.conversations.models import Highlight, HighlightKind
from outsidein.core.scoping import get_scoped, scoped
from outsidein.voice.analysis.sentiment import score_text
from outsidein.voice.models import FeedbackItem, ThemeMember
from outsidein.voice.themes_services import live_themes, representative_quotes, representative_quotes_of

THEME = "theme"
HIGHLIGHT = "highlight"
DETRACTOR_MAX = 6
TREND_FACTOR_RANGE = (0.5, 2.0)


def negativity(average_sentiment: float | None) -> float | None:
    """0 (all positive) .. 1 (all negative) from a mean sentiment in −1..1."""
    if average_sentiment is None or math.isnan(average_sentiment):
        return None
    return min(1.0, max(0.0, (1.0 - average_sentiment) / 2.0))


def trend_factor(trend: float | None, share: float | None) -> float:
    """1 + relative change in share, kept within 0.5..2 so one noisy month cannot dominate the ranking."""
    if trend is None or not share:
        return 1.0
    low, high = TREND_FACTOR_RANGE
    return min(high, max(low, 1.0 + trend / share))


def pain_score(revenue: float, negativity_value: float | None, detractor_share: float | None,
               trend_weight: float = 1.0) -> float:
    n = 0.5 if negativity_value is None else negativity_value
    d = 0.0 if detractor_share is None else detractor_share
    return revenue * (0.5 + n) * (1.0 + d) * trend_weight


@dataclass(frozen=True)
class PainPoint:
    kind: str  # THEME or HIGHLIGHT
    id: int
    title: str
    url: str
    revenue: float
    accounts: int
    negativity: float | None
    detractor_share: float | None
    nps_answers: int
    trend: float | None
    trend_factor: float
    score: float
    quotes: list[str] = field(default_factory=list)
    theme_name: str = ""

    @property
    def negativity_pct(self) -> float | None:
        return None if self.negativity is None else 100 * self.negativity

    @property
    def detractor_pct(self) -> float | None:
        return None if self.detractor_share is None else 100 * self.detractor_share


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rank_pain(workspace, *, limit: int | None = 100) -> list[PainPoint]:
    """Themes and pain highlights of the workspace, largest monetizable pain first (a fixed number of queries)."""
    themes = list(live_themes(workspace).select_related("workspace"))
    total_items = (scoped(FeedbackItem, workspace).exclude(text="").count()
                   + scoped(Highlight, workspace).exclude(text="").count())
    detractors = {
        row["theme_id"]: (row["answers"], row["detractors"])
        for row in scoped(ThemeMember, workspace).filter(theme__in=themes, feedback_item__nps__isnull=False)
        .values("theme_id").annotate(answers=Count("id"), detractors=Count("id", filter=Q(
            feedback_item__nps__lte=DETRACTOR_MAX)))
    }
    points: list[PainPoint] = []
    trend_weights: dict[int, float] = {}
    for theme in themes:
        answers, detracting = detractors.get(theme.pk, (0, 0))
        weight = trend_factor(theme.trend, _share(theme.size, total_items))
        trend_weights[theme.pk] = weight
        revenue = float(theme.revenue_at_stake or 0)
        neg = negativity(theme.avg_sentiment)
        d = _share(detracting, answers)
        points.append(PainPoint(
            THEME, theme.pk, theme.name, _theme_url(theme), revenue, 0, neg, d, answers, theme.trend, weight,
            pain_score(revenue, neg, d, weight),
        ))

    pains = list(scoped(Highlight, workspace).filter(kind=HighlightKind.PAIN).select_related(
        "conversation__account", "conversation__workspace"))
    account_ids = {h.conversation.account_id for h in pains if h.conversation.account_id}
    account_nps = {
        row["account_id"]: (row["answers"], row["detractors"])
        for row in scoped(FeedbackItem, workspace).filter(account_id__in=account_ids, nps__isnull=False)
        .values("account_id").annotate(answers=Count("id"), detractors=Count("id", filter=Q(nps__lte=DETRACTOR_MAX)))
    }
    theme_of = dict(scoped(ThemeMember, workspace).filter(highlight__in=pains, theme__merged_into__isnull=True)
                    .values_list("highlight_id", "theme_id"))
    theme_names = {t.pk: t.name for t in themes}
    for h in pains:
        account = h.conversation.account
        revenue = float(account.annual_revenue or 0) if account else 0.0
        answers, detracting = account_nps.get(h.conversation.account_id, (0, 0))
        sentiment = score_text(h.text)
        neg = negativity(None if math.isnan(sentiment) else sentiment)
        d = _share(detracting, answers)
        theme_id = theme_of.get(h.pk)
        weight = trend_weights.get(theme_id, 1.0)
        points.append(PainPoint(
            HIGHLIGHT, h.pk, h.text, h.get_absolute_url(), revenue, 1 if account else 0, neg, d, answers, None,
            weight, pain_score(revenue, neg, d, weight), quotes=[], theme_name=theme_names.get(theme_id, ""),
        ))
    points.sort(key=lambda p: (-p.score, -p.revenue, p.kind, p.id))
    points = points[:limit] if limit else points
    return _with_theme_details(workspace, points, {t.pk: t for t in themes})


def _theme_url(theme) -> str:
    from django.urls import reverse

    return reverse("theme-detail", kwargs={"ws": theme.workspace.slug, "theme_id": theme.pk})


def _with_theme_details(workspace, points: list[PainPoint], themes: dict) -> list[PainPoint]:
    """Accounts behind each listed theme and its closest quote (two queries for all of them)."""
    listed = [p.id for p in points if p.kind == THEME]
    if not listed:
        return points
    accounts: dict[int, set[int]] = defaultdict(set)
    for theme_id, feedback_account, highlight_account in scoped(ThemeMember, workspace).filter(
            theme_id__in=listed).values_list("theme_id", "feedback_item__account_id",
                                              "highlight__conversation__account_id"):
        if feedback_account or highlight_account:
            accounts[theme_id].add(feedback_account or highlight_account)
    quotes_of = representative_quotes_of(workspace, [themes[pk] for pk in listed])
    result = []
    for p in points:
        if p.kind == THEME:
            quotes = [q.text for q in quotes_of[p.id][:1]]
            p = PainPoint(**{**p.__dict__, "accounts": len(accounts[p.id]), "quotes": quotes})
        result.append(p)
    return result


def pain_statement(workspace, kind: str, pk: int) -> tuple[str, str]:
    """A name and the customers' words for an initiative started from one pain point."""
    if kind == THEME:
        theme = get_scoped(live_themes(workspace), workspace, pk=pk)
        quotes = [f"“{q.text.strip()}”" for q in representative_quotes(theme)]
        at_stake = f" Revenue at stake: {Decimal(theme.revenue_at_stake or 0):,.0f}." if theme.revenue_at_stake else ""
        return theme.name[:200], ("\n".join(quotes) or theme.name) + f"\n\n{theme.size} items in the theme.{at_stake}"
    if kind == HIGHLIGHT:
        highlight = get_scoped(scoped(Highlight, workspace).filter(kind=HighlightKind.PAIN), workspace, pk=pk)
        text = " ".join(highlight.text.split())
        return (text[:80] + ("…" if len(text) > 80 else "")), f"“{highlight.text.strip()}”"
    raise ValidationError({"kind": "Choose a theme or a pain highlight."})


def initiatives_available() -> bool:
    try:
        from outsidein.initiatives.services import save_initiative  # noqa: F401
    except ImportError:
        return False
    return True


def start_initiative(workspace, actor, kind: str, pk: int):
    """Turn one pain point into an initiative at its first stage (nail the pain), sponsored by ``actor``."""
    from outsidein.initiatives.services import save_initiative

    name, statement = pain_statement(workspace, kind, pk)
    return save_initiative(workspace, actor, {"name": name, "pain_statement": statement})
