from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Account, Segment
from outsidein.initiatives import gates, selectors, services
from outsidein.initiatives.models import Initiative, Pilot, PilotDecision, PilotMeasurement, Stage, StageMove
from outsidein.initiatives.pilot_verdict import Verdict, verdict_for
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User

router = Router()
INITIATIVE_REFS = {"sponsor_id": User, "target_segment_id": Segment, "team_ids": User}
PILOT_REFS = {"initiative_id": Initiative, "pilot_account_ids": Account}


INITIATIVE_FIELDS = ["name", "pain_statement", "sponsor_id", "target_segment_id", "team_ids", "buying_committee"]


class InitiativeIn(ModelInput, model=Initiative, fields=INITIATIVE_FIELDS):
    # The descriptions say who is taken when they are left out; the team is a many-to-many relation.
    sponsor_id: int | None = Field(None, description="A leader; default the token's user.")
    team_ids: list[int] = Field([], description="Default: the token's user.")


class InitiativePatch(ModelInput, model=Initiative, fields=INITIATIVE_FIELDS, optional=True):
    team_ids: list[int] | None = None


INITIATIVE_OUT_FIELDS = ["id", "name", "pain_statement", "stage", "stage_entered_at", "sponsor_id", "target_segment_id",
                         "team_ids", "buying_committee", "assumption_count", "validated_count", "pilot_count"]


class InitiativeOut(ModelOutput, model=Initiative, fields=INITIATIVE_OUT_FIELDS):
    team_ids: list[int]
    # Counted by the list's query.
    assumption_count: int = 0
    validated_count: int = 0
    pilot_count: int = 0

    @staticmethod
    def resolve_team_ids(obj: Initiative) -> list[int]:
        return [u.pk for u in obj.team.all()]


class CriterionOut(Schema):
    name: str
    label: str
    met: bool
    detail: str


class GateOut(Schema):
    stage: str
    next_stage: str | None
    met: bool
    results: list[CriterionOut]


# The model's reason is unbounded; the API takes 5,000 characters.
class MoveIn(ModelInput, model=StageMove, fields=["to_stage", "override", "reason"],
             bounds={"reason": {"max_length": 5000}}):
    override: bool = Field(False, description="Move although the gate's criteria are not met (needs a reason).")


MOVE_OUT_FIELDS = ["id", "initiative_id", "from_stage", "to_stage", "moved_by_id", "moved_at", "override", "reason",
                   "gate_check", "evidence_ids"]


class MoveOut(ModelOutput, model=StageMove, fields=MOVE_OUT_FIELDS):
    # JSON columns, in the shape the gate check and the move give them.
    gate_check: dict[str, Any]
    evidence_ids: list[int]


PILOT_FIELDS = ["name", "change", "metric_name", "baseline_start", "baseline_end", "pilot_start", "pilot_end",
                "expected_effect", "covariance", "pilot_account_ids"]


PILOT_IN_FIELDS = ["initiative_id", "name", "change", "metric_kind", "metric_name", "baseline_start", "baseline_end",
                   "pilot_start", "pilot_end", "expected_effect", "covariance", "pilot_account_ids"]


class PilotIn(ModelInput, model=Pilot, fields=PILOT_IN_FIELDS):
    pilot_account_ids: list[int] = []  # a many-to-many relation


class PilotPatch(ModelInput, model=Pilot, fields=PILOT_FIELDS, optional=True):
    pilot_account_ids: list[int] | None = None


def _verdict(pilot: Pilot) -> Verdict:
    """The verdict once per pilot, however many of its fields the response has."""
    if getattr(pilot, "_verdict", None) is None:
        pilot._verdict = verdict_for(pilot)  # type: ignore[attr-defined]
    return pilot._verdict  # type: ignore[attr-defined]


PILOT_OUT_FIELDS = ["id", "initiative_id", "name", "change", "metric_kind", "metric_name", "baseline_start",
                    "baseline_end", "pilot_start", "pilot_end", "expected_effect", "covariance", "pilot_account_ids",
                    "control_account_ids", "assignment_method", "assignment_seed", "assignment", "result",
                    "computed_at", "decision", "observation", "learning", "actions", "decided_at", "verdict",
                    "verdict_text", "verdict_note", "suggested_decision"]


