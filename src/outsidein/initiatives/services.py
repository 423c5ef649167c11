"""Use cases for initiatives (stage gates and the move log) and pilots: one transaction each. What they read
(gate criteria and facts, candidate accounts, a pilot's observations) is in ``selectors``."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.core.forms import members_of
from outsidein.core.scoping import assert_same_workspace
from outsidein.customers.models import Account
from outsidein.initiatives import gates
from outsidein.initiatives.assignment import select_control_group
from outsidein.initiatives.models import (
    FEEDBACK_METRICS,
    AssignmentMethod,
    GateSettings,
    Initiative,
    Period,
    Pilot,
    PilotDecision,
    PilotMeasurement,
    StageMove,
)
from outsidein.initiatives.pilot_stats import PilotResult, difference_in_differences
from outsidein.initiatives.selectors import candidate_accounts, gate_criteria, initiative_facts, pilot_observations
from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction, Workspace

INITIATIVE_FIELDS = {"name", "sponsor", "target_segment", "pain_statement", "buying_committee"}
PILOT_FIELDS = {"name", "change", "metric_kind", "metric_name", "baseline_start", "baseline_end", "pilot_start",
                "pilot_end", "expected_effect", "covariance"}


# --- gate criteria ----------------------------------------------------------------------------------

@transaction.atomic
def save_gate_criteria(workspace: Workspace, actor, criteria: Mapping[str, Any]) -> GateSettings:
    try:
        gates.criteria_from_json(criteria)
    except ValueError as exc:
        raise ValidationError({"criteria": str(exc)}) from exc
    settings, _ = GateSettings.objects.get_or_create(workspace=workspace)
    settings.criteria, settings.updated_by = dict(criteria), actor
    settings.save()
    return settings


# --- initiatives ------------------------------------------------------------------------------------

def _check_members(workspace: Workspace, users: Iterable, field: str) -> None:
    ids = {u.pk for u in users if u is not None}
    if ids and members_of(workspace).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({field: "Only members of this workspace."})


@transaction.atomic
def save_initiative(workspace: Workspace, actor, data: Mapping[str, Any], initiative: Initiative | None = None, *,
                    team: Sequence | None = None) -> Initiative:
    unknown = set(data) - INITIATIVE_FIELDS
    if unknown:
        raise ValidationError({name: "Not an initiative field." for name in unknown})
    is_new = initiative is None
    initiative = initiative or Initiative(workspace=workspace, created_by=actor, sponsor=actor)
    for name, value in data.items():
        setattr(initiative, name, value.strip() if name == "name" and isinstance(value, str) else value)
    assert_same_workspace(workspace, initiative.target_segment)
    _check_members(workspace, [initiative.sponsor], "sponsor")
    _check_members(workspace, team or [], "team")
    initiative.full_clean()
    initiative.save()
    if team is not None:
        initiative.team.set(team)
    elif is_new:
        initiative.team.set([actor])
    return initiative


@transaction.atomic
def move_initiative(initiative: Initiative, actor, to_stage: str, *, override: bool = False,
                    reason: str = "") -> StageMove:
    """Move an initiative to another stage and log it with the gate check and the evidence behind it.

    Moving forward checks the exit criteria of every stage left; unmet criteria refuse the move unless
    it is an explicit override with a reason. Moving back needs no evidence and is logged the same way.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    try:
        target = gates.stage_index(to_stage)
    except ValueError as exc:
        raise ValidationError({"to_stage": str(exc)}) from exc
    current = gates.stage_index(initiative.stage)
    if target == current:
        raise ValidationError({"to_stage": f"The initiative is already in “{gates.stage_label(to_stage)}”."})
    reason = (reason or "").strip()
    facts, evidence_ids = initiative_facts(initiative)
    checks = []
    if target > current:
        criteria = gate_criteria(initiative.workspace)
        checks = [gates.check_exit(gates.STAGE_KEYS[i], facts, criteria) for i in range(current, target)]
    unmet = [r for check in checks for r in check.unmet]
    if unmet and not override:
        raise ValidationError({"to_stage": "The gate's criteria are not met: " + "; ".join(
            f"{r.label} ({r.detail})" for r in unmet) + ". Override with a reason to move anyway."})
    if override and not reason:
        raise ValidationError({"reason": "An override needs a reason."})
    move = StageMove(
        workspace=initiative.workspace, initiative=initiative, from_stage=initiative.stage, to_stage=to_stage,
        moved_by=actor, override=bool(override and unmet), reason=reason,
        gate_check={"met": not unmet, "checks": [c.as_dict() for c in checks]}, evidence_ids=evidence_ids,
    )
    move.full_clean()
    move.save()
    initiative.stage, initiative.stage_entered_at = to_stage, move.moved_at
    initiative.save(update_fields=["stage", "stage_entered_at", "updated_at"])
    if move.override:
        # In words, as the audit trail shows them: "Nail the solution", not "solution".
        audit.record(initiative.workspace, AuditAction.GATE_OVERRIDDEN, initiative, actor=actor, detail={
            "from": gates.stage_label(move.from_stage), "to": gates.stage_label(to_stage), "reason": reason,
            "unmet": [r.label for r in unmet]})
    return move


@transaction.atomic
def delete_initiative(initiative: Initiative) -> None:
    initiative.delete()


# --- pilots -----------------------------------------------------------------------------------------

def _validate_groups(pilot_accounts: Sequence[Account], control_accounts: Sequence[Account]) -> None:
    both = {a.pk for a in pilot_accounts} & {a.pk for a in control_accounts}
    if both:
        names = ", ".join(sorted(a.name for a in pilot_accounts if a.pk in both))
        raise ValidationError({"control_accounts": f"An account cannot be in both groups: {names}."})


