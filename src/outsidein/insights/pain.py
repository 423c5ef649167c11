"""Monetizable pain: themes and the pain raised by each account, ranked by the revenue at stake behind them.

    score = revenue at stake × (0.5 + negativity) × (1 + detractor share) × trend factor

docs/analytics/monetizable-pain.md explains each term and why. In short: revenue at stake is the annual
revenue of the distinct accounts that raised it; negativity (0..1) is (1 − average sentiment) / 2, so a
neutral voice counts once, an all-negative one 1.5 times and an all-positive one half; the detractor share
is the share of NPS answers 0–6 among the items (for an account's pain highlights: among its answers), so
revenue whose owners would not recommend us counts up to double; the trend factor (0.5..2) is
1 + (change in the theme's share of all feedback over the last 30 days) / (its share), so growing pain
rises and fading pain sinks. A term with no data (no sentiment, no NPS answers, no trend) is neutral (× 1).

People read a rank and a pain index (0–100: the score relative to the top row), not the score itself.

The ranking costs the same few queries whatever the data size: themes are few and read whole; pain
highlights are grouped by account in the database (stored sentiment, account revenue) and only the top of
that ordering is read (a pool of several pages); detractor shares are counted for those accounts only and
re-order the pool.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Case, F, FloatField, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse

from outsidein.conversations.models import Highlight, HighlightKind
from outsidein.core.money import currency_of, exact_money
from outsidein.core.scoping import get_scoped, scoped
from outsidein.customers.models import Account
from outsidein.feedback.models import AccountVoice
from outsidein.insights.models import Theme
from outsidein.insights.theme_reach import NO_CONCENTRATION, Concentration
from outsidein.insights.themes import live_themes, representative_quotes, representative_quotes_of, text_count
from outsidein.workspaces.models import User, Workspace

if TYPE_CHECKING:  # initiatives are optional here (``initiatives_available``): imported when one is started
    from outsidein.initiatives.models import Initiative

THEME = "theme"
HIGHLIGHT = "highlight"
ACCOUNT = "account"  # the pain highlights of one account, as one row
TREND_FACTOR_RANGE = (0.5, 2.0)
QUOTES_PER_ROW = 8  # candidates per row, so a quote already shown higher up can give way to the next one


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


def pain_index(score: float, top_score: float) -> int:
    """0–100: the score as a share of the top row's, so the first row reads 100 and half its pain reads 50.

    0 is kept for nothing at stake: a row with some pain reads at least 1.
    """
    if top_score <= 0 or score <= 0:
        return 0
    return max(1, min(100, round(100 * score / top_score)))




@dataclass(frozen=True)
class Quote:
    text: str
    url: str
    sentiment: float | None = None


@dataclass
class PainPoint:
    kind: str  # THEME or ACCOUNT
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
    quotes: list[Quote] = field(default_factory=list)  # candidates, best first; the page shows the first unused
    highlights: int = 0  # pain highlights behind an account row
    share_of_revenue: float | None = None  # revenue at stake / the workspace's total account revenue
    concentration: Concentration = NO_CONCENTRATION
    rank: int = 0
    index: int = 0

    @property
    def quote(self) -> Quote | None:
        return self.quotes[0] if self.quotes else None

    @property
    def negativity_pct(self) -> float | None:
        return None if self.negativity is None else 100 * self.negativity

    @property
    def detractor_pct(self) -> float | None:
        return None if self.detractor_share is None else 100 * self.detractor_share

    @property
    def share_pct(self) -> float | None:
        return None if self.share_of_revenue is None else 100 * self.share_of_revenue


@dataclass(frozen=True)
class PainRanking:
    points: list[PainPoint]
    total: int  # rows in the whole ranking
    offset: int
    currency: str
    total_revenue: float  # annual revenue of all the workspace's accounts
    unranked: int  # pain highlights with no account behind them: nothing is known to be at stake

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.points) < self.total


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _float(value: Decimal | float | None) -> float:
    return float(value) if value is not None else 0.0


# -- themes ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeFigures:
    """What ranking themes needs beyond the theme rows, read in one pass over their members."""

    answers: dict[int, tuple[int, int]]  # theme id -> (NPS answers, detractors among them)
    spread: dict[int, Concentration]
    revenue_total: float  # annual revenue of all the workspace's accounts
    total_items: int  # feedback items and highlights with text, themed or not


def theme_figures(workspace: Workspace, themes: Iterable[Theme], *, count_texts: bool = True) -> ThemeFigures:
    """Detractors and concentration of each theme as the theme analysis stored them, all accounts' revenue and
    the number of texts: two small reads, whatever the number of theme members."""
    answers: dict[int, tuple[int, int]] = {}
    spread: dict[int, Concentration] = {}
    for theme in themes:
        answers[theme.pk] = (theme.nps_answers, theme.detractors)
        if theme.accounts:
            spread[theme.pk] = Concentration(theme.accounts, theme.carrying_accounts, _float(theme.revenue_at_stake))
    revenue_total = scoped(Account, workspace).aggregate(total=Sum("annual_revenue"))["total"]
    # The number of texts only weighs themes' trends: without themes there is nothing to count it for.
    texts = text_count(workspace) if count_texts and answers else 0
    return ThemeFigures(answers, spread, _float(revenue_total), texts)


def _theme_points(workspace: Workspace, themes: list[Theme]) -> tuple[list[PainPoint], float]:
    figures = theme_figures(workspace, themes)
    points = []
    for theme in themes:
        answers, detracting = figures.answers.get(theme.pk, (0, 0))
        weight = trend_factor(theme.trend, _share(theme.size, figures.total_items))
        revenue = _float(theme.revenue_at_stake)
        neg = negativity(theme.avg_sentiment)
        d = _share(detracting, answers)
        concentration = figures.spread.get(theme.pk, NO_CONCENTRATION)
        points.append(PainPoint(
            THEME, theme.pk, theme.name, _theme_url(theme), revenue, concentration.accounts, neg, d, answers,
            theme.trend, weight, pain_score(revenue, neg, d, weight),
            share_of_revenue=_share(revenue, figures.revenue_total) if theme.revenue_at_stake is not None else None,
            concentration=concentration,
        ))
    return points, figures.revenue_total


def _theme_url(theme: Theme) -> str:
    return reverse("theme-detail", kwargs={"ws": theme.workspace.slug, "theme_id": theme.pk})


# -- pain highlights, by account ---------------------------------------------------------------------------


def _pain_highlights(workspace: Workspace) -> QuerySet[Highlight]:
    return scoped(Highlight, workspace).filter(kind=HighlightKind.PAIN)


class AccountGroup(TypedDict):
    """An account with pain highlights as ``_account_groups`` reads it, with its score."""

    account_id: int
    account__name: str
    revenue: float
    mean_sentiment: float | None
    pain_highlights: int
    nps_answers: int
    detractors: int
    score: float


def _account_groups(workspace: Workspace) -> QuerySet[AccountVoice, AccountGroup]:
    """Accounts with pain highlights, largest monetizable pain first, ordered by the database from the counts
    kept per account (AccountVoice): revenue × (0.5 + negativity) × (1 + detractor share)."""
    revenue = Coalesce(Cast(F("account__annual_revenue"), FloatField()), Value(0.0))
    mean = Case(When(pain_scored__gt=0, then=F("pain_sentiment") / Cast(F("pain_scored"), FloatField())),
                default=Value(None), output_field=FloatField())
    share = Case(When(nps_answers__gt=0, then=Cast(F("detractors"), FloatField()) / Cast(F("nps_answers"),
                                                                                      FloatField())),
                 default=Value(0.0), output_field=FloatField())
    return (
        scoped(AccountVoice, workspace).filter(pain_highlights__gt=0)
        .annotate(revenue=revenue, mean_sentiment=mean, share=share)
        # (0.5 + negativity) with negativity = (1 − s) / 2 is 1 − s / 2; no sentiment counts as neutral
        .annotate(score=F("revenue") * (Value(1.0) - Coalesce(F("mean_sentiment"), Value(0.0)) / Value(2.0))
                  * (Value(1.0) + F("share")))
        .order_by("-score", "-revenue", "account_id")
        .values("account_id", "account__name", "revenue", "mean_sentiment", "pain_highlights", "nps_answers",
                "detractors", "score")
    )


def _account_point(workspace: Workspace, row: AccountGroup, revenue_total: float) -> PainPoint:
    account_id = row["account_id"]
    answers = row["nps_answers"]
    d = _share(row["detractors"], answers)
    neg = negativity(row["mean_sentiment"])
    revenue = row["revenue"]
    return PainPoint(
        ACCOUNT, account_id, row["account__name"],
        reverse("account-detail", kwargs={"ws": workspace.slug, "account_id": account_id}),
        revenue, 1, neg, d, answers, None, 1.0, pain_score(revenue, neg, d), highlights=row["pain_highlights"],
        share_of_revenue=_share(revenue, revenue_total), concentration=Concentration(1, 1, revenue),
    )


def _ranked_candidates(workspace: Workspace, themes: list[PainPoint], need: int, offset: int,
                       revenue_total: float) -> tuple[list[PainPoint], int]:
    """The top rows of themes and accounts together, and how many account rows there are in all.

    Accounts come ranked by the database on their full score, so reading the first ``need`` of them is exact;
    themes are few and join them here.
    """
    groups = _account_groups(workspace)
    rows = list(groups[:need])
    candidates = _ordered(themes + [_account_point(workspace, r, revenue_total) for r in rows])
    return candidates, groups.count()


def _ordered(points: list[PainPoint]) -> list[PainPoint]:
    return sorted(points, key=lambda p: (-p.score, -p.revenue, p.kind != THEME, p.id))


def rank_pain(workspace: Workspace, *, limit: int = 50, offset: int = 0) -> PainRanking:
    """Themes and accounts' pain, largest monetizable pain first: rows ``offset`` to ``offset + limit``."""
    limit, offset = max(0, limit), max(0, offset)
    themes, revenue_total = _theme_points(workspace, list(live_themes(workspace).select_related("workspace")))
    candidates, account_rows = _ranked_candidates(workspace, themes, offset + limit, offset, revenue_total)
    top = candidates[0].score if candidates else 0.0
    page = [replace(p, rank=offset + i + 1, index=pain_index(p.score, top))
            for i, p in enumerate(candidates[offset:offset + limit])]
    unranked = _pain_highlights(workspace).filter(conversation__account__isnull=True).count()
    return PainRanking(_with_quotes(workspace, page), len(themes) + account_rows, offset, currency_of(workspace),
                       revenue_total, unranked)


