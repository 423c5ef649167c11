"""Use cases for assumptions, evidence and experiments: one transaction each.

Linking evidence derives its facts from the source (``selectors.derive_facts``), and every change to an
assumption's evidence recomputes its confidence with ``outsidein.learning.strength``. The status
never changes by itself: the product suggests one, a person confirms it (``confirm_status``).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight
from outsidein.core.scoping import assert_same_workspace
from outsidein.feedback.models import FeedbackItem
from outsidein.learning import strength as rules
from outsidein.learning.models import (
    SOURCE_FIELDS,
    Assumption,
    AssumptionStatus,
    Behaviour,
    Direction,
    Evidence,
    Experiment,
)
from outsidein.learning.selectors import derive_facts, evidence_queryset
from outsidein.workspaces.models import Workspace

ASSUMPTION_FIELDS = {"statement", "type", "topic", "importance", "owner", "initiative"}
EXPERIMENT_FIELDS = {"assumption", "title", "method", "test", "metric", "success_criteria", "deadline", "cost",
                     "owner"}
LEARNING_CARD_FIELDS = {"observation", "learning", "criteria_met", "decision", "actions"}


# --- confidence -------------------------------------------------------------------------------------

def _store_facts(evidence: Evidence, facts: rules.EvidenceFacts, rule_set: rules.EvidenceRules) -> bool:
    explained = rules.strength(facts, rule_set)
    values = {"behaviour": Behaviour.DO if facts.counts_as_do else Behaviour.SAY, "first_hand": facts.first_hand,
              "account_id": facts.account_id, "segment_id": facts.segment_id, "strength": explained.value,
              "strength_reasons": explained.reasons}
    changed = any(getattr(evidence, k) != v for k, v in values.items())
    for name, value in values.items():
        setattr(evidence, name, value)
    return changed


def recompute_confidence(assumption: Assumption, rule_set: rules.EvidenceRules = rules.DEFAULT_RULES
                         ) -> rules.Confidence:
    """Re-derive every piece of evidence of the assumption and store its confidence and suggestion."""
    facts = []
    changed = []
    for evidence in evidence_queryset([assumption.pk]):
        evidence.assumption = assumption
        item = derive_facts(evidence)
        facts.append(item)
        if _store_facts(evidence, item, rule_set):
            changed.append(evidence)
    if changed:
        Evidence.objects.bulk_update(changed, ["behaviour", "first_hand", "account", "segment", "strength",
                                               "strength_reasons"])
    result = rules.confidence(facts, rule_set)
    suggested = result.suggested_status or ""
    if suggested == assumption.status:
        suggested = ""
    Assumption.objects.filter(pk=assumption.pk).update(
        confidence=result.value, evidence_strength=result.evidence_strength, suggested_status=suggested,
        explanation=result.explanation)
    assumption.confidence, assumption.evidence_strength = result.value, result.evidence_strength
    assumption.suggested_status, assumption.explanation = suggested, result.explanation
    return result


# --- assumptions ------------------------------------------------------------------------------------

def _check_owner(workspace: Workspace, user) -> None:
    from outsidein.core.forms import members_of

    if user is not None and not members_of(workspace).filter(pk=user.pk).exists():
        raise ValidationError({"owner": "The owner must be a member of this workspace."})


@transaction.atomic
def save_assumption(
    workspace: Workspace, actor, data: Mapping[str, Any], assumption: Assumption | None = None,
) -> Assumption:
    unknown = set(data) - ASSUMPTION_FIELDS
    if unknown:
        raise ValidationError({name: "Not an assumption field." for name in unknown})
    is_new = assumption is None
    assumption = assumption or Assumption(workspace=workspace, created_by=actor, owner=actor)
    owner_before = assumption.owner_id
    for name, value in data.items():
        setattr(assumption, name, value.strip() if name == "statement" and isinstance(value, str) else value)
    assert_same_workspace(workspace, assumption.initiative)
    _check_owner(workspace, assumption.owner)
    assumption.full_clean()
    assumption.save()
    if not is_new and assumption.owner_id != owner_before:
        recompute_confidence(assumption)  # first-hand depends on whether the owner was there
    return assumption


@transaction.atomic
def set_status(assumption: Assumption, actor, status: str) -> Assumption:
    """A person sets the status, e.g. confirms the product's suggestion or starts testing."""
    if status not in AssumptionStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(AssumptionStatus.values)}."})
    assumption.status = status
    assumption.status_changed_by = actor
    assumption.status_changed_at = timezone.now()
    if assumption.suggested_status == status:
        assumption.suggested_status = ""
    assumption.save(update_fields=["status", "status_changed_by", "status_changed_at", "suggested_status",
                                   "updated_at"])
    return assumption


