"""Reads of scores: counts of answers, and the estimates pages and the API show.

Scores never read responses one by one: the score rollup (feedback/rollups.py) holds answer counts per day,
source and segment, and a filter it does not keep (text, account, import, sentiment) is answered by one
GROUP BY over the matching items. Either way a page costs the same queries and reads at most a row per
period or segment, whatever the number of responses.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Aggregate, DateField, Expression, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncWeek, TruncYear
from django.db.models.functions.datetime import TruncBase
from django.utils import timezone

from outsidein.core.scoping import scoped
from outsidein.customers.models import Segment
from outsidein.feedback import rollups
from outsidein.feedback.models import ROLLUP_COLUMNS, ROLLUP_COUNTS, FeedbackItem, ScoreRollup
from outsidein.feedback.selectors import FeedbackFilter, filtered_feedback
from outsidein.insights.analysis import scores
from outsidein.workspaces.models import Workspace

__all__ = ["FeedbackFilter", "MetricView", "answer_table", "compare", "metric_view", "metric_views", "today_in"]

# The column each metric of insights.analysis.scores is computed from.
METRIC_COLUMN = {"nps": "nps", "csat": "csat", "csat_mean": "csat", "ces": "ces"}
PAGE_METRICS: tuple[scores.Metric, ...] = ("nps", "csat", "ces")


TRUNC: dict[str, type[TruncBase]] = {"week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter,
                                     "year": TruncYear}
NO_SEGMENT = "No segment"


def _rollup_serves(f: FeedbackFilter) -> bool:
    """The rollup keeps day, source, source name and segment; any other filter needs the items themselves."""
    return not (f.query or f.account_id or f.batch_id or f.nps_group or f.sentiment or f.has_text)


def _rollup_rows(workspace: Workspace, f: FeedbackFilter) -> QuerySet[ScoreRollup]:
    rows = scoped(ScoreRollup, workspace)
    if f.source:
        rows = rows.filter(source=f.source)
    if f.source_name:
        rows = rows.filter(source_name=f.source_name)
    if f.segment_id:
        rows = rows.filter(segment_key=f.segment_id)
    if f.since:
        rows = rows.filter(day__gte=f.since)
    if f.until:
        rows = rows.filter(day__lte=f.until)
    return rows.order_by()


@dataclass(frozen=True)
class AnswerCell:
    """Answer counts of one period and segment: {score column: {answer: responses}}."""

    period: date | None
    segment_key: int
    counts: dict[str, dict[int, int]]

    @property
    def first_day(self) -> date:
        """``period`` of a cell of a table split by period, where every cell has one."""
        assert self.period is not None, "a table not split by period has no periods"
        return self.period


def answer_table(workspace: Workspace, f: FeedbackFilter, period: scores.Period | None = "month") -> list[AnswerCell]:
    """How many responses gave each NPS, CSAT and CES answer, per period and segment: ONE GROUP BY.

    From the rollup when it keeps every filter, else over the matching items; either way at most one row per
    period and segment comes back, whatever the number of responses. With ``period=None`` there is no
    split by time.
    """
    columns = ROLLUP_COLUMNS
    rows: QuerySet[ScoreRollup] | QuerySet[FeedbackItem]
    when: Expression
    segment: F | Coalesce
    sums: Mapping[str, Aggregate]
    if _rollup_serves(f):
        rows = _rollup_rows(workspace, f)
        when = TRUNC[period]("day") if period else Value(None, output_field=DateField())
        segment = F("segment_key")
        sums = {c: Sum(c) for c in columns}
    else:
        tz = workspace.tz
        rows = filtered_feedback(workspace, f, tz=tz).filter(
            Q(nps__isnull=False) | Q(csat__isnull=False) | Q(ces__isnull=False)).order_by()
        when = TRUNC[period]("received_at", tzinfo=tz) if period else Value(None, output_field=DateField())
        segment = Coalesce("account__segment_id", Value(0), output_field=IntegerField())
        sums = rollups.count_expressions()
    cells = []
    # One row per period and segment: its "p" and "s", and a count per answer column (named by ``sums``).
    grouped: Iterable[Mapping[str, Any]] = rows.annotate(p=when, s=segment).values("p", "s").annotate(**sums)
    for row in grouped:
        start = row["p"]
        if isinstance(start, datetime):  # TruncMonth of a datetime: the local midnight that starts the period
            start = start.astimezone(workspace.tz).date() if timezone.is_aware(start) else start.date()
        counts: dict[str, dict[int, int]] = {}
        for metric, metric_columns in ROLLUP_COUNTS.items():
            counts[metric] = {int(c.rsplit("_", 1)[1]): int(row[c]) for c in metric_columns if row[c]}
        cells.append(AnswerCell(start, int(row["s"] or 0), counts))
    return cells


def _summed[K: Hashable](cells: list[AnswerCell], column: str,
                         key: Callable[[AnswerCell], K]) -> dict[K, dict[int, int]]:
    totals: dict[K, dict[int, int]] = {}
    for cell in cells:
        bucket = totals.setdefault(key(cell), {})
        for answer, n in cell.counts[column].items():
            bucket[answer] = bucket.get(answer, 0) + n
    return {k: v for k, v in totals.items() if v}


@dataclass(frozen=True)
class MetricView:
    metric: scores.Metric
    label: str
    overall: scores.ScoreEstimate
    series: list[scores.SeriesPoint]
    by_segment: list[scores.SeriesPoint]
    period: scores.Period = "month"
    change: scores.ScoreChange | None = None  # the last complete period against the one before it

    @property
    def partial(self) -> scores.SeriesPoint | None:
        return next((p for p in reversed(self.series) if p.partial), None)

    @property
    def last_full(self) -> scores.SeriesPoint | None:
        return next((p for p in reversed(self.series) if not p.partial and p.estimate.n), None)


def today_in(workspace: Workspace) -> date:
    return timezone.now().astimezone(workspace.tz).date()


def metric_views(workspace: Workspace, f: FeedbackFilter, period: scores.Period = "month",
                 metrics: tuple[scores.Metric, ...] = PAGE_METRICS) -> dict[str, MetricView]:
    """Each score with its trend by period and its breakdown by segment, from one answer table and a name
    look-up: the same two queries for a hundred responses or a million."""
    cells = answer_table(workspace, f, period)
    keys = {cell.segment_key for cell in cells if cell.segment_key}
    names = dict(scoped(Segment, workspace).filter(pk__in=keys).values_list("pk", "name")) if keys else {}
    today = today_in(workspace)
    views: dict[str, MetricView] = {}
    for metric in metrics:
        column = METRIC_COLUMN[metric]
        shown: scores.Metric = "csat" if metric == "csat" else metric  # CSAT is charted as the top-2-box share
        overall = scores.estimate_from_counts(shown, _summed(cells, column, lambda c: None).get(None, {}))
        series: list[scores.SeriesPoint] = []
        by_segment: list[scores.SeriesPoint] = []
        if overall.n:
            series = scores.series_from_counts(_summed(cells, column, lambda c: c.first_day), shown, period=period,
                                               today=today)
            by_segment = [scores.SeriesPoint(period=None, start=None, group=names.get(k, NO_SEGMENT),
                                             estimate=scores.estimate_from_counts(shown, counts))
                          for k, counts in _summed(cells, column, lambda c: c.segment_key).items()]
            by_segment.sort(key=lambda p: (p.group == NO_SEGMENT, str(p.group)))
        views[metric] = MetricView(shown, scores.LABELS[shown], overall, series, by_segment, period,
                                   scores.last_full_change(series))
    return views


def metric_view(workspace: Workspace, metric: scores.Metric, f: FeedbackFilter,
                period: scores.Period = "month") -> MetricView:
    return metric_views(workspace, f, period, (metric,))[metric]


def compare(workspace: Workspace, metric: scores.Metric, f: FeedbackFilter, before: tuple[date, date],
            after: tuple[date, date]) -> scores.ScoreChange:
    """Whether a score moved between two periods by more than noise (each period's days inclusive)."""
    estimates = []
    for since, until in (before, after):
        window = FeedbackFilter(**{**f.__dict__, "since": since, "until": until})
        counts = _summed(answer_table(workspace, window, None), METRIC_COLUMN[metric], lambda c: None).get(None, {})
        estimates.append(scores.estimate_from_counts(metric, counts))
    return scores.compare_periods(*estimates)


