"""Reads of assumptions, evidence and experiments that pages, the API, the use cases and the initiatives area
share, and the facts of one piece of evidence read from its source (``derive_facts``)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.utils.safestring import SafeString

from outsidein.conversations.models import Conversation, HighlightKind, Kind
from outsidein.core.charts import Dot, quadrant_chart
from outsidein.core.scoping import get_scoped, scoped
from outsidein.learning import strength as rules
from outsidein.learning.models import Assumption, Evidence, Experiment, SourceKind
from outsidein.workspaces.models import Workspace

# The assumption map's "important and unproven" corner: importance 4 or 5, evidence strength under a half.
IMPORTANT_FROM = 3.5
PROVEN_FROM = 0.5
# Highlights that record what a customer was seen doing; every other kind is what they said.
DO_HIGHLIGHT_KINDS = frozenset({HighlightKind.OBSERVATION})
# Conversations in which the team watches customers work or buy, rather than hear about it.
DO_CONVERSATION_KINDS = frozenset({Kind.SITE_VISIT, Kind.SERVICE_SIDE_BY_SIDE, Kind.SALES_SIT_IN,
                                   Kind.SALES_RIDE_ALONG})


def assumption_list(workspace: Workspace, *, initiative_id: int | None = None, status: str | None = None,
                    type: str | None = None, owner_id: int | None = None, query: str = "") -> QuerySet[Assumption]:
    qs = (scoped(Assumption, workspace).select_related("workspace", "owner", "initiative__workspace")
          .annotate(evidence_count=Count("evidence", distinct=True),
                    supporting_count=Count("evidence", filter=Q(evidence__direction="supports"), distinct=True),
                    refuting_count=Count("evidence", filter=Q(evidence__direction="refutes"), distinct=True)))
    if initiative_id:
        qs = qs.filter(initiative_id=initiative_id)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if query.strip():
        qs = qs.filter(statement__icontains=query.strip())
    return qs


def initiative_model() -> type[Model]:
    """The model an assumption names as its initiative, reached through the relation: initiatives is a later
    area, which this one may not import."""
    return Assumption._meta.get_field("initiative").related_model


def initiative_choices(workspace: Workspace) -> QuerySet:
    """The workspace's initiatives an assumption list can be filtered by."""
    return scoped(initiative_model(), workspace).only("pk", "name")


def assumption_detail(workspace: Workspace, assumption_id: int) -> Assumption:
    return get_scoped(scoped(Assumption, workspace).select_related("workspace", "owner", "initiative__workspace",
                                                                   "status_changed_by"),
                      workspace, pk=assumption_id)


def evidence_for(assumption_ids) -> QuerySet[Evidence]:
    return (Evidence.objects.filter(assumption_id__in=assumption_ids)
            .select_related("workspace", "assumption__workspace", "linked_by", "account", "segment",
                            "highlight__conversation__workspace", "conversation__workspace",
                            "conversation__account", "experiment__workspace",
                            "feedback_item__workspace"))


def experiment_list(workspace: Workspace, *, assumption_id: int | None = None, initiative_id: int | None = None,
                    done: bool | None = None) -> QuerySet[Experiment]:
    qs = scoped(Experiment, workspace).select_related("workspace", "assumption__workspace", "owner",
                                                      "assumption__initiative")
    if assumption_id:
        qs = qs.filter(assumption_id=assumption_id)
    if initiative_id:
        qs = qs.filter(assumption__initiative_id=initiative_id)
    if done is not None:
        qs = qs.filter(done_at__isnull=not done)
    return qs


def is_important_and_unproven(assumption: Assumption) -> bool:
    """Importance 4 or 5, evidence strength under a half, and nobody has decided it yet."""
    return (assumption.importance >= IMPORTANT_FROM and assumption.evidence_strength < PROVEN_FROM
            and assumption.is_unproven)


def assumption_map(assumptions, *, title: str = "Assumption map", numbered: bool = True) -> SafeString:
    """Importance against strength of evidence; the important and unproven corner is shaded and named.

    Dots carry the assumption's number in the list beside the map (statements would overlap), or the
    statement itself when ``numbered`` is off (a map of one assumption).
    """
    dots = [Dot(label=str(n) if numbered else a.statement, x=round(a.evidence_strength, 3), y=a.importance,
                highlight=is_important_and_unproven(a)) for n, a in enumerate(assumptions, start=1)]
    return quadrant_chart(
        dots, title=title, x_label="Strength of evidence (0 = none yet)", y_label="Importance",
        x_split=PROVEN_FROM, y_split=IMPORTANT_FROM, corner="top-left", corner_label="Important and unproven",
        x_range=(0.0, 1.0), y_range=(0.5, 5.5),
    )


