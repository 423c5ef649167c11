"""Feedback API: the incoming webhook for survey, helpdesk and review tools, and reads of feedback items."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from outsidein.core.scoping import get_scoped, scoped
from outsidein.voice import imports
from outsidein.voice.models import FeedbackItem, Source

router = Router(tags=["feedback"])

MAX_ITEMS = 1_000


class FeedbackIn(Schema):
    """One feedback item. Send `external_id` to make a repeated delivery harmless (it is ignored the second time)."""

    external_id: str = Field("", max_length=200)
    source: Source = Source.SURVEY
    source_name: str = Field("API", max_length=100, description="Where it comes from, e.g. “Zendesk”.")
    received_at: datetime | None = None
    account: str = Field("", description="Account external id or name.")
    person_email: str = ""
    person_external_id: str = ""
    nps: int | None = Field(None, description="0–10")
    csat: int | None = Field(None, description="1–5")
    ces: int | None = Field(None, description="1–7")
    driver_ratings: dict[str, float] = Field(default_factory=dict)
    text: str = Field("", max_length=imports.MAX_CELL_CHARS)


class OutcomeOut(Schema):
    index: int
    status: str = Field(description="created, duplicate or rejected")
    id: int | None
    reason: str


class IngestOut(Schema):
    created: int
    duplicates: int
    rejected: int
    items: list[OutcomeOut]


class FeedbackOut(Schema):
    id: int
    source: str
    source_name: str
    external_id: str
    received_at: datetime
    account_id: int | None
    person_id: int | None
    nps: int | None
    csat: int | None
    ces: int | None
    driver_ratings: dict[str, float]
    text: str
    sentiment: float | None


@router.post("/feedback", response={200: IngestOut, 422: dict}, summary="Send feedback (one item or a list)")
def ingest_feedback(request, payload: FeedbackIn | list[FeedbackIn]):
    """Each item is checked on its own: a bad item is reported with its index and reason, the others are saved."""
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_ITEMS:
        return 422, {"detail": f"Send at most {MAX_ITEMS} items per call; this call had {len(items)}."}
    rows = [i.model_dump(mode="json", exclude_none=True) for i in items]
    for row in rows:
        row["source"] = row.get("source") or Source.SURVEY
    outcomes = imports.import_records(request.workspace, rows, user=request.user)
    count = {s: sum(o["status"] == s for o in outcomes) for s in ("created", "duplicate", "rejected")}
    return 200, {"created": count["created"], "duplicates": count["duplicate"], "rejected": count["rejected"],
                 "items": outcomes}


@router.get("/feedback", response=list[FeedbackOut])
@paginate(LimitOffsetPagination)
def list_feedback(request, source_name: str = "", account_id: int | None = None):
    items = scoped(FeedbackItem, request.workspace)
    if source_name:
        items = items.filter(source_name=source_name)
    if account_id:
        items = items.filter(account_id=account_id)
    return items


@router.get("/feedback/{feedback_id}", response=FeedbackOut)
def read_feedback(request, feedback_id: int):
    return get_scoped(FeedbackItem, request.workspace, pk=feedback_id)