# -- quotes ------------------------------------------------------------------------------------------------


def normalized(text: str) -> str:
    """What makes two quotes the same to a reader: case, spacing and closing punctuation aside."""
    return " ".join(text.lower().split()).strip(" .!?…\"“”'")


def _account_quotes(workspace: Workspace, account_ids: list[int]) -> dict[int, list[Quote]]:
    """Each account's most negative pain highlights first, a few per account (one query)."""
    if not account_ids:
        return {}
    ranked = (_pain_highlights(workspace).filter(conversation__account_id__in=account_ids)
              .select_related("conversation__workspace")
              .annotate(place=Window(RowNumber(), partition_by=[F("conversation__account_id")],
                                     order_by=[F("sentiment").asc(nulls_last=True), F("id").asc()]))
              .filter(place__lte=QUOTES_PER_ROW).order_by("conversation__account_id", "place"))
    quotes: dict[int, list[Quote]] = {pk: [] for pk in account_ids}
    for h in ranked:
        account_id = h.conversation.account_id
        assert account_id is not None  # one of account_ids
        quotes[account_id].append(Quote(h.text, h.get_absolute_url(), h.sentiment))
    return quotes


def _theme_quotes(workspace: Workspace, theme_ids: list[int]) -> dict[int, list[Quote]]:
    """Each theme's representative quotes, the one closest to its centre first (two queries)."""
    if not theme_ids:
        return {}
    themes = list(live_themes(workspace).filter(pk__in=theme_ids))
    return {pk: [Quote(item.text, item.url, item.sentiment) for item in items]
            for pk, items in representative_quotes_of(workspace, themes).items()}


