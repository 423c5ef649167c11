from django.core.exceptions import ValidationError
from ninja import Field, Query
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.conversations.models import Conversation, Highlight
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped
from outsidein.feedback.models import FeedbackItem
from outsidein.learning import selectors, services
from outsidein.learning.models import (
    Assumption,
    AssumptionStatus,
    AssumptionType,
    Decision,
    Evidence,
    Experiment,
)
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User

router = Router()
ASSUMPTION_REFS = {"owner_id": User, "initiative_id": selectors.initiative_model()}
EVIDENCE_REFS = {"highlight_id": Highlight, "conversation_id": Conversation, "experiment_id": Experiment,
                 "feedback_item_id": FeedbackItem}
EXPERIMENT_REFS = {"assumption_id": Assumption, "owner_id": User}


ASSUMPTION_FIELDS = ["statement", "type", "topic", "importance", "owner_id", "initiative_id"]


class AssumptionIn(ModelInput, model=Assumption, fields=ASSUMPTION_FIELDS):
    owner_id: int | None = Field(None, description="Default: the token's user.")  # the document says who


class AssumptionPatch(ModelInput, model=Assumption, fields=ASSUMPTION_FIELDS, optional=True):
    pass


ASSUMPTION_OUT_FIELDS = ["id", *ASSUMPTION_FIELDS, "status", "confidence", "evidence_strength", "suggested_status",
                         "explanation", "important_and_unproven"]


class AssumptionOut(ModelOutput, model=Assumption, fields=ASSUMPTION_OUT_FIELDS):
    suggested_status: str = Field(description="validated or invalidated when the evidence suggests it; a person "
                                              "confirms it with POST /assumptions/{id}/confirm-status.")
    explanation: list[str]  # a JSON list of sentences
    important_and_unproven: bool  # computed

    @staticmethod
    def resolve_important_and_unproven(obj: Assumption) -> bool:
        return selectors.is_important_and_unproven(obj)


class AssumptionFilter(InputSchema):
    q: str = ""
    initiative_id: int | None = None
    status: AssumptionStatus | None = None
    type: AssumptionType | None = None
    owner_id: int | None = None


# Written out: a status change names the status, which the model defaults.
class StatusIn(InputSchema):
    status: AssumptionStatus


EVIDENCE_SOURCES = ["highlight_id", "conversation_id", "experiment_id", "feedback_item_id"]


# The model's note is unbounded; the API takes 5,000 characters.
class EvidenceIn(ModelInput, model=Evidence, fields=["direction", *EVIDENCE_SOURCES, "note"],
                 bounds={"note": {"max_length": 5000}}):
    pass


EVIDENCE_OUT_FIELDS = ["id", "assumption_id", "direction", "source_kind", *EVIDENCE_SOURCES, "note", "linked_by_id",
                       "linked_at", "behaviour", "first_hand", "account_id", "segment_id", "strength",
                       "strength_reasons"]


class EvidenceOut(ModelOutput, model=Evidence, fields=EVIDENCE_OUT_FIELDS):
    strength_reasons: list[str]  # a JSON list of sentences


EXPERIMENT_FIELDS = ["title", "method", "test", "metric", "success_criteria", "deadline", "cost", "owner_id"]


class ExperimentIn(ModelInput, model=Experiment, fields=["assumption_id", *EXPERIMENT_FIELDS]):
    pass


class ExperimentPatch(ModelInput, model=Experiment, fields=EXPERIMENT_FIELDS, optional=True):
    pass


# Written out: what the model leaves blank until an experiment is done, completing its card requires.
class LearningCardIn(InputSchema):
    observation: str = Field(min_length=1)
    learning: str = Field(min_length=1)
    criteria_met: bool
    decision: Decision
    actions: str = ""


EXPERIMENT_OUT_FIELDS = ["id", "assumption_id", *EXPERIMENT_FIELDS, "observation", "learning", "criteria_met",
                         "decision", "actions", "done_at"]


class ExperimentOut(ModelOutput, model=Experiment, fields=EXPERIMENT_OUT_FIELDS):
    pass


def _assumption(request: WorkspaceRequest, assumption_id: int) -> Assumption:
    return get_scoped(selectors.assumption_list(request.workspace), request.workspace, pk=assumption_id)


def _refs(request: WorkspaceRequest, data: dict, refs: dict) -> dict:
    return resolve_refs(request.workspace, data, refs)


