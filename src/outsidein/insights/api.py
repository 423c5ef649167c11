"""API for what the feedback says: themes (list, read, rename, merge), key driver analyses, monetizable pain."""

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema
from ninja.pagination import paginate

from outsidein.api.inputs import MAX_INT, InputSchema
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.core.money import api_money
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped, scoped
from outsidein.insights import drivers as drivers_services
from outsidein.insights import pain, score_words, selectors
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis import scores
from outsidein.insights.analysis.scores import MIN_SAMPLE
from outsidein.insights.models import DriverAnalysis, Theme
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import Workspace

router = Router()


class QuoteOut(Schema):
    kind: str
    id: int
    text: str


class ThemeOut(Schema):
    id: int
    name: str
    size: int
    top_terms: list[str]
    avg_sentiment: float | None = Field(description="Mean sentiment of its items, −1..1.")
    trend: float | None = Field(description="Change in the theme's share of all feedback, last 30 days against "
                                            "the 30 before (0.05 = five percentage points more).")
    revenue_at_stake: float | None = Field(description="Annual revenue of the distinct accounts that raised it, "
                                                      "in `currency`.")
    currency: str = Field(description="ISO 4217 code of the workspace's revenue figures.")
    method: str


class ThemeDetailOut(ThemeOut):
    quotes: list[QuoteOut]


class ThemePatch(InputSchema):
    name: str = Field(min_length=1, max_length=200)


class ThemeMergeIn(InputSchema):
    other_theme_id: int = Field(description="The theme merged into this one; its items join this theme.")
    name: str | None = Field(None, max_length=200, description="A name for the merged theme (default: keep).")


def _money(name: str, amount: Decimal | float | None, workspace: Workspace | str) -> dict[str, float | str | None]:
    """``{name: amount, "currency": code}`` for the workspace, or for the currency code given."""
    money = api_money(amount, workspace)
    return {name: money["amount"], "currency": money["currency"]}


def _theme_out(theme: Theme) -> dict[str, object]:
    return {
        "id": theme.pk, "name": theme.name, "size": theme.size, "top_terms": theme.top_terms or [],
        "avg_sentiment": theme.avg_sentiment, "trend": theme.trend,
        **_money("revenue_at_stake", theme.revenue_at_stake, theme.workspace), "method": theme.method,
    }


def _theme_detail(theme: Theme) -> dict[str, object]:
    quotes = [{"kind": q.kind, "id": q.id, "text": q.text} for q in themes_services.representative_quotes(theme)]
    return {**_theme_out(theme), "quotes": quotes}


def _live_theme(request: WorkspaceRequest, theme_id: int) -> Theme:
    return get_scoped(themes_services.live_themes(request.workspace).select_related("workspace"),
                      request.workspace, pk=theme_id)


@router.get("/themes", response=list[ThemeOut], tags=["themes"], summary="List themes, largest first")
@replica_reads
@paginate(Page)
def list_themes(request: WorkspaceRequest) -> list[dict[str, object]]:
    return [_theme_out(t) for t in themes_services.live_themes(request.workspace).select_related("workspace")]


@router.get("/themes/{theme_id}", response=ThemeDetailOut, tags=["themes"], summary="Read a theme and its quotes")
def read_theme(request: WorkspaceRequest, theme_id: int) -> dict[str, object]:
    return _theme_detail(_live_theme(request, theme_id))


@router.patch("/themes/{theme_id}", response=ThemeDetailOut, tags=["themes"], summary="Rename a theme")
def rename_theme(request: WorkspaceRequest, theme_id: int, payload: ThemePatch) -> dict[str, object]:
    theme = themes_services.rename_theme(_live_theme(request, theme_id), payload.name)
    return _theme_detail(theme)


@router.post("/themes/{theme_id}/merge", response=ThemeDetailOut, tags=["themes"],
             summary="Merge another theme into this one")
def merge_theme(request: WorkspaceRequest, theme_id: int, payload: ThemeMergeIn) -> dict[str, object]:
    keep = _live_theme(request, theme_id)
    other = _live_theme(request, payload.other_theme_id)
    return _theme_detail(themes_services.merge_themes(keep, other, name=payload.name))


class ThemeSplitIn(InputSchema):
    parts: int = Field(2, ge=2, le=themes_services.MAX_SPLIT_PARTS, description="Number of themes to split into.")


@router.post("/themes/{theme_id}/split", response=list[ThemeOut], tags=["themes"],
             summary="Split a theme: re-cluster its items into several themes")
