"""Reads of initiatives and pilots that pages and the API share."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from outsidein.conversations.models import Conversation
from outsidein.core.scoping import get_scoped, scoped
from outsidein.initiatives.gates import STAGES, Stage
from outsidein.initiatives.models import Initiative, Pilot, StageMove
from outsidein.workspaces.models import Membership, User


def initiative_list(workspace, *, stage: str | None = None) -> QuerySet[Initiative]:
    qs = (scoped(Initiative, workspace).select_related("workspace", "sponsor", "target_segment")
          .prefetch_related("team")
          .annotate(assumption_count=Count("assumptions", distinct=True),
                    validated_count=Count("assumptions", filter=Q(assumptions__status="validated"), distinct=True),
                    pilot_count=Count("pilots", distinct=True)))
    return qs.filter(stage=stage) if stage else qs


def board(workspace) -> list[tuple[Stage, list[Initiative]]]:
    """Initiatives by stage, in stage order."""
    by_stage: dict[str, list[Initiative]] = {s.key: [] for s in STAGES}
    for initiative in initiative_list(workspace):
        by_stage[initiative.stage].append(initiative)
    return [(stage, by_stage[stage.key]) for stage in STAGES]


def initiative_detail(workspace, initiative_id: int) -> Initiative:
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


def pilot_detail(workspace, pilot_id: int) -> Pilot:
    return get_scoped(scoped(Pilot, workspace).select_related("initiative", "decided_by")
                      .prefetch_related("pilot_accounts__segment", "control_accounts__segment"),
                      workspace, pk=pilot_id)


def pilot_list(workspace, *, initiative_id: int | None = None) -> QuerySet[Pilot]:
    qs = (scoped(Pilot, workspace).select_related("workspace", "initiative")
          .annotate(measurement_count=Count("measurements", distinct=True)))
    return qs.filter(initiative_id=initiative_id) if initiative_id else qs
