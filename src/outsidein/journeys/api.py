"""API for journeys: journeys, their stages and touchpoints with each touchpoint's figures, evidence linked,
proposed and decided, and a touchpoint taken to an initiative or an assumption."""

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Schema

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.routing import Router
from outsidein.conversations.models import Highlight
from outsidein.core.scoping import get_scoped, scoped
from outsidein.core.services import delete_owned, update_owned
from outsidein.customers.models import Product, Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.journeys import selectors, services
from outsidein.journeys.gaps import TouchpointFigures, widest_gap
from outsidein.journeys.models import EvidenceLink, Journey, JourneyStage, LinkStatus, Touchpoint
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["journeys"])
JOURNEY_REFS: dict[str, type[Any]] = {"segment_id": Segment, "product_id": Product}
TOUCHPOINT_FIELDS = ["name", "channel", "owner_team", "expectation", "belief"]


class TouchpointFiguresOut(Schema):
    evidence: int
    first_hand: int
    sentiment: float | None = Field(description="Mean sentiment of the accepted evidence, -1 to 1.")
    revenue: Decimal | None = Field(description="Annual revenue of the distinct accounts behind the evidence.")
    gap: float | None = Field(description="What we believe (-1 to 1) minus what the evidence says; positive: "
                                          "customers experience it worse than we believe.")
    enough: bool = Field(description="At least three pieces of evidence: a finding, not a lead.")
    painful: bool


class TouchpointOut(ModelOutput, model=Touchpoint, fields=["id", "stage_id", "position", *TOUCHPOINT_FIELDS]):
    initiative_ids: list[int] = Field(description="Initiatives started from it or addressing it.")
    assumption_ids: list[int]
    figures: TouchpointFiguresOut


class StageOut(ModelOutput, model=JourneyStage, fields=["id", "journey_id", "name", "position"]):
    touchpoints: list[TouchpointOut]


class JourneySummaryOut(ModelOutput, model=Journey, fields=["id", "name", "segment_id", "product_id",
                                                             "description", "created_at"]):
    pass


class JourneyOut(JourneySummaryOut):
    stages: list[StageOut]
    widest_gap_touchpoint_id: int | None = Field(description="The touchpoint where belief and evidence differ "
                                                             "most, among those with enough evidence.")


class JourneyIn(ModelInput, model=Journey, fields=["name", "segment_id", "product_id", "description"],
                bounds={"description": {"max_length": 5000}}):
    # Written out: the template is a choice of this call, not a column.
    template: Literal["business", "shipment", "blank"] = Field("business", description="The stages it starts with.")


class JourneyPatch(ModelInput, model=Journey, fields=["name", "segment_id", "product_id", "description"],
                   optional=True, bounds={"description": {"max_length": 5000}}):
    pass


class StageIn(ModelInput, model=JourneyStage, fields=["name"]):
    pass


class StageMoveIn(InputSchema):
    direction: Literal["earlier", "later"]


class TouchpointIn(ModelInput, model=Touchpoint, fields=TOUCHPOINT_FIELDS,
                   bounds={"expectation": {"max_length": 5000}}):
    pass


class TouchpointPatch(ModelInput, model=Touchpoint, fields=TOUCHPOINT_FIELDS, optional=True,
                      bounds={"expectation": {"max_length": 5000}}):
    pass


class EvidenceLinkOut(ModelOutput, model=EvidenceLink, fields=[
        "id", "touchpoint_id", "highlight_id", "feedback_item_id", "status", "score", "proposed", "decided_by_id",
        "decided_at", "created_at"]):
    text: str


# Written out: a link names one source of two kinds.
class TouchpointEvidenceIn(InputSchema):
    highlight_id: int | None = None
    feedback_item_id: int | None = None


class EvidenceDecisionIn(InputSchema):
    accept: bool


class StartedOut(Schema):
    kind: Literal["initiative", "assumption"]
    id: int