def split_theme(request: WorkspaceRequest, theme_id: int, payload: ThemeSplitIn) -> list[dict[str, object]]:
    return [_theme_out(t) for t in themes_services.split_theme(_live_theme(request, theme_id), payload.parts)]


class ThemeAnalysisIn(InputSchema):
    k: int | None = Field(None, ge=2, le=themes_services.MAX_THEMES,
                          description="Number of themes; leave out to let the data decide.")
    method: str | None = Field(None, description="embeddings (by meaning; the default where the model is "
                                                 "installed) or tfidf (by shared words, faster)")


class ThemeAnalysisOut(Schema):
    detail: str


@router.post("/theme-analyses", response={202: ThemeAnalysisOut}, tags=["themes"],
             summary="Find the themes again over all feedback and highlights (in the background)")
def start_theme_analysis(request: WorkspaceRequest, payload: ThemeAnalysisIn) -> tuple[int, dict[str, str]]:
    themes_services.start_theme_analysis(request.workspace, request.user, k=payload.k, method=payload.method)
    return 202, {"detail": "Theme analysis queued; GET /api/themes shows the new themes when it is done."}


class DriverOut(Schema):
    name: str
    relative_weight: float = Field(description="Johnson's relative weight: a share of R².")
    relative_weight_pct: float
    shapley: float = Field(description="Shapley value (general dominance): a share of R².")
    shapley_pct: float
    performance: float = Field(description="Mean rating.")
    top_box: float = Field(description="Share (0..1) of ratings at the top of the scale.")
    quadrant: str


class DriverAnalysisIn(InputSchema):
    outcome: str = Field(description="nps or csat", pattern="^(nps|csat)$")
    drivers: list[str] = Field(min_length=2, max_length=drivers_services.MAX_DRIVERS,
                               description="Names of driver ratings found in the feedback.")


class DriverAnalysisOut(Schema):
    id: int
    outcome: str
    drivers: list[str]
    status: str = Field(description="queued, running, done or failed")
    error: str = ""
    n: int
    r2: float | None = None
    act_first: str | None = Field(None, description="The key driver with the lowest performance.")
    results: list[DriverOut] = []
    warnings: list[str] = []
    created_at: datetime


def _analysis_out(analysis: DriverAnalysis) -> dict[str, object]:
    result = analysis.result or {}
    return {
        "id": analysis.pk, "outcome": analysis.outcome, "drivers": analysis.drivers,
        "status": analysis.status, "error": analysis.error, "n": analysis.n,
        "r2": result.get("r2"), "act_first": result.get("act_first"), "results": result.get("details") or [],
        "warnings": result.get("warnings") or [], "created_at": analysis.created_at,
    }


@router.get("/driver-analyses", response=list[DriverAnalysisOut], tags=["key drivers"],
            summary="List key driver analyses, newest first")
@paginate(Page)
def list_driver_analyses(request: WorkspaceRequest) -> list[dict[str, object]]:
    return [_analysis_out(a) for a in scoped(DriverAnalysis, request.workspace)]


@router.post("/driver-analyses", response={201: DriverAnalysisOut}, tags=["key drivers"],
             summary="Run a key driver analysis (large ones finish in the background: poll until done)")
def create_driver_analysis(request: WorkspaceRequest,
                           payload: DriverAnalysisIn) -> tuple[int, dict[str, object]]:
    analysis = drivers_services.create_driver_analysis(request.workspace, request.user, outcome=payload.outcome,
                                                       drivers=payload.drivers)
    return 201, _analysis_out(analysis)


@router.get("/driver-analyses/{analysis_id}", response=DriverAnalysisOut, tags=["key drivers"],
            summary="Read a key driver analysis")
def read_driver_analysis(request: WorkspaceRequest, analysis_id: int) -> dict[str, object]:
    return _analysis_out(get_scoped(DriverAnalysis, request.workspace, pk=analysis_id))


class PainOut(Schema):
    rank: int = Field(description="Position in the whole ranking, 1 for the largest pain.")
    index: int = Field(description="Pain index 0–100: the score as a share of the top row's.")
    kind: str = Field(description="theme, or account (the pain highlights of one account)")
    id: int = Field(description="The theme's or the account's id.")
    title: str
    quote: str | None = Field(description="Its best example: a theme's most typical quote, an account's most "
                                          "negative pain; no quote repeats down the ranking.")
    revenue_at_stake: float = Field(description="Annual revenue of the distinct accounts behind it, in `currency`.")
    currency: str = Field(description="ISO 4217 code of the workspace's revenue figures.")
    share_of_revenue: float | None = Field(description="Revenue at stake / all accounts' revenue (0..1).")
    accounts: int = Field(description="Distinct accounts behind it.")
    carrying_accounts: int = Field(description="The fewest accounts whose revenue makes 80% of the revenue at stake.")
    highlights: int = Field(description="Pain highlights behind an account row (0 for a theme).")
    negativity: float | None
    detractor_share: float | None
    nps_answers: int
    trend_factor: float
    score: float = Field(description="What the ranking sorts by (see the pain page: how this is computed).")


