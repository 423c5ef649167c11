"""The journey canvas as the page, the digest and print draw it: stages across, touchpoints down, the experience
curve under them, pain marked, the widest gap picked out."""

from django.utils.safestring import SafeString

from outsidein.core.canvas_chart import CanvasColumn, Card, canvas_chart
from outsidein.core.words import counted
from outsidein.journeys.gaps import TouchpointFigures, widest_gap
from outsidein.journeys.models import Journey


def card_detail(f: TouchpointFigures | None) -> str:
    if f is None or not f.evidence:
        return "no evidence yet"
    share = f.first_hand_share
    return counted(f.evidence, "piece", "pieces") + (f" · {round(100 * share)}% first-hand" if share else "")


def _mean(pairs: list[tuple[float, int]]) -> float | None:
    weight = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / weight if weight else None


def journey_canvas(journey: Journey, figures: dict[int, TouchpointFigures]) -> SafeString:
    """``journey`` as ``selectors.journey_detail`` reads it (stages and touchpoints prefetched)."""
    widest = widest_gap(figures.values())
    columns = []
    for stage in journey.stages.all():
        touchpoints = list(stage.touchpoints.all())
        cards = [Card(t.name, card_detail(figures.get(t.pk)), painful=bool(figures.get(t.pk) and figures[t.pk].painful),
                      called_out=widest is not None and widest.touchpoint_id == t.pk) for t in touchpoints]
        known = [figures[t.pk] for t in touchpoints if t.pk in figures]
        experienced = _mean([(f.sentiment, f.evidence) for f in known if f.sentiment is not None])
        believed = _mean([(f.believed, 1) for f in known])
        columns.append(CanvasColumn(stage.name, cards, experienced, believed))
    return canvas_chart(columns, title=f"{journey.name}: {journey.segment.name}",
                        curve_title="What customers experience at each stage, against what we believe")