@transaction.atomic
def save_pilot(initiative: Initiative, actor, data: Mapping[str, Any], pilot: Pilot | None = None, *,
               pilot_accounts: Sequence[Account] | None = None) -> Pilot:
    unknown = set(data) - PILOT_FIELDS
    if unknown:
        raise ValidationError({name: "Not a pilot field." for name in unknown})
    pilot = pilot or Pilot(workspace=initiative.workspace, initiative=initiative, created_by=actor)
    for name, value in data.items():
        setattr(pilot, name, value)
    assert_same_workspace(initiative.workspace, *(pilot_accounts or []))
    pilot.full_clean()
    pilot.save()
    if pilot_accounts is not None:
        controls = list(pilot.control_accounts.all())
        _validate_groups(pilot_accounts, controls)
        pilot.pilot_accounts.set(pilot_accounts)
    return pilot


@transaction.atomic
def draw_control_group(pilot: Pilot, actor, seed: int) -> Pilot:
    """Draw the control group by stratified random assignment (segment × revenue band) from the seed."""
    pilot_ids = list(pilot.pilot_accounts.values_list("pk", flat=True))
    if not pilot_ids:
        raise ValidationError({"pilot_accounts": "Choose the pilot accounts first."})
    try:
        assignment = select_control_group(candidate_accounts(pilot.workspace), pilot_ids, seed)
    except ValueError as exc:
        raise ValidationError({"seed": str(exc)}) from exc
    pilot.control_accounts.set(assignment.control_ids)
    pilot.assignment_method, pilot.assignment_seed = AssignmentMethod.STRATIFIED, seed
    pilot.assignment = assignment.as_dict()
    pilot.save(update_fields=["assignment_method", "assignment_seed", "assignment"])
    return pilot


@transaction.atomic
def choose_control_group(pilot: Pilot, actor, accounts: Sequence[Account]) -> Pilot:
    """Set the control group by hand."""
    assert_same_workspace(pilot.workspace, *accounts)
    _validate_groups(list(pilot.pilot_accounts.all()), accounts)
    pilot.control_accounts.set(accounts)
    pilot.assignment_method, pilot.assignment_seed = AssignmentMethod.BY_HAND, None
    pilot.assignment = {"control_ids": sorted(a.pk for a in accounts)}
    pilot.save(update_fields=["assignment_method", "assignment_seed", "assignment"])
    return pilot


@transaction.atomic
def record_measurements(pilot: Pilot, actor, rows: Iterable[Mapping[str, Any]], *, replace: bool = False
                        ) -> list[PilotMeasurement]:
    """Add values of the metric: rows of account (id or Account), period and value.

    Every row is checked before anything is saved; an error names the row. With ``replace``, the values
    already entered for the same account and period are replaced (the form's grid works that way).
    """
    if pilot.metric_kind in FEEDBACK_METRICS:
        raise ValidationError({"measurements": f"This pilot reads its metric ({pilot.get_metric_kind_display()}) "
                                               "from feedback; values are not entered by hand."})
    in_pilot = set(pilot.pilot_accounts.values_list("pk", flat=True))
    in_control = set(pilot.control_accounts.values_list("pk", flat=True))
    measurements, errors = [], {}
    for index, row in enumerate(rows):
        account = row.get("account")
        account_id = getattr(account, "pk", account)
        problems = []
        if account_id not in in_pilot | in_control:
            problems.append(f"account {account_id} is in neither the pilot nor the control group")
        if row.get("period") not in Period.values:
            problems.append("period must be baseline or pilot")
        try:
            value = float(row.get("value"))
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"value {row.get('value')!r} is not a number")
            value = None
        if problems:
            errors[f"measurements.{index}"] = "; ".join(problems)
            continue
        measurements.append(PilotMeasurement(workspace=pilot.workspace, pilot=pilot, account_id=account_id,
                                             period=row["period"], value=value, entered_by=actor))
    if errors:
        raise ValidationError(errors)
    if replace:
        for m in measurements:
            PilotMeasurement.objects.filter(pilot=pilot, account_id=m.account_id, period=m.period).delete()
    PilotMeasurement.objects.bulk_create(measurements)
    return measurements


@transaction.atomic
def compute_result(pilot: Pilot) -> PilotResult:
    """The difference-in-differences effect of the pilot on its metric, stored with the pilot."""
    try:
        result = difference_in_differences(pilot_observations(pilot), expected_effect=pilot.expected_effect,
                                           covariance=pilot.covariance)
    except ValueError as exc:
        raise ValidationError({"measurements": str(exc)}) from exc
    pilot.result, pilot.computed_at = result.as_dict(), timezone.now()
    pilot.save(update_fields=["result", "computed_at"])
    return result


@transaction.atomic
def decide_pilot(pilot: Pilot, actor, *, decision: str, observation: str, learning: str, actions: str = "") -> Pilot:
    """Record the decision (scale, iterate or stop) as a learning card."""
    errors = {}
    if decision not in PilotDecision.values:
        errors["decision"] = "Choose scale, iterate or stop."
    if not (observation or "").strip():
        errors["observation"] = "Say what you observed."
    if not (learning or "").strip():
        errors["learning"] = "Say what you learned."
    if pilot.result is None:
        errors["decision"] = "Compute the result before deciding."
    if errors:
        raise ValidationError(errors)
    pilot.decision, pilot.observation, pilot.learning = decision, observation.strip(), learning.strip()
    pilot.actions, pilot.decided_at, pilot.decided_by = (actions or "").strip(), timezone.now(), actor
    pilot.save(update_fields=["decision", "observation", "learning", "actions", "decided_at", "decided_by"])
    return pilot


@transaction.atomic
def delete_pilot(pilot: Pilot) -> None:
    pilot.delete()
