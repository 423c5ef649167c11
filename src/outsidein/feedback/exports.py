"""CSV export of feedback items; every cell goes through ``core.exports.safe_cell`` when written."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from outsidein.core.exports import safe_cell
from outsidein.core.scoping import scoped
from outsidein.feedback.models import FeedbackItem
from outsidein.workspaces.models import Workspace

HEADER = ["id", "source", "source_name", "external_id", "received_at", "account", "account_external_id",
          "person_email", "nps", "csat", "ces", "driver_ratings", "sentiment", "text"]


def export_feedback(workspace: Workspace, queryset: QuerySet[FeedbackItem] | None = None) -> Iterator[list[Any]]:
    """Rows of a feedback CSV, header first, with formula-like text neutralised (CSV injection)."""
    yield HEADER
    items = (queryset if queryset is not None else scoped(FeedbackItem, workspace)).select_related(
        "account", "person")
    for f in items.iterator(chunk_size=2000):
        drivers = "; ".join(f"{name}={value:g}" for name, value in sorted(f.driver_ratings.items()))
        yield [safe_cell(v) for v in (
            f.pk, f.source, f.source_name, f.external_id, f.received_at.isoformat(),
            f.account.name if f.account else "", f.account.external_id if f.account else "",
            f.person.email if f.person else "", f.nps, f.csat, f.ces, drivers,
            "" if f.sentiment is None else round(f.sentiment, 3), f.text)]