# --- facts of one piece of evidence ---------------------------------------------------------------

def _was_present(conversation: Conversation, *users) -> bool:
    present = {m.pk for m in conversation.members.all()}
    return any(u is not None and u.pk in present for u in users)


def _account_facts(account) -> dict[str, Any]:
    return {"account_id": account.pk if account else None,
            "segment_id": account.segment_id if account else None}


def _highlight_facts(evidence: Evidence) -> rules.EvidenceFacts:
    highlight = evidence.highlight
    conversation = highlight.conversation
    account = (highlight.person.account if highlight.person and highlight.person.account_id
               else conversation.account)
    return rules.EvidenceFacts(
        direction=evidence.direction,
        behaviour="do" if highlight.kind in DO_HIGHLIGHT_KINDS else "say",
        first_hand=_was_present(conversation, evidence.linked_by, evidence.assumption.owner),
        source_kind="highlight", source_key=f"conversation:{conversation.pk}", label=str(highlight),
        **_account_facts(account),
    )


def _conversation_facts(evidence: Evidence) -> rules.EvidenceFacts:
    conversation = evidence.conversation
    return rules.EvidenceFacts(
        direction=evidence.direction,
        behaviour="do" if conversation.kind in DO_CONVERSATION_KINDS else "say",
        first_hand=_was_present(conversation, evidence.linked_by, evidence.assumption.owner),
        source_kind="conversation", source_key=f"conversation:{conversation.pk}", label=str(conversation),
        **_account_facts(conversation.account),
    )


def _experiment_facts(evidence: Evidence) -> rules.EvidenceFacts:
    # The team ran the test itself: first-hand, and what people did.
    experiment = evidence.experiment
    return rules.EvidenceFacts(
        direction=evidence.direction, behaviour="do", first_hand=True, source_kind="experiment",
        source_key=f"experiment:{experiment.pk}", label=str(experiment),
    )


def _feedback_facts(evidence: Evidence) -> rules.EvidenceFacts:
    # What a customer wrote in a survey, ticket, review or sales note: what they say, and it reached the
    # team through that channel rather than in a conversation someone attended, so it is relayed.
    item = evidence.feedback_item
    return rules.EvidenceFacts(
        direction=evidence.direction, behaviour="say", first_hand=False, source_kind="feedback",
        source_key=f"feedback:{item.pk}", label=str(item), **_account_facts(item.account),
    )


# The extension point for new sources: one fact deriver per source kind.
SOURCE_FACTS: dict[str, Callable[[Evidence], rules.EvidenceFacts]] = {
    SourceKind.HIGHLIGHT: _highlight_facts,
    SourceKind.CONVERSATION: _conversation_facts,
    SourceKind.EXPERIMENT: _experiment_facts,
    SourceKind.FEEDBACK: _feedback_facts,
}


def derive_facts(evidence: Evidence) -> rules.EvidenceFacts:
    """What the strength rules need to know about one piece of evidence, read from its source.

    Do or say: an observation highlight, a conversation in which customers were watched at work
    (site visit, service side-by-side, sales sit-in or ride-along) and an experiment result are what
    people do; quotes, pains, ideas and other highlights and conversations, and feedback items, are
    what they say. First-hand: the person who linked it or the assumption's owner was present in the
    conversation; an experiment result is always first-hand, a feedback item always relayed.
    See docs/evidence.md.
    """
    return SOURCE_FACTS[evidence.source_kind](evidence)


def evidence_queryset(assumption_ids):
    """The evidence of these assumptions with everything ``derive_facts`` reads, so deriving asks nothing more."""
    return (Evidence.objects.filter(assumption_id__in=assumption_ids)
            .select_related("assumption__owner", "linked_by", "highlight__person__account__segment",
                            "highlight__conversation__account__segment", "conversation__account__segment",
                            "experiment", "feedback_item__account__segment")
            .prefetch_related("highlight__conversation__members", "conversation__members"))
