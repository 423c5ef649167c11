"""The scheduler enqueues each periodic job once per period, however many processes tick."""

from datetime import UTC, datetime

import pytest

from outsidein.engagement import schedule
from outsidein.engagement.models import ScheduledRun
from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def counting_jobs(counter: dict[str, int]) -> list[schedule.Periodic]:
    def enqueue(name: str):
        return lambda: counter.__setitem__(name, counter.get(name, 0) + 1)

    return [schedule.Periodic("planned-rollover", schedule._hourly, enqueue("rollover")),
            schedule.Periodic("weekly-digest", schedule._monday_morning, enqueue("digest"))]


def test_digest_on_monday_morning_once_and_rollover_every_hour():
    runs: dict[str, int] = {}
    jobs = counting_jobs(runs)
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    monday_early = datetime(2026, 11, 23, 5, 10, tzinfo=UTC)
    monday_morning = datetime(2026, 11, 23, 6, 5, tzinfo=UTC)
    assert schedule.tick(sunday_night, jobs) == ["planned-rollover"]
    assert schedule.tick(sunday_night, jobs) == []  # a second process in the same hour
    assert schedule.tick(monday_early, jobs) == ["planned-rollover"]
    assert schedule.tick(monday_morning, jobs) == ["planned-rollover", "weekly-digest"]
    assert schedule.tick(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), jobs) == ["planned-rollover"]
    assert schedule.tick(datetime(2026, 11, 30, 6, 0, tzinfo=UTC), jobs) == ["planned-rollover", "weekly-digest"]
    assert runs == {"rollover": 5, "digest": 2}
    assert ScheduledRun.objects.filter(name="weekly-digest").count() == 2


def test_the_real_jobs_run_through_the_task_backend(workspace, owner):
    # Tests run tasks at once (immediate backend): a tick on a Monday morning rolls over, sends, and forgets audit
    # events past their keeping time; an hour later only the rollover is due again.
    old = audit.record(workspace, AuditAction.EXPORTED, "an old export", actor=owner)
    AuditEvent.objects.filter(pk=old.pk).update(at=datetime(2024, 1, 1, tzinfo=UTC))
    started = schedule.tick(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert started == ["planned-rollover", "weekly-digest", "audit-purge"]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert schedule.tick(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)) == ["planned-rollover"]
