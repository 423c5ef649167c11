"""Reads of feedback: the filter every feedback page and score shares, the feedback list, sources and imports."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from outsidein.core.scoping import scoped
from outsidein.core.search import text_matches
from outsidein.feedback.models import (
    FeedbackItem,
    FeedbackTally,
    ImportBatch,
    TallyKind,
)
from outsidein.feedback.rules import DETRACTOR_MAX, PROMOTER_MIN
from outsidein.workspaces.models import Workspace

NPS_GROUPS = {"promoter": Q(nps__gte=PROMOTER_MIN),
              "passive": Q(nps__gt=DETRACTOR_MAX, nps__lt=PROMOTER_MIN),
              "detractor": Q(nps__lte=DETRACTOR_MAX)}
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


def _day_start(day: date, tz: tzinfo | None = None) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), tz)


def filtered_feedback(workspace: Workspace, f: FeedbackFilter, *, tz: tzinfo | None = None) -> QuerySet[FeedbackItem]:
    """Items matching the filter; ``since``/``until`` are days in ``tz`` (the reader's zone by default)."""
    items = scoped(FeedbackItem, workspace)
    if f.query and (matching := text_matches(FeedbackItem._meta.db_table, "text", f.query)) is not None:
        items = items.filter(matching)
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
        items = items.filter(received_at__gte=_day_start(f.since, tz))
    if f.until:
        items = items.filter(received_at__lt=_day_start(f.until + timedelta(days=1), tz))
    return items


def feedback_list(workspace: Workspace, f: FeedbackFilter) -> QuerySet[FeedbackItem]:
    return filtered_feedback(workspace, f).select_related("account", "person")


def source_names(workspace: Workspace) -> list[str]:
    """The source names the workspace's feedback holds, as the writes tallied them (no scan of the items)."""
    return list(scoped(FeedbackTally, workspace).filter(kind=TallyKind.SOURCE_NAME, items__gt=0)
                .order_by("name").values_list("name", flat=True))


def import_batches(workspace: Workspace) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch, workspace).select_related("created_by")
