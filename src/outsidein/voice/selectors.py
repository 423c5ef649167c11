"""Reads of the voice area: feedback lists and the score columns the pure score functions take.

Scores are read with one ``values_list`` per metric (three columns: time, score, segment), so a page
costs the same number of queries whatever the number of responses.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from outsidein.core.scoping import scoped
from outsidein.voice.analysis import scores
from outsidein.voice.models import FeedbackItem, ImportBatch

# The column each metric of voice.analysis.scores is computed from.
METRIC_COLUMN = {"nps": "nps", "csat": "csat", "csat_mean": "csat", "ces": "ces"}
PAGE_METRICS = ("nps", "csat", "ces")
NPS_GROUPS = {"promoter": Q(nps__gte=9), "passive": Q(nps__in=(7, 8)), "detractor": Q(nps__lte=6)}
SENTIMENT_GROUPS = {"negative": Q(sentiment__lte=-0.05), "neutral": Q(sentiment__gt=-0.05, sentiment__lt=0.05),
                    "positive": Q(sentiment__gte=0.05)}


@dataclass(frozen=True)
class FeedbackFilter:
    query: str = ""
    source: str = ""
    source_name: str = ""
    account_id: int | None = None
    segment_id: int | None = None
    batch_id: int | None = None
    nps_group: str = ""
    sentiment: str = ""
    has_text: bool = False
    since: date | None = None
    until: date | None = None  # inclusive


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def filtered_feedback(workspace, f: FeedbackFilter) -> QuerySet[FeedbackItem]:
    items = scoped(FeedbackItem, workspace)
    if f.query:
        items = items.filter(text__icontains=f.query)
    if f.source:
        items = items.filter(source=f.source)
    if f.source_name:
        items = items.filter(source_name=f.source_name)
    if f.account_id:
        items = items.filter(account_id=f.account_id)
    if f.segment_id:
        items = items.filter(account__segment_id=f.segment_id)
    if f.batch_id:
        items = items.filter(batch_id=f.batch_id)
    if f.nps_group in NPS_GROUPS:
        items = items.filter(NPS_GROUPS[f.nps_group])
    if f.sentiment in SENTIMENT_GROUPS:
        items = items.filter(SENTIMENT_GROUPS[f.sentiment])
    if f.has_text:
        items = items.exclude(text="")
    if f.since:
        items = items.filter(received_at__gte=_day_start(f.since))
    if f.until:
        items = items.filter(received_at__lt=_day_start(f.until + timedelta(days=1)))
    return items


def feedback_list(workspace, f: FeedbackFilter) -> QuerySet[FeedbackItem]:
    return filtered_feedback(workspace, f).select_related("account", "person")


def source_names(workspace) -> list[str]:
    return list(scoped(FeedbackItem, workspace).order_by("source_name").values_list("source_name", flat=True)
                .distinct())


def score_columns(workspace, metric: str, f: FeedbackFilter) -> tuple[list, list, list]:
    """(received_at, score, segment name) of every answered response matching the filter: one query."""
    column = METRIC_COLUMN[metric]
    rows = filtered_feedback(workspace, f).filter(**{f"{column}__isnull": False}).values_list(
        "received_at", column, "account__segment__name")
    when, values, segments = [], [], []
    for received_at, value, segment in rows.iterator(chunk_size=5000):
        when.append(received_at)
        values.append(value)
        segments.append(segment or "No segment")
    return when, values, segments


@dataclass(frozen=True)
class MetricView:
    metric: str
    label: str
    overall: scores.ScoreEstimate
    series: list[scores.SeriesPoint]
    by_segment: list[scores.SeriesPoint]


def metric_view(workspace, metric: str, f: FeedbackFilter, period: scores.Period = "month") -> MetricView:
    when, values, segments = score_columns(workspace, metric, f)
    shown = "csat" if metric == "csat" else metric  # CSAT is charted as the top-2-box share
    overall = scores.estimate(shown, values)
    series = scores.score_series(when, values, shown, period=period, tz=timezone.get_current_timezone()) \
        if values else []
    by_segment = scores.score_series(None, values, shown, period=None, groups=segments) if values else []
    return MetricView(shown, scores.LABELS[shown], overall, series, by_segment)


def compare(workspace, metric: str, f: FeedbackFilter, before: tuple[date, date],
            after: tuple[date, date]) -> scores.ScoreChange:
    """Whether a score moved between two periods by more than noise (each period's days inclusive)."""
    estimates = []
    for since, until in (before, after):
        _, values, _ = score_columns(workspace, metric, FeedbackFilter(**{**f.__dict__, "since": since,
                                                                           "until": until}))
        estimates.append(scores.estimate(metric, values))
    return scores.compare_periods(*estimates)


def import_batches(workspace) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch, workspace).select_related("created_by")
