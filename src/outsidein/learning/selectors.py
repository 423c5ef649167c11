"""Reads of assumptions, evidence and experiments that pages, the API and the initiatives area share."""

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString

from outsidein.core.charts import Dot, quadrant_chart
from outsidein.core.scoping import get_scoped, scoped
from outsidein.learning.models import Assumption, Evidence, Experiment

# The assumption map's "important and unproven" corner: importance 4 or 5, evidence strength under a half.
IMPORTANT_FROM = 3.5
PROVEN_FROM = 0.5


def assumption_list(workspace, *, initiative_id: int | None = None, status: str | None = None,
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


def assumption_detail(workspace, assumption_id: int) -> Assumption:
    return get_scoped(scoped(Assumption, workspace).select_related("workspace", "owner", "initiative__workspace",
                                                                   "status_changed_by"),
                      workspace, pk=assumption_id)


def evidence_for(assumption_ids) -> QuerySet[Evidence]:
    return (Evidence.objects.filter(assumption_id__in=assumption_ids)
            .select_related("workspace", "assumption__workspace", "linked_by", "account", "segment",
                            "highlight__conversation__workspace", "conversation__workspace",
                            "conversation__account", "experiment__workspace",
                            "feedback_item__workspace"))


def experiment_list(workspace, *, assumption_id: int | None = None, initiative_id: int | None = None,
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
