"""Reads of initiatives and pilots that pages, the API and the use cases share: lists, the gate criteria and
the facts a gate is checked on, a pilot's candidate accounts and observations."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from outsidein.conversations.models import Conversation, HighlightKind
from outsidein.core.scoping import get_scoped, scoped
from outsidein.customers.models import Account
from outsidein.feedback.models import FeedbackItem
from outsidein.guides.models import GuidePurpose
from outsidein.initiatives import gates
from outsidein.initiatives.assignment import CandidateAccount
from outsidein.initiatives.gates import STAGES, Stage
from outsidein.initiatives.models import (
    FEEDBACK_METRICS,
    GateSettings,
    Initiative,
    MetricKind,
    Period,
    Pilot,
    StageMove,
)
from outsidein.learning.models import AssumptionStatus, AssumptionType, Evidence, Experiment, ExperimentMethod
from outsidein.workspaces.models import Membership, User, Workspace


def initiative_list(workspace: Workspace, *, stage: str | None = None) -> QuerySet[Initiative]:
    qs = (scoped(Initiative, workspace).select_related("workspace", "sponsor", "target_segment")
          .prefetch_related("team")
          .annotate(assumption_count=Count("assumptions", distinct=True),
                    validated_count=Count("assumptions", filter=Q(assumptions__status="validated"), distinct=True),
                    pilot_count=Count("pilots", distinct=True)))
    return qs.filter(stage=stage) if stage else qs


def board(workspace: Workspace) -> list[tuple[Stage, list[Initiative]]]:
    """Initiatives by stage, in stage order."""
    by_stage: dict[str, list[Initiative]] = {s.key: [] for s in STAGES}
    for initiative in initiative_list(workspace):
        by_stage[initiative.stage].append(initiative)
    return [(stage, by_stage[stage.key]) for stage in STAGES]


@dataclass(frozen=True)
class StageSummary:
    """One stage of the board in a report: how many initiatives are in it and the first few by name."""

    stage: Stage
    count: int
    first: list[Initiative]
    moved_in: int  # initiatives that entered this stage in the period asked about


def stage_summary(workspace: Workspace, start: datetime, end: datetime, *, names: int = 6) -> list[StageSummary]:
    """Initiatives by stage today, with the moves into each stage between two moments: a grouped count per
    question and a few names per stage, whatever the number of initiatives."""
    counts = dict(scoped(Initiative, workspace).order_by().values("stage").annotate(n=Count("id"))
                  .values_list("stage", "n"))
    moved = dict(scoped(StageMove, workspace).filter(moved_at__gte=start, moved_at__lt=end).order_by()
                 .values("to_stage").annotate(n=Count("id")).values_list("to_stage", "n"))
    return [StageSummary(stage, counts.get(stage.key, 0),
                         list(scoped(Initiative, workspace).filter(stage=stage.key)
                              .order_by("-stage_entered_at", "-id")[:names]) if counts.get(stage.key) else [],
                         moved.get(stage.key, 0))
            for stage in STAGES]


def pilots_during(workspace: Workspace, first_day: date, last_day: date, *, limit: int = 8) -> list[Pilot]:
    """Pilots whose pilot window overlaps the days given, the latest to end first."""
    return list(scoped(Pilot, workspace).select_related("initiative")
                .filter(pilot_start__lte=last_day, pilot_end__gte=first_day).order_by("-pilot_end", "-id")[:limit])


def initiative_detail(workspace: Workspace, initiative_id: int) -> Initiative:
    return get_scoped(initiative_list(workspace), workspace, pk=initiative_id)


def moves(initiative: Initiative) -> QuerySet[StageMove]:
    return initiative.moves.select_related("moved_by", "workspace")


@dataclass(frozen=True)
class FieldPresence:
    user: User
    conversations: int
    is_leader: bool


def leaders_in_the_field(initiative: Initiative) -> list[FieldPresence]:
    """The members present in conversations linked as evidence to the initiative (directly or by a highlight),
    leaders first, with the number of those conversations each was in."""
    conversation_ids = Conversation.objects.filter(
        Q(evidence__assumption__initiative=initiative) | Q(highlights__evidence__assumption__initiative=initiative)
    ).values("pk")
    through = Conversation.members.through
    counts = Counter(through.objects.filter(conversation_id__in=conversation_ids)
                     .values_list("user_id", flat=True))
    if not counts:
        return []
    roles = dict(Membership.objects.filter(workspace=initiative.workspace, user_id__in=counts)
                 .values_list("user_id", "role"))
    users = User.objects.filter(pk__in=counts)
    rows = [FieldPresence(u, counts[u.pk], roles.get(u.pk) in ("owner", "leader")) for u in users]
    return sorted(rows, key=lambda r: (not r.is_leader, -r.conversations, r.user.display_name))


def pilot_detail(workspace: Workspace, pilot_id: int) -> Pilot:
    return get_scoped(scoped(Pilot, workspace).select_related("initiative", "decided_by")
                      .prefetch_related("pilot_accounts__segment", "control_accounts__segment"),
                      workspace, pk=pilot_id)


def pilot_list(workspace: Workspace, *, initiative_id: int | None = None) -> QuerySet[Pilot]:
    qs = (scoped(Pilot, workspace).select_related("workspace", "initiative")
          .annotate(measurement_count=Count("measurements", distinct=True)))
    return qs.filter(initiative_id=initiative_id) if initiative_id else qs


# --- gate criteria and facts -----------------------------------------------------------------------

def gate_criteria(workspace: Workspace) -> dict[str, tuple[gates.Rule, ...]]:
    """The workspace's exit criteria: its own JSON over the defaults."""
    settings = GateSettings.objects.filter(workspace=workspace).first()
    return gates.criteria_from_json(settings.criteria if settings else {})


