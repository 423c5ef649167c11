"""Work another area does on an import's new items, inside the import's own job.

A small interface, so feedback calls it without importing who answers: insights registers placing the new
items among the workspace's themes (insights/hooks.py). The import job runs each step in its own phase, so the
batch stays running until the step is done and a worker that dies meanwhile leaves a stopped job, not a done
one; the import's page shows each step's outcome with the step's own template.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outsidein.core import jobs
from outsidein.core.progress import Progress
from outsidein.feedback.models import ImportBatch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AfterImport:
    phase: str  # the job's phase while the step runs
    run: Callable[[ImportBatch], None]
    outcome: Callable[[ImportBatch], Any]  # what the import's page shows once done (None: nothing)
    template: str  # renders ``outcome`` on the import's page


_steps: list[AfterImport] = []


def register(step: AfterImport) -> None:
    if all(known.phase != step.phase for known in _steps):
        _steps.append(step)


def steps() -> tuple[AfterImport, ...]:
    return tuple(_steps)


def run_steps(batch: ImportBatch, progress: Progress) -> None:
    for step in _steps:
        progress.phase(step.phase)
        try:
            step.run(batch)
        except Exception:
            # The rows are in; the step's own page offers to do its work again.
            logger.exception("After importing batch %s, the step %r failed", batch.pk, step.phase)


def running(batch: ImportBatch) -> bool:
    """Whether the batch's rows are in and its job is in one of these steps, as its row says."""
    return batch.status == jobs.JobStatus.RUNNING and any(batch.phase == step.phase for step in _steps)


def outcomes(batch: ImportBatch) -> list[tuple[str, Any]]:
    """(template, outcome) of each step that has something to say about a finished import."""
    if not batch.rows_created or batch.is_running:  # running covers the steps too
        return []
    shown = ((step.template, step.outcome(batch)) for step in _steps)
    return [(template, outcome) for template, outcome in shown if outcome is not None]