@transaction.atomic
def confirm_suggested_status(assumption: Assumption, actor) -> Assumption:
    """Accept the status the evidence suggests."""
    if not assumption.suggested_status:
        raise ValidationError({"status": "The evidence does not suggest a status for this assumption."})
    return set_status(assumption, actor, assumption.suggested_status)


@transaction.atomic
def delete_assumption(assumption: Assumption) -> None:
    assumption.delete()


# --- evidence ---------------------------------------------------------------------------------------

@transaction.atomic
def link_evidence(assumption: Assumption, actor, *, direction: str, highlight: Highlight | None = None,
                  conversation: Conversation | None = None, experiment: Experiment | None = None,
                  feedback_item: FeedbackItem | None = None, note: str = "") -> Evidence:
    """Link one source to an assumption as supporting or refuting evidence, and recompute its confidence."""
    assert_same_workspace(assumption.workspace, highlight, conversation, experiment, feedback_item)
    if direction not in Direction.values:
        raise ValidationError({"direction": "Choose supports or refutes."})
    given = {"highlight": highlight, "conversation": conversation, "experiment": experiment,
             "feedback_item": feedback_item}
    if sum(s is not None for s in given.values()) != 1:
        raise ValidationError("Link exactly one source: a highlight, a conversation, a feedback item or an "
                              "experiment.")
    if Evidence.objects.filter(assumption=assumption, **given).exists():
        raise ValidationError("This source is already linked to the assumption.")
    kind = next(k for k, field in SOURCE_FIELDS.items() if given[field] is not None)
    evidence = Evidence(workspace=assumption.workspace, assumption=assumption, direction=direction,
                        note=note.strip(), linked_by=actor, source_kind=kind, **given)
    evidence.full_clean()
    evidence.save()
    if assumption.status == AssumptionStatus.UNTESTED:
        Assumption.objects.filter(pk=assumption.pk).update(status=AssumptionStatus.TESTING)
        assumption.status = AssumptionStatus.TESTING
    recompute_confidence(assumption)
    evidence.refresh_from_db()
    return evidence


@transaction.atomic
def unlink_evidence(evidence: Evidence) -> Assumption | None:
    """Deletes the link and gives its assumption, confidence recomputed; None when the assumption was deleted in
    the meantime (another request, taking the evidence with it), so there is nothing left to unlink."""
    assumption_id = evidence.assumption_id
    evidence.delete()  # the post_delete receiver (learning.signals) recomputes the confidence
    return Assumption.objects.filter(pk=assumption_id).first()


# --- experiments ------------------------------------------------------------------------------------

@transaction.atomic
def save_experiment(
    workspace: Workspace, actor, data: Mapping[str, Any], experiment: Experiment | None = None,
) -> Experiment:
    unknown = set(data) - EXPERIMENT_FIELDS
    if unknown:
        raise ValidationError({name: "Not a test card field." for name in unknown})
    experiment = experiment or Experiment(workspace=workspace, owner=actor)
    for name, value in data.items():
        setattr(experiment, name, value)
    assert_same_workspace(workspace, experiment.assumption)
    _check_owner(workspace, experiment.owner)
    experiment.full_clean()
    experiment.save()
    return experiment


@transaction.atomic
def complete_experiment(experiment: Experiment, actor, *, observation: str, learning: str, criteria_met: bool,
                        decision: str, actions: str = "") -> Experiment:
    """Fill the learning card; the result becomes evidence on the assumption under test.

    A result that meets the success criteria supports the assumption, one that misses them refutes it.
    Completing again edits the card and turns the existing evidence round if the result changed.
    """
    errors = {}
    if not (observation or "").strip():
        errors["observation"] = "Say what you observed."
    if not (learning or "").strip():
        errors["learning"] = "Say what you learned."
    if criteria_met is None:
        errors["criteria_met"] = "Say whether the result met the success criteria."
    if errors:
        raise ValidationError(errors)
    experiment.observation, experiment.learning = observation.strip(), learning.strip()
    experiment.criteria_met, experiment.decision, experiment.actions = criteria_met, decision, actions.strip()
    if experiment.done_at is None:
        experiment.done_at, experiment.done_by = timezone.now(), actor
    experiment.full_clean()
    experiment.save()
    direction = Direction.SUPPORTS if criteria_met else Direction.REFUTES
    assumption = experiment.assumption
    existing = Evidence.objects.filter(assumption=assumption, experiment=experiment).first()
    if existing is None:
        link_evidence(assumption, actor, direction=direction, experiment=experiment, note=experiment.learning)
    else:
        existing.direction, existing.note = direction, experiment.learning
        existing.save(update_fields=["direction", "note"])
        recompute_confidence(assumption)
    return experiment


@transaction.atomic
def delete_experiment(experiment: Experiment) -> None:
    experiment.delete()  # its evidence goes with it; learning.signals recomputes the confidence