def initiative_evidence(initiative: Initiative):
    """Every piece of evidence on the initiative's assumptions, with what the facts need."""
    return (Evidence.objects.filter(assumption__initiative=initiative)
            .select_related("assumption", "segment", "highlight__guide_question__guide", "experiment")
            .order_by("id"))


def initiative_facts(initiative: Initiative) -> tuple[gates.InitiativeFacts, list[int]]:
    """Count the initiative's evidence into gate facts; also the ids of the evidence counted.

    - pain conversations by segment: distinct conversations behind first-hand supporting evidence that is a
      pain highlight, or a whole conversation supporting a desirability assumption; by the account's segment;
    - first-hand conversations: distinct conversations behind any first-hand evidence;
    - prototype reactions: highlights captured with a solution-feedback guide, and done prototype experiments;
    - do evidence: evidence of what people do, either direction;
    - priced tests: done experiments that made an offer with real prices;
    - validated assumptions by type and by topic; completed experiments; pilots with a decision.
    """
    evidence = list(initiative_evidence(initiative))
    pain_by_segment: dict[str, set[int]] = defaultdict(set)
    first_hand: set[int] = set()
    prototype = do = 0
    for item in evidence:
        conversation_id = item.highlight.conversation_id if item.highlight_id else item.conversation_id
        if item.first_hand and conversation_id:
            first_hand.add(conversation_id)
            describes_pain = (
                (item.highlight_id and item.highlight.kind == HighlightKind.PAIN)
                or (item.conversation_id and item.assumption.type == AssumptionType.DESIRABILITY)
            )
            if describes_pain and item.direction == "supports" and item.segment_id:
                pain_by_segment[item.segment.name].add(conversation_id)
        guide_question = item.highlight.guide_question if item.highlight_id else None
        if guide_question and guide_question.guide.purpose == GuidePurpose.SOLUTION_FEEDBACK:
            prototype += 1
        do += item.behaviour == "do"
    experiments = Experiment.objects.filter(assumption__initiative=initiative, done_at__isnull=False)
    prototype += experiments.filter(method=ExperimentMethod.PROTOTYPE).count()
    validated = list(initiative.assumptions.filter(status=AssumptionStatus.VALIDATED).values_list("type", "topic"))
    by_type: dict[str, int] = defaultdict(int)
    by_topic: dict[str, int] = defaultdict(int)
    for kind, topic in validated:
        by_type[kind] += 1
        by_topic[topic] += 1
    facts = gates.InitiativeFacts(
        pain_conversations_by_segment={name: len(ids) for name, ids in pain_by_segment.items()},
        validated_assumptions_by_type=dict(by_type),
        validated_assumptions_by_topic=dict(by_topic),
        first_hand_conversations=len(first_hand),
        prototype_reactions=prototype,
        do_evidence=do,
        priced_tests=experiments.filter(method=ExperimentMethod.PRICED_OFFER).count(),
        buying_committee_mapped=initiative.buying_committee_mapped,
        completed_experiments=experiments.count(),
        finished_pilots=initiative.pilots.exclude(decision="").count(),
    )
    return facts, [e.pk for e in evidence]


