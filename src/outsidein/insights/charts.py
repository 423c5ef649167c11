"""The charts of insights: a score's trend and its segments, and a key driver analysis's importance map.

Built here from what the selectors and services return, so views only place them (core.charts draws them).
"""

import math

import numpy as np
from django.utils.safestring import SafeString

from outsidein.core.charts import Bar, Dot, Point, bar_chart, line_chart, quadrant_chart
from outsidein.insights.analysis.drivers import ACT_FIRST
from outsidein.insights.analysis.scores import MIN_SAMPLE, Period, SeriesPoint, period_label
from outsidein.insights.drivers import DriverDetail
from outsidein.insights.models import DriverAnalysis
from outsidein.insights.selectors import MetricView

Y_RANGES = {"nps": (-100, 100), "csat": (0, 100), "ces": (1, 7)}


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def metric_chart(view: MetricView, period: Period) -> SafeString:
    """A score by period with its 95% margin of error; the running period is drawn as partial."""
    points = []
    for p in view.series:
        e = p.estimate
        points.append(Point(
            period_label(p.first_day, period), finite(e.value) if e.n else None,
            finite(e.low) if e.n >= 2 else None, finite(e.high) if e.n >= 2 else None,
            partial=p.partial, few=p.few, note=f"so far, n = {e.n:,}" if p.partial and e.n else "",
        ))
    return line_chart({view.label: points}, title=f"{view.label} by {period}, with the 95% margin of error",
                      y_range=Y_RANGES.get(view.metric))


def _thin_periods(view: MetricView) -> list[str]:
    return [f"{p.period} (n = {p.estimate.n})" for p in view.series if p.few and not p.partial]


def segment_chart(view: MetricView, segments: list[SeriesPoint]) -> SafeString | None:
    """A score by segment, segments with fewer than MIN_SAMPLE responses in red; None when there is one segment
    (or for NPS, whose segments the page lists as a table)."""
    if len(segments) <= 1 or view.metric == "nps":
        return None
    return bar_chart(
        [Bar(str(p.group), round(finite(p.estimate.value) or 0.0, 1),
             note=f"±{p.estimate.margin_of_error:.1f}" + (" few" if p.estimate.n < MIN_SAMPLE else ""),
             highlight=p.estimate.n < MIN_SAMPLE) for p in segments],
        title=f"{view.label} by segment (red: fewer than {MIN_SAMPLE} responses)",
    )


def importance_chart(analysis: DriverAnalysis) -> SafeString | None:
    """Importance (share of R²) against performance (mean rating); the shaded corner is where to act first."""
    details: list[DriverDetail] = (analysis.result or {}).get("details") or []
    if not details:
        return None
    act_first = analysis.result.get("act_first")
    performance = [d["performance"] for d in details]
    importance = [d["shapley_pct"] for d in details]
    span = (max(performance) - min(performance)) or 1.0
    dots = [Dot(d["name"], d["performance"], d["shapley_pct"], highlight=d["name"] == act_first) for d in details]
    return quadrant_chart(
        dots,
        title=f"Importance and performance: drivers of {analysis.outcome.upper()}",
        x_label="Performance (mean rating)",
        y_label="Importance (% of R²)",
        # The same splits the analysis uses for its quadrants: average performance, an equal share of R².
        x_split=float(np.mean(performance)),
        y_split=100.0 / len(details),
        corner="top-left",
        corner_label=ACT_FIRST.capitalize(),
        # Room on the right for the names printed beside the dots, and importance from zero.
        x_range=(min(performance) - 0.1 * span, max(performance) + 0.45 * span),
        y_range=(0.0, max(max(importance), 100.0 / len(details)) * 1.1),
    )
