"""Key driver analyses of a workspace's feedback: which rated attributes drive NPS or CSAT, and how well
the company does on each (the statistics are in ``insights.analysis.drivers``).

A small analysis runs while the page waits; a large one is saved as queued and a worker computes it. Either
way the analysis row is the job's row (core.jobs): its status, progress and why it failed are the same on the
page and in the API wherever it was started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone
from numpy.typing import NDArray

from outsidein.core import jobs
from outsidein.core.progress import Progress
from outsidein.core.scoping import scoped
from outsidein.feedback.models import FeedbackItem, FeedbackTally, TallyKind
from outsidein.insights.analysis.drivers import DriverDataError, key_drivers
from outsidein.insights.models import DriverAnalysis
from outsidein.workspaces.models import User, Workspace

OUTCOMES = {"nps": "Likelihood to recommend (NPS, 0–10)", "csat": "Overall satisfaction (CSAT, 1–5)"}
# Up to this many responses the analysis runs while the page waits (well under a second); beyond, a worker.
INLINE_LIMIT = 20_000
MAX_DRIVERS = 30
# The steps an analysis reports as its progress: responses read, analysis computed.
STEPS = 2


@dataclass(frozen=True)
class DriverOption:
    name: str
    answers: int


class DriverDetail(TypedDict):
    """One driver of a computed analysis as its row keeps it (``result["details"]``), for its page and the API."""

    name: str
    relative_weight: float
    relative_weight_pct: float
    shapley: float
    shapley_pct: float
    performance: float
    top_box: float
    top_box_pct: float
    correlation: float
    quadrant: str


def driver_options(workspace: Workspace) -> list[DriverOption]:
    """The driver ratings found in the workspace's feedback, with how many items rate each, as the writes tallied
    them (feedback/rollups.py): one small read, however many items there are."""
    rows = scoped(FeedbackTally, workspace).filter(kind=TallyKind.DRIVER, items__gt=0).order_by("name")
    return [DriverOption(name, items) for name, items in rows.values_list("name", "items")]


def outcome_count(workspace: Workspace, outcome: str) -> int:
    return scoped(FeedbackItem, workspace).filter(**{f"{outcome}__isnull": False}).count()


def _rating(value: Any) -> float:
    """One of an item's driver ratings, whatever its JSON holds there, as a number (NaN when it is none)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def responses(workspace: Workspace, outcome: str,
              drivers: list[str]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Outcome and driver ratings of every item that answered the outcome; NaN where a driver is unrated."""
    qs = scoped(FeedbackItem, workspace).filter(**{f"{outcome}__isnull": False}).order_by()
    y: list[float] = []
    rows: list[list[float]] = []
    for score, ratings in qs.values_list(outcome, "driver_ratings").iterator(chunk_size=10_000):
        ratings = ratings if isinstance(ratings, dict) else {}
        y.append(float(score))
        rows.append([_rating(ratings.get(name)) for name in drivers])
    return np.asarray(y, dtype=np.float64), np.asarray(rows, dtype=np.float64).reshape(len(y), len(drivers))


def _check(workspace: Workspace, outcome: str, drivers: list[str]) -> list[str]:
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": f"Choose the outcome: {', '.join(OUTCOMES)}."})
    drivers = list(dict.fromkeys(d.strip() for d in drivers if d and d.strip()))
    if len(drivers) < 2:
        raise ValidationError({"drivers": "Choose at least two drivers."})
    if len(drivers) > MAX_DRIVERS:
        raise ValidationError({"drivers": f"Choose at most {MAX_DRIVERS} drivers."})
    known = {o.name for o in driver_options(workspace)}
    unknown = [d for d in drivers if d not in known]
    if unknown:
        raise ValidationError({"drivers": f"No feedback rates {', '.join(unknown)}."})
    return drivers


def compute(analysis: DriverAnalysis, progress: Progress) -> DriverAnalysis:
    """Run the analysis on the workspace's feedback as it is now and store the result on the row.

    Data the statistics cannot use (too few answers, a driver rated the same by everyone) ends the job as
    failed with the reason, which says what to change.
    """
    progress.start(STEPS)
    y, x = responses(analysis.workspace, analysis.outcome, analysis.drivers)
    progress.advance(1)
    try:
        result = key_drivers(y, x, analysis.drivers)
    except DriverDataError as exc:
        raise jobs.JobFailed(str(exc)) from exc
    analysis.n = result.n
    analysis.result = {
        **result.as_dict(),
        "n": result.n,
        "n_dropped": result.n_dropped,
        "scale": list(result.scale),
        "shapley_method": result.shapley_method,
        "warnings": list(result.warnings),
        "details": [
            DriverDetail(name=d.name, relative_weight=d.relative_weight, relative_weight_pct=d.relative_weight_pct,
                         shapley=d.shapley, shapley_pct=d.shapley_pct, performance=d.performance,
                         top_box=d.top_box, top_box_pct=100 * d.top_box, correlation=d.correlation,
                         quadrant=d.quadrant)
            for d in result.drivers
        ],
        "computed_at": timezone.now().isoformat(),
    }
    analysis.save(update_fields=["result", "n"])
    progress.advance(STEPS)
    return analysis


def run_driver_analysis(analysis: DriverAnalysis) -> DriverAnalysis:
    """Compute a saved analysis with its row tracking the job; the row ends done or failed."""
    with jobs.tracked(analysis) as progress:
        compute(analysis, progress)
    return analysis


@task()
def driver_analysis_job(analysis_id: int) -> str:
    analysis = DriverAnalysis.objects.select_related("workspace").get(pk=analysis_id)
    return run_driver_analysis(analysis).status


def create_driver_analysis(workspace: Workspace, actor: User | None, *, outcome: str,
                           drivers: list[str]) -> DriverAnalysis:
    """Save an analysis of ``outcome`` on ``drivers`` and compute it: here when small, by a worker when large."""
    drivers = _check(workspace, outcome, drivers)
    answered = outcome_count(workspace, outcome)
    if answered == 0:
        raise ValidationError({"outcome": f"No feedback answers {outcome.upper()} yet."})
    analysis = DriverAnalysis.objects.create(workspace=workspace, outcome=outcome, drivers=drivers, n=0,
                                             created_by=actor)
    if answered <= INLINE_LIMIT:
        return run_driver_analysis(analysis)
    jobs.start_on(analysis, driver_analysis_job)
    analysis.refresh_from_db()
    return analysis


def act_first_detail(analysis: DriverAnalysis) -> DriverDetail | None:
    name = (analysis.result or {}).get("act_first")
    details: list[DriverDetail] = analysis.result.get("details", []) if name else []
    return next((d for d in details if d["name"] == name), None)
