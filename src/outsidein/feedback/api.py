"""Feedback API: the incoming webhook for survey, helpdesk and review tools, and reads of feedback items."""

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import ValidationError

from outsidein.api.inputs import InputSchema
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped, scoped
from outsidein.feedback import imports
from outsidein.feedback.models import FeedbackItem, Source
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["feedback"])

MAX_ITEMS = 1_000


class FeedbackIn(InputSchema):
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


def _reason(error: ValidationError) -> str:
    """Pydantic's errors as one sentence naming each field, e.g. "received_at: Input should be a valid datetime"."""
    parts = []
    for e in error.errors():
        field = ".".join(str(p) for p in e["loc"]) or "item"
        parts.append(f"{field}: {e['msg']}")
    return "; ".join(parts)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The item's JSON schema with its nested definitions (the source enum) written in place of their refs."""
    definitions = schema.pop("$defs", {})

    def walk(node: Any) -> Any:  # a node of the JSON schema
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(definitions[ref.rsplit("/", 1)[1]])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


_ITEM_SCHEMA = _inlined(FeedbackIn.model_json_schema())


@router.post(
    "/feedback", response={200: IngestOut, 422: dict}, summary="Send feedback (one item or a list)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "title": "One feedback item or a list", "oneOf": [_ITEM_SCHEMA, {"type": "array", "items": _ITEM_SCHEMA,
                                                                  "maxItems": MAX_ITEMS}]}}}}},
)
def ingest_feedback(request: WorkspaceRequest, all_or_nothing: bool = False) -> tuple[int, dict[str, Any]]:
    """Each item is checked on its own: a bad item is reported with its index and the field that is wrong, the good
    ones are saved. With `all_or_nothing=true` one bad item stores nothing and the call answers 422."""
    # The body is read here rather than by a schema: one bad item must not turn the whole call into a 422.
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return 422, {"detail": "The body must be JSON: one feedback item (an object) or a list of them."}
    if not isinstance(payload, dict | list):
        return 422, {"detail": f"The body must be one feedback item (an object) or a list of them, not "
                               f"{type(payload).__name__ if payload is not None else 'null'}."}
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_ITEMS:
        return 422, {"detail": f"Send at most {MAX_ITEMS} items per call; this call had {len(items)}."}
    outcomes: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            outcomes.append({"index": index, "status": "rejected", "id": None,
                             "reason": f"Item {index} must be a JSON object, not {type(item).__name__}."})
            continue
        try:
            row = FeedbackIn.model_validate(item).model_dump(mode="json", exclude_none=True)
        except ValidationError as exc:
            outcomes.append({"index": index, "status": "rejected", "id": None, "reason": _reason(exc)})
            continue
        row["source"] = row.get("source") or Source.SURVEY
        rows.append(row)
        positions.append(index)
        outcomes.append({})  # filled from the import below
    with transaction.atomic():
        for outcome in imports.import_records(request.workspace, rows, user=request.user):
            index = positions[outcome["index"]]
            outcomes[index] = {**outcome, "index": index}
        count = {s: sum(o["status"] == s for o in outcomes) for s in ("created", "duplicate", "rejected")}
        if all_or_nothing and count["rejected"]:
            transaction.set_rollback(True)
            return 422, {"detail": f"{count['rejected']} of {len(items)} items were rejected, so nothing was "
                                   "stored (all_or_nothing).",
                         "items": [o for o in outcomes if o["status"] == "rejected"]}
    return 200, {"created": count["created"], "duplicates": count["duplicate"], "rejected": count["rejected"],
                 "items": outcomes}


class FeedbackFilter(InputSchema):
    source_name: str = ""
    account_id: int | None = None


@router.get("/feedback", response=list[FeedbackOut])
@replica_reads
@paginate(Page)
def list_feedback(request: WorkspaceRequest, filters: Query[FeedbackFilter]) -> QuerySet[FeedbackItem]:
    items = scoped(FeedbackItem, request.workspace)
    if filters.source_name:
        items = items.filter(source_name=filters.source_name)
    if filters.account_id:
        items = items.filter(account_id=filters.account_id)
    return items


@router.get("/feedback/{feedback_id}", response=FeedbackOut)
def read_feedback(request: WorkspaceRequest, feedback_id: int) -> FeedbackItem:
    return get_scoped(FeedbackItem, request.workspace, pk=feedback_id)
