"""API for the marketplace brief: product classes with their segments and go-to-market notes, competitor classes
with what the field says about each competitor, and the go-to-market note of a class in a segment."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Schema

from outsidein.api.common import in_payload_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.routing import Router
from outsidein.customers.models import Segment
from outsidein.journeys import services
from outsidein.journeys.marketplace import CompetitorBrief, marketplace_brief
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["marketplace"])


class BriefSegmentOut(Schema):
    segment_id: int
    segment: str
    target: bool = Field(description="False: explicitly not a target of the class.")
    go_to_market: str = Field(description="The note written for this class and segment; empty if none yet.")


class ProductClassOut(Schema):
    name: str
    product_ids: list[int]
    segments: list[BriefSegmentOut]


class BriefMentionOut(Schema):
    highlight_id: int
    text: str
    account: str | None
    occurred_at: str
    sales_meeting: bool


class BriefCompetitorOut(Schema):
    id: int
    name: str
    mentions_first_hand: int
    mentions_in_feedback: int
    latest: list[BriefMentionOut] = Field(description="The latest wordings heard first-hand, newest first.")
    segments: list[tuple[str, int]] = Field(description="Where we meet them: segment and mentions, most first.")


class CompetitorClassOut(Schema):
    name: str
    competitors: list[BriefCompetitorOut]


class MarketNoteIn(InputSchema):
    product_class: str = Field(min_length=1, max_length=100)
    segment_id: int
    note: str = Field(min_length=1, max_length=5000)


def _mention(h: Any, sales: set[int]) -> dict[str, Any]:
    account = h.conversation.account
    return {"highlight_id": h.pk, "text": h.text, "account": account.name if account else None,
            "occurred_at": h.conversation.occurred_at.isoformat(), "sales_meeting": h.pk in sales}


def _competitor(c: CompetitorBrief) -> dict[str, Any]:
    sales = {h.pk for h in c.from_sales}
    return {"id": c.competitor.pk, "name": c.competitor.name, "mentions_first_hand": c.heard,
            "mentions_in_feedback": c.relayed, "latest": [_mention(h, sales) for h in c.latest],
            "segments": c.segments}


@router.get("/product-classes", response=list[ProductClassOut],
            summary="The catalogue by product class: its products, target and non-target segments, go-to-market")
def product_classes(request: WorkspaceRequest) -> list[dict[str, Any]]:
    return [{"name": pc.name, "product_ids": [p.pk for p in pc.products],
             "segments": [{"segment_id": s.pk, "segment": s.name, "target": targeted,
                           "go_to_market": note.note if note else ""} for s, targeted, note in pc.segment_rows()]}
            for pc in marketplace_brief(request.workspace).product_classes]


@router.get("/competitor-classes", response=list[CompetitorClassOut],
            summary="Competitors by class, each with what the field says and where we meet them")
def competitor_classes(request: WorkspaceRequest) -> list[dict[str, Any]]:
    return [{"name": name, "competitors": [_competitor(c) for c in briefs]}
            for name, briefs in marketplace_brief(request.workspace).competitor_classes]


@router.put("/market-notes", response=BriefSegmentOut,
            summary="Write the go-to-market of a product class in a segment (replaces the one there)")
def put_market_note(request: WorkspaceRequest, payload: MarketNoteIn) -> dict[str, Any]:
    data = resolve_refs(request.workspace, payload.model_dump(), {"segment_id": Segment})
    segment: Segment = data["segment"]
    try:
        note = services.save_market_note(request.workspace, request.user, product_class=data["product_class"].strip(),
                                         segment=segment, note=data["note"])
    except ValidationError as exc:
        raise in_payload_terms(exc, {"segment_id": Segment}) from exc
    targeted = segment.target_products.filter(product_class=note.product_class).exists()
    return {"segment_id": segment.pk, "segment": segment.name, "target": targeted, "go_to_market": note.note}