class PilotOut(ModelOutput, model=Pilot, fields=PILOT_OUT_FIELDS):
    pilot_account_ids: list[int]  # many-to-many relations
    control_account_ids: list[int]
    assignment: dict[str, Any]  # JSON columns
    result: dict[str, Any] | None
    verdict: str = Field(description="worked, worse, promising, inconclusive, no_effect or not_enough_data")
    verdict_text: str = Field(description="The verdict in one plain sentence, as the pilot's page shows it.")
    verdict_note: str = Field(description="What the figures mean together where they seem to disagree; or ''.")
    suggested_decision: str = Field(description="scale, iterate, stop, or '' while there is not enough data.")

    @staticmethod
    def resolve_verdict(obj: Pilot) -> str:
        return _verdict(obj).kind

    @staticmethod
    def resolve_verdict_text(obj: Pilot) -> str:
        return _verdict(obj).sentence

    @staticmethod
    def resolve_verdict_note(obj: Pilot) -> str:
        return _verdict(obj).note

    @staticmethod
    def resolve_suggested_decision(obj: Pilot) -> str:
        return _verdict(obj).decision

    @staticmethod
    def resolve_pilot_account_ids(obj: Pilot) -> list[int]:
        return sorted(a.pk for a in obj.pilot_accounts.all())

    @staticmethod
    def resolve_control_account_ids(obj: Pilot) -> list[int]:
        return sorted(a.pk for a in obj.control_accounts.all())


class ControlGroupIn(InputSchema):
    seed: int | None = Field(None, description="Draw by stratified random assignment from this seed ...")
    account_ids: list[int] | None = Field(None, description="... or choose the control accounts by hand.")


class MeasurementIn(ModelInput, model=PilotMeasurement, fields=["account_id", "period", "value"]):
    pass


class MeasurementsIn(InputSchema):
    measurements: list[MeasurementIn]
    replace: bool = Field(False, description="Replace values already entered for the same account and period.")


MEASUREMENT_OUT_FIELDS = ["id", "account_id", "period", "value", "entered_at"]


class MeasurementOut(ModelOutput, model=PilotMeasurement, fields=MEASUREMENT_OUT_FIELDS):
    pass


# Written out: deciding requires what the model leaves blank until a pilot is decided.
class DecisionIn(InputSchema):
    decision: PilotDecision
    observation: str = Field(min_length=1)
    learning: str = Field(min_length=1)
    actions: str = ""


def _initiative(request: WorkspaceRequest, initiative_id: int) -> Initiative:
    return get_scoped(selectors.initiative_list(request.workspace), request.workspace, pk=initiative_id)


def _pilot(request: WorkspaceRequest, pilot_id: int) -> Pilot:
    return get_scoped(Pilot.objects.select_related("initiative").prefetch_related("pilot_accounts",
                                                                                  "control_accounts"),
                      request.workspace, pk=pilot_id)


