"""A small scheduler for periodic work: the hourly planned→logged rollover, the Monday-morning digest and the
daily clean-up of the audit trail.

Every web process (``outsidein serve``) and every worker (``outsidein worker``) runs ``run_scheduler`` in a
thread. Each periodic job has a key per period (``2026-W48``, ``2026-11-23T09``); claiming a period inserts
a ``ScheduledRun`` row under a unique constraint, so however many processes tick, each period's job is
enqueued exactly once.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from outsidein.core.jobs import repeat, start_repeating
from outsidein.engagement.digest import iso_week
from outsidein.engagement.models import ScheduledRun

# The digest goes out from this hour (UTC) on Mondays: early morning in Europe, before the day in the Americas.
DIGEST_HOUR_UTC = 6


@dataclass(frozen=True)
class Periodic:
    name: str
    period_key: Callable[[datetime], str | None]  # None: not due in this period
    enqueue: Callable[[], object]


def _hourly(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")


def _monday_morning(now: datetime) -> str | None:
    return iso_week(now) if now.weekday() == 0 and now.hour >= DIGEST_HOUR_UTC else None


def _enqueue_rollover():
    from outsidein.engagement.tasks import roll_over_planned_conversations

    return roll_over_planned_conversations.enqueue()


def _daily(now: datetime) -> str:
    return now.strftime("%Y-%m-%d")


def _enqueue_audit_purge():
    from outsidein.workspaces.tasks import forget_old_audit_events

    return forget_old_audit_events.enqueue()


def _enqueue_digest():
    from outsidein.engagement.tasks import send_weekly_digest

    return send_weekly_digest.enqueue()


JOBS = [
    Periodic("planned-rollover", _hourly, _enqueue_rollover),
    Periodic("weekly-digest", _monday_morning, _enqueue_digest),
    Periodic("audit-purge", _daily, _enqueue_audit_purge),
]


def claim(name: str, period_key: str) -> bool:
    """True for the one process that first claims this period of this job."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, period_key=period_key)
    except IntegrityError:
        return False
    return True


def tick(now: datetime | None = None, jobs: list[Periodic] | None = None) -> list[str]:
    """Enqueue every job whose current period has not been claimed yet; returns the names enqueued."""
    now = (now or timezone.now()).astimezone(UTC)
    started = []
    for job in JOBS if jobs is None else jobs:
        key = job.period_key(now)
        if key and claim(job.name, key):
            job.enqueue()
            started.append(job.name)
    return started


def run_scheduler(stop: threading.Event | None = None, interval: float = 60.0) -> None:
    """Tick now and every ``interval`` seconds until ``stop`` is set; a failing tick is logged, never fatal."""
    repeat(tick, interval, "Scheduler tick", stop)


def start_scheduler_thread(interval: float = 60.0) -> threading.Thread:
    return start_repeating(tick, interval, "Scheduler tick", "outsidein-scheduler")