def _call(refs: dict, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise in_payload_terms(exc, refs) from exc


@router.get("/assumptions", response=list[AssumptionOut], tags=["assumptions"])
@replica_reads
@paginate(Page)
def list_assumptions(request: WorkspaceRequest, filters: AssumptionFilter = Query(...)):
    params = filters.model_dump()
    return selectors.assumption_list(request.workspace, query=params.pop("q"), **params)


@router.get("/assumptions/{assumption_id}", response=AssumptionOut, tags=["assumptions"])
def read_assumption(request: WorkspaceRequest, assumption_id: int):
    return _assumption(request, assumption_id)


@router.post("/assumptions", response={201: AssumptionOut}, tags=["assumptions"])
def create_assumption(request: WorkspaceRequest, payload: AssumptionIn):
    data = _refs(request, payload.model_dump(exclude_none=True), ASSUMPTION_REFS)
    assumption = _call(ASSUMPTION_REFS, services.save_assumption, request.workspace, request.user, data)
    return 201, _assumption(request, assumption.pk)


@router.patch("/assumptions/{assumption_id}", response=AssumptionOut, tags=["assumptions"],
              summary="Change an assumption (only the fields sent)")
def update_assumption(request: WorkspaceRequest, assumption_id: int, payload: AssumptionPatch):
    assumption = _assumption(request, assumption_id)
    data = _refs(request, payload.model_dump(exclude_unset=True), ASSUMPTION_REFS)
    data = _call(ASSUMPTION_REFS, nulls_in_model_terms, Assumption, data)
    _call(ASSUMPTION_REFS, services.save_assumption, request.workspace, request.user, data, assumption)
    return _assumption(request, assumption_id)


@router.delete("/assumptions/{assumption_id}", response={204: None}, tags=["assumptions"])
def delete_assumption(request: WorkspaceRequest, assumption_id: int):
    services.delete_assumption(_assumption(request, assumption_id))
    return 204, None


@router.post("/assumptions/{assumption_id}/status", response=AssumptionOut, tags=["assumptions"],
             summary="Set the status (e.g. start testing, or decide against the suggestion)")
def set_status(request: WorkspaceRequest, assumption_id: int, payload: StatusIn):
    services.set_status(_assumption(request, assumption_id), request.user, payload.status)
    return _assumption(request, assumption_id)


@router.post("/assumptions/{assumption_id}/confirm-status", response=AssumptionOut, tags=["assumptions"],
             summary="Confirm the status the evidence suggests")
def confirm_status(request: WorkspaceRequest, assumption_id: int):
    services.confirm_suggested_status(_assumption(request, assumption_id), request.user)
    return _assumption(request, assumption_id)


@router.get("/assumptions/{assumption_id}/evidence", response=list[EvidenceOut], tags=["evidence"])
def list_evidence(request: WorkspaceRequest, assumption_id: int):
    return selectors.evidence_for([_assumption(request, assumption_id).pk])


@router.post("/assumptions/{assumption_id}/evidence", response={201: EvidenceOut}, tags=["evidence"],
             summary="Link a highlight, a conversation, a feedback item or an experiment as supporting or "
                     "refuting evidence")
def link_evidence(request: WorkspaceRequest, assumption_id: int, payload: EvidenceIn):
    assumption = _assumption(request, assumption_id)
    data = _refs(request, payload.model_dump(), EVIDENCE_REFS)
    evidence = _call(EVIDENCE_REFS, services.link_evidence, assumption, request.user, **data)
    return 201, evidence


@router.get("/evidence/{evidence_id}", response=EvidenceOut, tags=["evidence"])
def read_evidence(request: WorkspaceRequest, evidence_id: int):
    return get_scoped(Evidence, request.workspace, pk=evidence_id)


@router.delete("/evidence/{evidence_id}", response={204: None}, tags=["evidence"],
               summary="Unlink evidence (its assumption's confidence is recomputed)")
def unlink_evidence(request: WorkspaceRequest, evidence_id: int):
    services.unlink_evidence(get_scoped(Evidence.objects.select_related("assumption"), request.workspace,
                                        pk=evidence_id))
    return 204, None


class ExperimentFilter(InputSchema):
    assumption_id: int | None = None
    initiative_id: int | None = None
    done: bool | None = None


@router.get("/experiments", response=list[ExperimentOut], tags=["experiments"])
@paginate(Page)
def list_experiments(request: WorkspaceRequest, filters: Query[ExperimentFilter]):
    return selectors.experiment_list(request.workspace, **filters.model_dump())


@router.get("/experiments/{experiment_id}", response=ExperimentOut, tags=["experiments"])
def read_experiment(request: WorkspaceRequest, experiment_id: int):
    return get_scoped(Experiment, request.workspace, pk=experiment_id)


@router.post("/experiments", response={201: ExperimentOut}, tags=["experiments"], summary="Write a test card")
def create_experiment(request: WorkspaceRequest, payload: ExperimentIn):
    data = _refs(request, payload.model_dump(exclude_none=True), EXPERIMENT_REFS)
    return 201, _call(EXPERIMENT_REFS, services.save_experiment, request.workspace, request.user, data)


@router.patch("/experiments/{experiment_id}", response=ExperimentOut, tags=["experiments"],
              summary="Change a test card (only the fields sent)")
def update_experiment(request: WorkspaceRequest, experiment_id: int, payload: ExperimentPatch):
    experiment = get_scoped(Experiment, request.workspace, pk=experiment_id)
    data = _call(EXPERIMENT_REFS, nulls_in_model_terms, Experiment,
                 _refs(request, payload.model_dump(exclude_unset=True), EXPERIMENT_REFS))
    return _call(EXPERIMENT_REFS, services.save_experiment, request.workspace, request.user, data, experiment)


@router.post("/experiments/{experiment_id}/learning-card", response=ExperimentOut, tags=["experiments"],
             summary="Fill the learning card; the result becomes evidence on the assumption")
def complete_experiment(request: WorkspaceRequest, experiment_id: int, payload: LearningCardIn):
    experiment = get_scoped(Experiment.objects.select_related("assumption"), request.workspace, pk=experiment_id)
    return services.complete_experiment(experiment, request.user, **payload.model_dump())


@router.delete("/experiments/{experiment_id}", response={204: None}, tags=["experiments"])
def delete_experiment(request: WorkspaceRequest, experiment_id: int):
    services.delete_experiment(get_scoped(Experiment.objects.select_related("assumption"), request.workspace,
                                          pk=experiment_id))
    return 204, None
