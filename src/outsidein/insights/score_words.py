"""Scores in words: what a leader reads above the chart, the same on the page and in the API."""

import math
from datetime import date

from outsidein.insights.analysis import scores
from outsidein.insights.analysis.scores import MIN_SAMPLE
from outsidein.insights.selectors import MetricView


def period_name(start: date, period: str) -> str:
    """How a person names a period: "November 2026", "the week of 23 Nov 2026", "2026 Q4", "2026"."""
    if period == "month":
        return f"{start:%B %Y}"
    if period == "week":
        return f"the week of {start.day} {start:%b %Y}"
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


def with_margin(e: scores.ScoreEstimate) -> str:
    """A score with its 95% margin of error where there is one: "32 ± 4.1"."""
    value = f"{e.value:.1f}" if e.metric in ("csat_mean", "ces") else f"{e.value:.0f}"
    return value if e.n < 2 or not math.isfinite(e.margin_of_error) else f"{value} ± {e.margin_of_error:.1f}"


def compared(label: str, name: str, estimate: scores.ScoreEstimate, before_name: str,
             before: scores.ScoreEstimate | None, change: scores.ScoreChange | None) -> str:
    """A score in a period and, where there is one to compare with, whether it moved by more than noise, e.g.
    "NPS in November 2026: 32 ± 4.1 (n = 1,234), up 5.0 from October 2026 (27 ± 3.9): more than noise"."""
    sentence = f"{label} in {name}: {with_margin(estimate)} (n = {estimate.n:,})"
    if change is not None and before is not None and before.n:
        if change.verdict == scores.VERDICT_CHANGE:
            direction = "up" if change.difference > 0 else "down"
            sentence += (f", {direction} {abs(change.difference):.1f} from {before_name} ({with_margin(before)}): "
                         "more than noise")
        elif change.verdict == scores.VERDICT_NOISE:
            sentence += f", no significant change from {before_name} ({with_margin(before)})"
    return sentence + "."


def score_summary(view: MetricView) -> list[str]:
    """What changed, in words: the last complete period against the one before, and the period in progress."""
    sentences = []
    last = view.last_full
    if last is not None:
        before = next((p for p in reversed(view.series)
                       if not p.partial and p.estimate.n and p.first_day < last.first_day), None)
        sentences.append(compared(
            view.label, period_name(last.first_day, view.period), last.estimate,
            period_name(before.first_day, view.period) if before else "", before.estimate if before else None,
            view.change))
    partial = view.partial
    if partial is not None and partial.estimate.n:
        name = period_name(partial.first_day, view.period)
        if partial.estimate.n < MIN_SAMPLE:
            sentences.append(f"{name[0].upper()}{name[1:]} is still in progress: {partial.estimate.n:,} "
                             f"response{'s' if partial.estimate.n != 1 else ''} so far, too few to read.")
        else:
            sentences.append(f"{name[0].upper()}{name[1:]} so far: {with_margin(partial.estimate)} "
                             f"(n = {partial.estimate.n:,}), still in progress.")
    return sentences