def check_gate(initiative: Initiative) -> gates.GateCheck | None:
    """Whether the initiative may leave its stage; None at the last stage."""
    if gates.next_stage(initiative.stage) is None:
        return None
    facts, _ = initiative_facts(initiative)
    return gates.check_exit(initiative.stage, facts, gate_criteria(initiative.workspace))


# --- pilots: candidates and observations -----------------------------------------------------------

def candidate_accounts(workspace: Workspace) -> list[CandidateAccount]:
    return [CandidateAccount(id=pk, segment=segment, revenue=float(revenue) if revenue is not None else None)
            for pk, segment, revenue in scoped(Account, workspace).values_list("pk", "segment__name",
                                                                              "annual_revenue")]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def feedback_value(metric_kind: str, nps: int | None, csat: int | None) -> float | None:
    """One response coded as the voice area scores it, so the mean of the codes is the score.

    NPS: a promoter (9-10) +100, a passive (7-8) 0, a detractor (0-6) -100; CSAT: 100 for a 4 or a 5,
    else 0. A response without that score is not an observation (None).
    """
    if metric_kind == MetricKind.NPS:
        return None if nps is None else 100.0 if nps >= 9 else 0.0 if nps >= 7 else -100.0
    return None if csat is None else 100.0 if csat >= 4 else 0.0


def feedback_observations(pilot: Pilot) -> list[dict[str, Any]]:
    """Each response of a pilot or control account received in a window is one observation.

    The windows are whole days, both ends included, in the workspace's time zone as pages show them.
    Responses are clustered by account in the regression (several per account and window).
    """
    in_pilot = set(pilot.pilot_accounts.values_list("pk", flat=True))
    in_control = set(pilot.control_accounts.values_list("pk", flat=True))
    observations = []
    windows = {Period.BASELINE: (pilot.baseline_start, pilot.baseline_end),
               Period.PILOT: (pilot.pilot_start, pilot.pilot_end)}
    for period, (start, end) in windows.items():
        rows = (scoped(FeedbackItem, pilot.workspace)
                .filter(account_id__in=in_pilot | in_control, received_at__gte=_day_start(start),
                        received_at__lt=_day_start(end + timedelta(days=1)))
                .values_list("account_id", "nps", "csat"))
        for account_id, nps, csat in rows:
            value = feedback_value(pilot.metric_kind, nps, csat)
            if value is not None:
                observations.append({"account_id": account_id, "period": str(period), "value": value,
                                     "group": "pilot" if account_id in in_pilot else "control"})
    return observations


def pilot_observations(pilot: Pilot) -> list[dict[str, Any]]:
    """The observations the difference-in-differences is computed from: entered values or feedback."""
    if pilot.metric_kind in FEEDBACK_METRICS:
        return feedback_observations(pilot)
    in_pilot = set(pilot.pilot_accounts.values_list("pk", flat=True))
    in_control = set(pilot.control_accounts.values_list("pk", flat=True))
    return [{"account_id": account_id, "group": "pilot" if account_id in in_pilot else "control",
             "period": period, "value": value}
            for account_id, period, value in pilot.measurements.values_list("account_id", "period", "value")
            if account_id in in_pilot or account_id in in_control]


@dataclass(frozen=True)
class GatePreview:
    initiative: Initiative
    now: gates.GateCheck
    then: gates.GateCheck


# Initiatives a gate preview checks: the most recently changed ones (each costs a few counting queries).
PREVIEW_LIMIT = 30


def gate_preview(workspace: Workspace, current: gates.GateCriteria, criteria: gates.GateCriteria,
                 ) -> list[GatePreview]:
    """Which initiatives may leave their stage under ``current`` (the workspace's criteria), and under
    ``criteria``."""
    shown = []
    for initiative in (scoped(Initiative, workspace).exclude(stage=gates.STAGE_KEYS[-1])
                       .order_by("-updated_at", "-pk")[:PREVIEW_LIMIT]):
        facts, _ = initiative_facts(initiative)
        shown.append(GatePreview(initiative, gates.check_exit(initiative.stage, facts, current),
                                 gates.check_exit(initiative.stage, facts, criteria)))
    return shown
