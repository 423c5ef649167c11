"""Reads of journeys: the list, one journey with its stages and touchpoints, and each touchpoint's figures."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, QuerySet

from outsidein.core.scoping import get_scoped, scoped
from outsidein.journeys.gaps import TouchpointFigures
from outsidein.journeys.models import EvidenceLink, Journey, JourneyStage, LinkStatus, Touchpoint
from outsidein.workspaces.models import Workspace


def journey_list(workspace: Workspace) -> QuerySet[Journey]:
    return (scoped(Journey, workspace).select_related("segment", "product")
            .annotate(touchpoint_count=Count("stages__touchpoints", distinct=True)))


def journey_detail(workspace: Workspace, journey_id: int) -> Journey:
    """The journey with its stages and their touchpoints in order (three queries)."""
    stages = JourneyStage.objects.order_by("position", "id").prefetch_related(
        Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("position", "id")))
    return get_scoped(journey_list(workspace).prefetch_related(Prefetch("stages", queryset=stages)), workspace,
                      pk=journey_id)


def _accepted(journey: Journey) -> QuerySet[EvidenceLink]:
    return scoped(EvidenceLink, journey.workspace).filter(touchpoint__stage__journey=journey,
                                                          status=LinkStatus.ACCEPTED).order_by()


def touchpoint_figures(journey: Journey, *, only: Touchpoint | None = None) -> dict[int, TouchpointFigures]:
    """Each touchpoint's evidence in figures (or ``only`` that one's): grouped counts and means in the database
    (four queries), and the revenue of the distinct accounts behind it."""
    touchpoints = scoped(Touchpoint, journey.workspace).filter(stage__journey=journey)
    links = _accepted(journey)
    if only is not None:
        touchpoints, links = touchpoints.filter(pk=only.pk), links.filter(touchpoint=only)
    beliefs = dict(touchpoints.values_list("id", "belief"))
    heard = {row["touchpoint_id"]: row for row in links.filter(highlight__isnull=False).values("touchpoint_id")
             .annotate(n=Count("id"), scored=Count("highlight__sentiment"), mean=Avg("highlight__sentiment"))}
    relayed = {row["touchpoint_id"]: row for row in links.filter(feedback_item__isnull=False)
               .values("touchpoint_id").annotate(n=Count("id"), scored=Count("feedback_item__sentiment"),
                                                 mean=Avg("feedback_item__sentiment"))}
    accounts: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for path in ("highlight__conversation__account", "feedback_item__account"):
        for touchpoint_id, account_id, revenue in (links.filter(**{f"{path}__isnull": False})
                                                   .values_list("touchpoint_id", path, f"{path}__annual_revenue")
                                                   .distinct()):
            accounts[touchpoint_id][account_id] = revenue
    figures = {}
    for touchpoint_id, belief in beliefs.items():
        parts = [row for row in (heard.get(touchpoint_id), relayed.get(touchpoint_id)) if row]
        scored = sum(row["scored"] for row in parts)
        mean = sum(row["mean"] * row["scored"] for row in parts if row["scored"]) / scored if scored else None
        known = [r for r in accounts.get(touchpoint_id, {}).values() if r is not None]
        figures[touchpoint_id] = TouchpointFigures(
            touchpoint_id, belief, evidence=sum(row["n"] for row in parts),
            first_hand=heard[touchpoint_id]["n"] if touchpoint_id in heard else 0,
            sentiment=None if mean is None else round(float(mean), 3),
            revenue=sum(known, Decimal(0)) if known else None)
    return figures


def proposals_for(touchpoint: Touchpoint) -> QuerySet[EvidenceLink]:
    return (scoped(EvidenceLink, touchpoint.workspace).filter(touchpoint=touchpoint, status=LinkStatus.PROPOSED)
            .select_related("highlight__conversation__account", "feedback_item__account"))


def evidence_of(touchpoint: Touchpoint) -> QuerySet[EvidenceLink]:
    """The touchpoint's accepted evidence, newest decision first."""
    return (scoped(EvidenceLink, touchpoint.workspace).filter(touchpoint=touchpoint, status=LinkStatus.ACCEPTED)
            .select_related("highlight__conversation__account", "feedback_item__account")
            .order_by("-decided_at", "-id"))