class PainPage(Schema):
    items: list[PainOut]
    count: int = Field(description="Rows in the whole ranking.")


def _pain_out(p: pain.PainPoint, currency: str) -> dict[str, object]:
    return {
        "rank": p.rank, "index": p.index, "kind": p.kind, "id": p.id, "title": p.title,
        "quote": p.quote.text if p.quote else None, **_money("revenue_at_stake", p.revenue, currency),
        "share_of_revenue": p.share_of_revenue, "accounts": p.accounts,
        "carrying_accounts": p.concentration.carriers, "highlights": p.highlights, "negativity": p.negativity,
        "detractor_share": p.detractor_share, "nps_answers": p.nps_answers, "trend_factor": p.trend_factor,
        "score": p.score,
    }


MAX_PAIN_LIMIT = 500


class PainQuery(InputSchema):
    limit: int = Field(100, ge=1, le=MAX_PAIN_LIMIT)
    # The ranking reads offset + limit rows, a count the database must still be able to take.
    offset: int = Field(0, ge=0, le=MAX_INT - MAX_PAIN_LIMIT)


@router.get("/pain", response=PainPage, tags=["monetizable pain"],
            summary="Themes and accounts' pain, largest monetizable pain first")
def list_pain(request: WorkspaceRequest, page: Query[PainQuery]) -> dict[str, object]:
    ranking = pain.rank_pain(request.workspace, limit=page.limit, offset=page.offset)
    return {"items": [_pain_out(p, ranking.currency) for p in ranking.points], "count": ranking.total}


# -- scores --------------------------------------------------------------------------------------------------


class ScoreQuery(InputSchema):
    metric: Literal["nps", "csat", "csat_mean", "ces"] = "nps"
    period: Literal["week", "month", "quarter", "year"] = "month"
    source_name: str = ""
    segment_id: int | None = None
    since: date | None = Field(None, description="First day, in the workspace's reporting zone.")
    until: date | None = Field(None, description="Last day (inclusive), in the workspace's reporting zone.")


class EstimateOut(Schema):
    n: int
    value: float | None
    margin_of_error: float | None = Field(description="Half the 95% interval; null below two responses.")
    low: float | None
    high: float | None
    warning: str | None


class PeriodOut(EstimateOut):
    period: str
    start: date
    partial: bool = Field(description="The period is still in progress: not a result yet, and not part of the "
                                      "trend.")
    few: bool = Field(description=f"Fewer than {MIN_SAMPLE} responses: the margin of error is itself unreliable.")


class SegmentScoreOut(EstimateOut):
    segment: str


class ScoresOut(Schema):
    metric: str
    label: str
    time_zone: str = Field(description="The workspace's reporting zone, where its days and periods begin.")
    overall: EstimateOut
    periods: list[PeriodOut]
    segments: list[SegmentScoreOut]
    summary: list[str] = Field(description="What changed, in words, as the scores page says it.")


def _finite_or_none(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _estimate_out(e: scores.ScoreEstimate) -> dict[str, object]:
    usable = e.n >= 2
    return {"n": e.n, "value": _finite_or_none(e.value) if e.n else None,
            "margin_of_error": _finite_or_none(e.margin_of_error) if usable else None,
            "low": _finite_or_none(e.low) if usable else None, "high": _finite_or_none(e.high) if usable else None,
            "warning": e.warning}


@router.get("/scores", response=ScoresOut, summary="A score with its trend by period and by segment")
def read_scores(request: WorkspaceRequest, query: Query[ScoreQuery]) -> dict[str, object]:
    f = selectors.FeedbackFilter(source_name=query.source_name, segment_id=query.segment_id, since=query.since,
                                 until=query.until)
    view = selectors.metric_view(request.workspace, query.metric, f, query.period)
    return {
        "metric": view.metric, "label": view.label, "time_zone": request.workspace.time_zone,
        "overall": _estimate_out(view.overall),
        "periods": [{**_estimate_out(p.estimate), "period": p.period, "start": p.start, "partial": p.partial,
                     "few": p.few} for p in view.series],
        "segments": [{**_estimate_out(p.estimate), "segment": str(p.group)} for p in view.by_segment],
        "summary": score_words.score_summary(view),
    }