def _with_quotes(workspace: Workspace, points: list[PainPoint]) -> list[PainPoint]:
    """Give each row its best quote that no row above it already shows, so no wording repeats down the list."""
    found = {
        THEME: _theme_quotes(workspace, [p.id for p in points if p.kind == THEME]),
        ACCOUNT: _account_quotes(workspace, [p.id for p in points if p.kind == ACCOUNT]),
    }
    seen: set[str] = set()
    for point in points:
        unused: list[Quote] = []
        for quote in found[point.kind].get(point.id, []):
            key = normalized(quote.text)
            if key and key not in seen:
                unused.append(quote)
                seen.add(key)
                break
        point.quotes = unused
    return points


# -- initiatives -------------------------------------------------------------------------------------------


def pain_statement(workspace: Workspace, kind: str, pk: int) -> tuple[str, str]:
    """A name and the customers' words for an initiative started from one pain point."""
    currency = currency_of(workspace)
    if kind == THEME:
        theme = get_scoped(live_themes(workspace), workspace, pk=pk)
        quotes = [f"“{q.text.strip()}”" for q in representative_quotes(theme)]
        at_stake = (f" Revenue at stake: {exact_money(theme.revenue_at_stake, currency)} ({currency})."
                    if theme.revenue_at_stake else "")
        return theme.name[:200], ("\n".join(quotes) or theme.name) + f"\n\n{theme.size} items in the theme.{at_stake}"
    if kind == ACCOUNT:
        account = get_scoped(Account, workspace, pk=pk)
        pains = _account_quotes(workspace, [account.pk])[account.pk]
        if not pains:
            raise ValidationError({"id": f"{account.name} raised no pain in a conversation."})
        revenue = (f"\n\nAnnual revenue of {account.name}: {exact_money(account.annual_revenue, currency)} "
                   f"({currency})." if account.annual_revenue else "")
        return (f"Pain at {account.name}")[:200], "\n".join(f"“{q.text.strip()}”" for q in pains[:3]) + revenue
    if kind == HIGHLIGHT:
        highlight = get_scoped(_pain_highlights(workspace), workspace, pk=pk)
        text = " ".join(highlight.text.split())
        return (text[:80] + ("…" if len(text) > 80 else "")), f"“{highlight.text.strip()}”"
    raise ValidationError({"kind": "Choose a theme, an account's pain or a pain highlight."})