def _call(refs: dict, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise in_payload_terms(exc, refs) from exc


def _initiative_args(request: WorkspaceRequest, data: dict) -> tuple[dict, list | None]:
    data = resolve_refs(request.workspace, data, INITIATIVE_REFS)
    return data, data.pop("teams", None)  # resolve_refs names the list after the payload key


class InitiativeFilter(InputSchema):
    stage: Stage | None = None


@router.get("/initiatives", response=list[InitiativeOut], tags=["initiatives"])
@replica_reads
@paginate(Page)
def list_initiatives(request: WorkspaceRequest, filters: Query[InitiativeFilter]):
    return selectors.initiative_list(request.workspace, stage=filters.stage)


@router.get("/initiatives/{initiative_id}", response=InitiativeOut, tags=["initiatives"])
def read_initiative(request: WorkspaceRequest, initiative_id: int):
    return _initiative(request, initiative_id)


@router.post("/initiatives", response={201: InitiativeOut}, tags=["initiatives"])
def create_initiative(request: WorkspaceRequest, payload: InitiativeIn):
    data, team = _initiative_args(request, payload.model_dump(exclude_none=True))
    initiative = _call(INITIATIVE_REFS, services.save_initiative, request.workspace, request.user, data,
                       team=team or None)
    return 201, _initiative(request, initiative.pk)


@router.patch("/initiatives/{initiative_id}", response=InitiativeOut, tags=["initiatives"],
              summary="Change an initiative (only the fields sent; the stage changes only by a move)")
def update_initiative(request: WorkspaceRequest, initiative_id: int, payload: InitiativePatch):
    initiative = _initiative(request, initiative_id)
    data, team = _initiative_args(request, payload.model_dump(exclude_unset=True))
    data = _call(INITIATIVE_REFS, nulls_in_model_terms, Initiative, data)
    _call(INITIATIVE_REFS, services.save_initiative, request.workspace, request.user, data, initiative, team=team)
    return _initiative(request, initiative_id)


@router.delete("/initiatives/{initiative_id}", response={204: None}, tags=["initiatives"])
def delete_initiative(request: WorkspaceRequest, initiative_id: int):
    services.delete_initiative(_initiative(request, initiative_id))
    return 204, None


@router.get("/initiatives/{initiative_id}/gate", response=GateOut, tags=["initiatives"],
            summary="The exit criteria of the initiative's stage, met or not, and why")
def read_gate(request: WorkspaceRequest, initiative_id: int):
    initiative = _initiative(request, initiative_id)
    check = selectors.check_gate(initiative)
    if check is None:
        return {"stage": initiative.stage, "next_stage": None, "met": True, "results": []}
    return check.as_dict()


@router.post("/initiatives/{initiative_id}/move", response={201: MoveOut}, tags=["initiatives"],
             summary="Move to another stage; unmet criteria need override=true and a reason")
def move_initiative(request: WorkspaceRequest, initiative_id: int, payload: MoveIn):
    initiative = _initiative(request, initiative_id)
    return 201, services.move_initiative(initiative, request.user, payload.to_stage, override=payload.override,
                                         reason=payload.reason)


@router.get("/initiatives/{initiative_id}/moves", response=list[MoveOut], tags=["initiatives"],
            summary="The log of stage moves, newest first")
def list_moves(request: WorkspaceRequest, initiative_id: int):
    return selectors.moves(_initiative(request, initiative_id))


class GateCriteriaIn(InputSchema):
    criteria: dict[str, list[dict[str, Any]]] = Field(
        description="Per stage, its list of criteria (see docs/evidence.md); stages left out keep the defaults.")


@router.get("/stage-gates", response=dict[str, list[dict[str, Any]]], tags=["initiatives"],
            summary="The workspace's exit criteria per stage")
def read_stage_gates(request: WorkspaceRequest):
    return gates.criteria_to_json(selectors.gate_criteria(request.workspace))


@router.put("/stage-gates", response=dict[str, list[dict[str, Any]]], tags=["initiatives"],
            summary="Replace the workspace's exit criteria (owners only)")
def replace_stage_gates(request: WorkspaceRequest, payload: GateCriteriaIn):
    if not request.membership.can_admin:
        raise HttpError(403, "Only the workspace's owners change its stage gates.")
    services.save_gate_criteria(request.workspace, request.user, payload.criteria)
    return gates.criteria_to_json(selectors.gate_criteria(request.workspace))


class PilotFilter(InputSchema):
    initiative_id: int | None = None


@router.get("/pilots", response=list[PilotOut], tags=["pilots"])
@paginate(Page)
def list_pilots(request: WorkspaceRequest, filters: Query[PilotFilter]):
    return selectors.pilot_list(request.workspace, initiative_id=filters.initiative_id).prefetch_related(
        "pilot_accounts", "control_accounts")


@router.get("/pilots/{pilot_id}", response=PilotOut, tags=["pilots"])
def read_pilot(request: WorkspaceRequest, pilot_id: int):
    return _pilot(request, pilot_id)


@router.post("/pilots", response={201: PilotOut}, tags=["pilots"])
def create_pilot(request: WorkspaceRequest, payload: PilotIn):
    data = resolve_refs(request.workspace, payload.model_dump(), PILOT_REFS)
    initiative = data.pop("initiative")
    accounts = data.pop("pilot_accounts")
    pilot = _call(PILOT_REFS, services.save_pilot, initiative, request.user, data, pilot_accounts=accounts)
    return 201, _pilot(request, pilot.pk)


@router.patch("/pilots/{pilot_id}", response=PilotOut, tags=["pilots"], summary="Change a pilot (only the fields sent)")
def update_pilot(request: WorkspaceRequest, pilot_id: int, payload: PilotPatch):
    pilot = _pilot(request, pilot_id)
    data = resolve_refs(request.workspace, payload.model_dump(exclude_unset=True), PILOT_REFS)
    accounts = data.pop("pilot_accounts", None)
    data = _call(PILOT_REFS, nulls_in_model_terms, Pilot, data)
    _call(PILOT_REFS, services.save_pilot, pilot.initiative, request.user, data, pilot, pilot_accounts=accounts)
    return _pilot(request, pilot_id)


@router.delete("/pilots/{pilot_id}", response={204: None}, tags=["pilots"])
def delete_pilot(request: WorkspaceRequest, pilot_id: int):
    services.delete_pilot(_pilot(request, pilot_id))
    return 204, None


@router.post("/pilots/{pilot_id}/control-group", response=PilotOut, tags=["pilots"],
             summary="Draw the control group from a seed, or set it by hand")
def set_control_group(request: WorkspaceRequest, pilot_id: int, payload: ControlGroupIn):
    pilot = _pilot(request, pilot_id)
    if (payload.seed is None) == (payload.account_ids is None):
        raise ValidationError({"seed": "Send either a seed or account_ids."})
    if payload.seed is not None:
        services.draw_control_group(pilot, request.user, payload.seed)
    else:
        accounts = resolve_refs(request.workspace, {"account_ids": payload.account_ids},
                                {"account_ids": Account})["accounts"]
        _call({"account_ids": Account}, services.choose_control_group, pilot, request.user, accounts)
    return _pilot(request, pilot_id)


@router.get("/pilots/{pilot_id}/measurements", response=list[MeasurementOut], tags=["pilots"])
def list_measurements(request: WorkspaceRequest, pilot_id: int):
    return _pilot(request, pilot_id).measurements.all()


@router.post("/pilots/{pilot_id}/measurements", response={201: list[MeasurementOut]}, tags=["pilots"],
             summary="Enter values of the metric per account and period")
def add_measurements(request: WorkspaceRequest, pilot_id: int, payload: MeasurementsIn):
    pilot = _pilot(request, pilot_id)
    if not payload.measurements:
        raise ValidationError({"measurements": "Send at least one measurement."})
    rows = [{"account": m.account_id, "period": m.period, "value": m.value} for m in payload.measurements]
    return 201, services.record_measurements(pilot, request.user, rows, replace=payload.replace)


@router.post("/pilots/{pilot_id}/result", response=dict[str, Any], tags=["pilots"],
             summary="Compute the difference-in-differences effect, its interval, p-value, sizes, warnings and verdict")
def compute_result(request: WorkspaceRequest, pilot_id: int):
    pilot = _pilot(request, pilot_id)
    result = services.compute_result(pilot).as_dict()
    verdict = verdict_for(pilot)
    return {**result, "verdict": verdict.kind, "verdict_text": verdict.sentence, "verdict_note": verdict.note,
            "suggested_decision": verdict.decision}


@router.post("/pilots/{pilot_id}/decision", response=PilotOut, tags=["pilots"],
             summary="Record the decision (scale, iterate, stop) as a learning card")
def decide(request: WorkspaceRequest, pilot_id: int, payload: DecisionIn):
    pilot = _pilot(request, pilot_id)
    services.decide_pilot(pilot, request.user, **payload.model_dump())
    return _pilot(request, pilot_id)

