"""Writes of journeys: a journey from a template, stages and touchpoints, and evidence linked, proposed and decided."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from outsidein.conversations.models import Highlight
from outsidein.core.scoping import assert_same_workspace, scoped
from outsidein.core.services import create_owned
from outsidein.core.words import wording
from outsidein.customers.models import Product, Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.initiatives import services as initiative_services
from outsidein.initiatives.models import Initiative
from outsidein.insights import themes
from outsidein.insights.models import Theme
from outsidein.journeys.models import EvidenceLink, Journey, JourneyStage, LinkStatus, MarketNote, Touchpoint
from outsidein.journeys.templates import BY_KEY
from outsidein.learning import services as learning_services
from outsidein.learning.models import Assumption, Direction
from outsidein.workspaces.models import User, Workspace

PROPOSALS = 8  # proposed at a time, per touchpoint


@transaction.atomic
def create_journey(workspace: Workspace, actor: User | None, *, name: str, segment: Segment,
                   product: Product | None = None, template: str = "business", description: str = "") -> Journey:
    if template not in BY_KEY:
        raise ValidationError({"template": f"No journey template {template!r}; choose one of {', '.join(BY_KEY)}."})
    journey = create_owned(Journey, workspace, {"name": name.strip(), "segment": segment, "product": product,
                                                "description": description, "created_by": actor})
    JourneyStage.objects.bulk_create([JourneyStage(workspace=workspace, journey=journey, name=stage, position=i)
                                      for i, stage in enumerate(BY_KEY[template].stages)])
    return journey


def _next_position(rows: QuerySet[JourneyStage] | QuerySet[Touchpoint]) -> int:
    highest = rows.aggregate(p=Max("position"))["p"]
    return 0 if highest is None else highest + 1


def add_stage(journey: Journey, name: str) -> JourneyStage:
    return create_owned(JourneyStage, journey.workspace, {
        "journey": journey, "name": name.strip(), "position": _next_position(journey.stages.all())})


def add_touchpoint(stage: JourneyStage, *, name: str, channel: str = "", owner_team: str = "", expectation: str = "",
                   belief: int = 1) -> Touchpoint:
    return create_owned(Touchpoint, stage.workspace, {
        "stage": stage, "name": name.strip(), "channel": channel.strip(), "owner_team": owner_team.strip(),
        "expectation": expectation.strip(), "belief": belief, "position": _next_position(stage.touchpoints.all())})


def link_evidence(touchpoint: Touchpoint, actor: User | None, *, highlight: Highlight | None = None,
                  feedback_item: FeedbackItem | None = None) -> EvidenceLink:
    """A person links a text as evidence (accepted at once); linking it again accepts the link already there."""
    if (highlight is None) == (feedback_item is None):
        raise ValidationError("Link one highlight or one feedback item.")
    assert_same_workspace(touchpoint.workspace, highlight, feedback_item)
    source = {"highlight": highlight} if highlight is not None else {"feedback_item": feedback_item}
    link, _ = EvidenceLink.objects.get_or_create(workspace=touchpoint.workspace, touchpoint=touchpoint, **source)
    return decide(link, actor, accept=True)


def decide(link: EvidenceLink, actor: User | None, *, accept: bool) -> EvidenceLink:
    """Accept or reject; raises ``EvidenceLink.DoesNotExist`` when the link (or its touchpoint) was deleted a
    moment ago by someone else, which the pages and the API answer as not found."""
    link.status = LinkStatus.ACCEPTED if accept else LinkStatus.REJECTED
    link.decided_by, link.decided_at = actor, timezone.now()
    changed = EvidenceLink.objects.filter(pk=link.pk).update(
        status=link.status, decided_by=actor, decided_at=link.decided_at)
    if not changed:
        raise EvidenceLink.DoesNotExist("This evidence link was deleted a moment ago.")
    return link


def propose_evidence(touchpoint: Touchpoint, *, limit: int = PROPOSALS) -> list[EvidenceLink]:
    """Propose the workspace's texts closest to the touchpoint's words, found with the themes' model, leaving
    out every text already linked to it in any state: a rejected text is never proposed again."""
    workspace = touchpoint.workspace
    known = scoped(EvidenceLink, workspace).filter(touchpoint=touchpoint)
    seen = {(themes.HIGHLIGHT, pk) for pk in known.exclude(highlight=None).values_list("highlight_id", flat=True)}
    seen |= {(themes.FEEDBACK, pk)
             for pk in known.exclude(feedback_item=None).values_list("feedback_item_id", flat=True)}
    matches = themes.matching_items(workspace, touchpoint.words, limit=limit + len(seen))
    fresh = [m for m in matches if (m.item.kind, m.item.id) not in seen][:limit]
    made = []
    for match in fresh:
        source = ({"highlight_id": match.item.id} if match.item.kind == themes.HIGHLIGHT
                  else {"feedback_item_id": match.item.id})
        try:
            with transaction.atomic():
                made.append(EvidenceLink.objects.create(
                    workspace=workspace, touchpoint=touchpoint, status=LinkStatus.PROPOSED, proposed=True,
                    score=match.similarity, **source))
        except IntegrityError:  # proposed a moment ago by another request
            continue
    return made


@transaction.atomic
def move_stage(stage: JourneyStage, step: int) -> JourneyStage:
    """Move a stage one place earlier (-1) or later (+1); the first stays first, the last last."""
    stages = list(stage.journey.stages.select_for_update().order_by("position", "id"))
    at = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    to = min(max(at + step, 0), len(stages) - 1)
    stages.insert(to, stages.pop(at))
    for i, s in enumerate(stages):
        s.position = i
    JourneyStage.objects.bulk_update(stages, ["position"])
    return stages[to]


# -- from a touchpoint to action -----------------------------------------------------------------------------

EVIDENCE_CARRIED = 50  # of the touchpoint's accepted evidence, the most recent go with the assumption


def _evidence_texts(touchpoint: Touchpoint) -> list[EvidenceLink]:
    return list(scoped(EvidenceLink, touchpoint.workspace).filter(touchpoint=touchpoint, status=LinkStatus.ACCEPTED)
                .select_related("highlight", "feedback_item").order_by("-decided_at", "-id")[:EVIDENCE_CARRIED])


def _statement(touchpoint: Touchpoint) -> str:
    segment = touchpoint.stage.journey.segment.name
    wanted = touchpoint.expectation.rstrip(". ") or "what they expect of it"
    return f"{segment} customers experience “{touchpoint.name}” as a pain: {wanted} is not what happens."[:500]


@transaction.atomic
def start_assumption(touchpoint: Touchpoint, actor: User, *, initiative: Initiative | None = None) -> Assumption:
    """An assumption that the touchpoint hurts, with the touchpoint's accepted evidence linked as support."""
    assumption = learning_services.save_assumption(touchpoint.workspace, actor, {
        "statement": _statement(touchpoint), "initiative": initiative})
    for link in _evidence_texts(touchpoint):
        learning_services.link_evidence(assumption, actor, direction=Direction.SUPPORTS, highlight=link.highlight,
                                        feedback_item=link.feedback_item,
                                        note=f"Evidence of the touchpoint “{touchpoint.name}”.")
    touchpoint.assumptions.add(assumption)
    return assumption