def _call(refs: dict[str, type[Any]], func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise in_payload_terms(exc, refs) from exc


def _figures(f: TouchpointFigures | None) -> dict[str, Any]:
    if f is None:
        return {"evidence": 0, "first_hand": 0, "sentiment": None, "revenue": None, "gap": None, "enough": False,
                "painful": False}
    return {"evidence": f.evidence, "first_hand": f.first_hand, "sentiment": f.sentiment, "revenue": f.revenue,
            "gap": f.gap, "enough": f.enough, "painful": f.painful}


def _touchpoint_out(t: Touchpoint, f: TouchpointFigures | None) -> dict[str, Any]:
    return {**{name: getattr(t, name) for name in ("id", "stage_id", "position", *TOUCHPOINT_FIELDS)},
            "initiative_ids": [i.pk for i in t.initiatives.all()],
            "assumption_ids": [a.pk for a in t.assumptions.all()], "figures": _figures(f)}


def _journey_out(request: WorkspaceRequest, journey_id: int) -> dict[str, Any]:
    journey = selectors.journey_detail(request.workspace, journey_id)
    figures = selectors.touchpoint_figures(journey)
    widest = widest_gap(figures.values())
    return {**JourneySummaryOut.model_validate(journey).model_dump(),
            "widest_gap_touchpoint_id": widest.touchpoint_id if widest else None,
            "stages": [{"id": s.pk, "journey_id": journey.pk, "name": s.name, "position": s.position,
                        "touchpoints": [_touchpoint_out(t, figures.get(t.pk)) for t in s.touchpoints.all()]}
                       for s in journey.stages.all()]}


def _touchpoint(request: WorkspaceRequest, touchpoint_id: int) -> Touchpoint:
    return get_scoped(Touchpoint.objects.select_related("stage__journey__segment")
                      .prefetch_related("initiatives", "assumptions"), request.workspace, pk=touchpoint_id)


def _stage(request: WorkspaceRequest, stage_id: int) -> JourneyStage:
    return get_scoped(JourneyStage.objects.select_related("journey"), request.workspace, pk=stage_id)


def _link_out(link: EvidenceLink) -> dict[str, Any]:
    source = link.source
    return {**{name: getattr(link, name) for name in (
        "id", "touchpoint_id", "highlight_id", "feedback_item_id", "status", "score", "proposed", "decided_by_id",
        "decided_at", "created_at")}, "text": source.text if source is not None else ""}


# -- journeys ------------------------------------------------------------------------------------------------

@router.get("/journeys", response=list[JourneySummaryOut], summary="The workspace's journeys (at most 200)")
def list_journeys(request: WorkspaceRequest) -> Any:
    return list(selectors.journey_list(request.workspace)[:200])


@router.post("/journeys", response={201: JourneyOut}, summary="Start a journey from a template")
def create_journey(request: WorkspaceRequest, payload: JourneyIn) -> tuple[int, dict[str, Any]]:
    data = resolve_refs(request.workspace, payload.model_dump(), JOURNEY_REFS)
    journey = _call(JOURNEY_REFS, services.create_journey, request.workspace, request.user, **data)
    return 201, _journey_out(request, journey.pk)


@router.get("/journeys/{journey_id}", response=JourneyOut,
            summary="A journey: its stages, their touchpoints with their figures, and the widest gap")
def read_journey(request: WorkspaceRequest, journey_id: int) -> dict[str, Any]:
    return _journey_out(request, journey_id)


@router.patch("/journeys/{journey_id}", response=JourneyOut, summary="Change a journey (fields sent)")
def update_journey(request: WorkspaceRequest, journey_id: int, payload: JourneyPatch) -> dict[str, Any]:
    journey = get_scoped(Journey, request.workspace, pk=journey_id)
    data = resolve_refs(request.workspace, payload.model_dump(exclude_unset=True), JOURNEY_REFS)
    _call(JOURNEY_REFS, update_owned, journey, _call(JOURNEY_REFS, nulls_in_model_terms, Journey, data))
    return _journey_out(request, journey_id)


@router.delete("/journeys/{journey_id}", response={204: None}, summary="Delete a journey with its stages")
def delete_journey(request: WorkspaceRequest, journey_id: int) -> tuple[int, None]:
    delete_owned(get_scoped(Journey, request.workspace, pk=journey_id))
    return 204, None


# -- stages --------------------------------------------------------------------------------------------------

@router.post("/journeys/{journey_id}/stages", response={201: StageOut}, summary="Add a stage at the end")
def add_stage(request: WorkspaceRequest, journey_id: int, payload: StageIn) -> tuple[int, dict[str, Any]]:
    journey = get_scoped(Journey, request.workspace, pk=journey_id)
    stage = _call({}, services.add_stage, journey, payload.name)
    return 201, {"id": stage.pk, "journey_id": journey.pk, "name": stage.name, "position": stage.position,
                 "touchpoints": []}


@router.patch("/journey-stages/{stage_id}", response=JourneyOut, summary="Rename a stage")
def rename_stage(request: WorkspaceRequest, stage_id: int, payload: StageIn) -> dict[str, Any]:
    stage = _stage(request, stage_id)
    _call({}, update_owned, stage, {"name": payload.name.strip()})
    return _journey_out(request, stage.journey_id)


@router.post("/journey-stages/{stage_id}/move", response=JourneyOut, summary="Move a stage one place")
def move_stage(request: WorkspaceRequest, stage_id: int, payload: StageMoveIn) -> dict[str, Any]:
    stage = _stage(request, stage_id)
    services.move_stage(stage, -1 if payload.direction == "earlier" else 1)
    return _journey_out(request, stage.journey_id)


@router.delete("/journey-stages/{stage_id}", response={204: None}, summary="Delete a stage with its touchpoints")
def delete_stage(request: WorkspaceRequest, stage_id: int) -> tuple[int, None]:
    delete_owned(_stage(request, stage_id))
    return 204, None


# -- touchpoints ---------------------------------------------------------------------------------------------

@router.post("/journey-stages/{stage_id}/touchpoints", response={201: TouchpointOut}, summary="Add a touchpoint")
def add_touchpoint(request: WorkspaceRequest, stage_id: int, payload: TouchpointIn) -> tuple[int, dict[str, Any]]:
    touchpoint = _call({}, services.add_touchpoint, _stage(request, stage_id), **payload.model_dump())
    return 201, _touchpoint_out(_touchpoint(request, touchpoint.pk), None)


@router.get("/touchpoints/{touchpoint_id}", response=TouchpointOut, summary="A touchpoint with its figures")
def read_touchpoint(request: WorkspaceRequest, touchpoint_id: int) -> dict[str, Any]:
    touchpoint = _touchpoint(request, touchpoint_id)
    figures = selectors.touchpoint_figures(touchpoint.stage.journey, only=touchpoint)
    return _touchpoint_out(touchpoint, figures.get(touchpoint.pk))


@router.patch("/touchpoints/{touchpoint_id}", response=TouchpointOut, summary="Change a touchpoint (fields sent)")
def update_touchpoint(request: WorkspaceRequest, touchpoint_id: int, payload: TouchpointPatch) -> dict[str, Any]:
    touchpoint = _touchpoint(request, touchpoint_id)
    data = _call({}, nulls_in_model_terms, Touchpoint, payload.model_dump(exclude_unset=True))
    _call({}, update_owned, touchpoint, data)
    return read_touchpoint(request, touchpoint_id)


@router.delete("/touchpoints/{touchpoint_id}", response={204: None}, summary="Delete a touchpoint")
def delete_touchpoint(request: WorkspaceRequest, touchpoint_id: int) -> tuple[int, None]:
    delete_owned(_touchpoint(request, touchpoint_id))
    return 204, None


# -- evidence ------------------------------------------------------------------------------------------------

@router.get("/touchpoints/{touchpoint_id}/evidence", response=list[EvidenceLinkOut], tags=["evidence links"],
            summary="A touchpoint's evidence links: accepted, proposed and rejected (at most 500)")
def list_evidence(request: WorkspaceRequest, touchpoint_id: int,
                  status: LinkStatus | None = None) -> list[dict[str, Any]]:
    links = (scoped(EvidenceLink, request.workspace).filter(touchpoint=_touchpoint(request, touchpoint_id))
             .select_related("highlight", "feedback_item"))
    if status:
        links = links.filter(status=status)
    return [_link_out(link) for link in links[:500]]


@router.post("/touchpoints/{touchpoint_id}/evidence", response={201: EvidenceLinkOut}, tags=["evidence links"],
             summary="Link a highlight or a feedback item as evidence (accepted)")
def link_evidence(request: WorkspaceRequest, touchpoint_id: int,
                  payload: TouchpointEvidenceIn) -> tuple[int, dict[str, Any]]:
    touchpoint = _touchpoint(request, touchpoint_id)
    highlight = (get_scoped(Highlight, request.workspace, pk=payload.highlight_id)
                 if payload.highlight_id is not None else None)
    item = (get_scoped(FeedbackItem, request.workspace, pk=payload.feedback_item_id)
            if payload.feedback_item_id is not None else None)
    link = _call({}, services.link_evidence, touchpoint, request.user, highlight=highlight, feedback_item=item)
    return 201, _link_out(link)


@router.post("/touchpoints/{touchpoint_id}/proposals", response=list[EvidenceLinkOut], tags=["evidence links"],
             summary="Propose the workspace's texts closest to the touchpoint (never one rejected for it)")
def propose_evidence(request: WorkspaceRequest, touchpoint_id: int) -> list[dict[str, Any]]:
    return [_link_out(link) for link in services.propose_evidence(_touchpoint(request, touchpoint_id))]


@router.post("/evidence-links/{evidence_link_id}/decision", response=EvidenceLinkOut, tags=["evidence links"],
             summary="Accept or reject an evidence link (a rejection is remembered)")
def decide(request: WorkspaceRequest, evidence_link_id: int, payload: EvidenceDecisionIn) -> dict[str, Any]:
    link = get_scoped(EvidenceLink.objects.select_related("highlight", "feedback_item"), request.workspace,
                      pk=evidence_link_id)
    return _link_out(services.decide(link, request.user, accept=payload.accept))


@router.post("/touchpoints/{touchpoint_id}/initiative", response={201: StartedOut},
             summary="Start an initiative (nail the pain) from the touchpoint, its evidence attached")
def start_initiative(request: WorkspaceRequest, touchpoint_id: int) -> tuple[int, dict[str, Any]]:
    initiative = _call({}, services.start_initiative, _touchpoint(request, touchpoint_id), request.user)
    return 201, {"kind": "initiative", "id": initiative.pk}


@router.post("/touchpoints/{touchpoint_id}/assumption", response={201: StartedOut},
             summary="Start an assumption from the touchpoint, its evidence linked as support")
def start_assumption(request: WorkspaceRequest, touchpoint_id: int) -> tuple[int, dict[str, Any]]:
    assumption = _call({}, services.start_assumption, _touchpoint(request, touchpoint_id), request.user)
    return 201, {"kind": "assumption", "id": assumption.pk}