def initiatives_available() -> bool:
    try:
        from outsidein.initiatives.services import save_initiative  # noqa: F401
    except ImportError:
        return False
    return True


def start_initiative(workspace: Workspace, actor: User, kind: str, pk: int) -> Initiative:
    """Turn one pain point into an initiative at its first stage (nail the pain), sponsored by ``actor``."""
    from outsidein.initiatives.services import save_initiative

    name, statement = pain_statement(workspace, kind, pk)
    return save_initiative(workspace, actor, {"name": name, "pain_statement": statement})


@dataclass(frozen=True)
class RevenueReach:
    """A theme's revenue at stake as a share of all account revenue, and how concentrated it is."""

    share_of_revenue: float | None
    concentration: Concentration

    @property
    def share_pct(self) -> float | None:
        return None if self.share_of_revenue is None else 100 * self.share_of_revenue


def revenue_reach(workspace: Workspace, themes: Iterable[Theme]) -> dict[int, RevenueReach]:
    """Share of revenue and concentration of each theme (one query, whatever their size)."""
    listed = list(themes)
    figures = theme_figures(workspace, listed, count_texts=False)
    return {
        t.pk: RevenueReach(_share(_float(t.revenue_at_stake), figures.revenue_total)
                           if t.revenue_at_stake is not None else None,
                           figures.spread.get(t.pk, NO_CONCENTRATION))
        for t in listed
    }