@transaction.atomic
def start_initiative(touchpoint: Touchpoint, actor: User) -> Initiative:
    """An initiative in its first stage (nail the pain) for the touchpoint's segment, its pain in the customers'
    own words (the most negative piece of evidence), and an assumption carrying the evidence."""
    journey = touchpoint.stage.journey
    scored = [(source.sentiment, source.text) for link in _evidence_texts(touchpoint)
              if (source := link.source) is not None and source.sentiment is not None]
    pain = min(scored, key=lambda pair: pair[0])[1] if scored else _statement(touchpoint)  # newest on a tie
    initiative = initiative_services.save_initiative(touchpoint.workspace, actor, {
        "name": f"{touchpoint.name} ({journey.segment.name})"[:200], "pain_statement": pain,
        "target_segment": journey.segment})
    start_assumption(touchpoint, actor, initiative=initiative)
    touchpoint.initiatives.add(initiative)
    return initiative


def save_market_note(workspace: Workspace, actor: User | None, *, product_class: str, segment: Segment,
                     note: str) -> MarketNote:
    """Write the go-to-market note of a product class in a segment (one per pair: saving again replaces it)."""
    assert_same_workspace(workspace, segment)
    if not product_class.strip() or not scoped(Product, workspace).filter(product_class=product_class).exists():
        raise ValidationError({"product_class": f"No product is of the class “{product_class}”: name the class "
                                                 "as the products do (their “class”)."})
    saved, _ = MarketNote.objects.update_or_create(
        workspace=workspace, product_class=product_class, segment=segment,
        defaults={"note": note.strip(), "updated_by": actor})
    return saved


THEME_ITEMS = 20  # of a theme linked as evidence, its items closest to the theme's centre, each wording once


@transaction.atomic
def link_theme(touchpoint: Touchpoint, actor: User | None, theme: Theme) -> list[EvidenceLink]:
    """Link a theme's items closest to its centre as evidence (each wording once): what a theme says, kept as the
    texts themselves, so the links outlive the next theme analysis, which replaces the themes."""
    assert_same_workspace(touchpoint.workspace, theme)
    linked: list[EvidenceLink] = []
    wordings: set[str] = set()
    for item in themes.theme_items(theme, limit=5 * THEME_ITEMS):
        said = wording(item.text)
        if not said or said in wordings:
            continue
        wordings.add(said)
        source = {"highlight": item.obj} if item.kind == themes.HIGHLIGHT else {"feedback_item": item.obj}
        linked.append(link_evidence(touchpoint, actor, **source))  # type: ignore[arg-type]
        if len(linked) == THEME_ITEMS:
            break
    return linked
