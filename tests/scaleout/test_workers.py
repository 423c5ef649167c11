"""Several `outsidein worker` processes share the database task queue: each queued job runs once, whichever worker
takes it. Real processes against the test database (a SQLite file or PostgreSQL)."""

from collections import Counter

import pytest
from counted_task import count_run
from django_tasks_db.models import DBTaskResult
from processes import outsidein, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the processes see only what is committed

JOBS = 100


def test_two_workers_run_each_of_a_hundred_queued_jobs_exactly_once(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ledger = tmp_path / "ledger.txt"
    ledger.touch()
    for number in range(JOBS):
        count_run.enqueue(number, str(ledger))
    ours = DBTaskResult.objects.filter(task_path="counted_task.count_run")  # the workers' own scheduler adds its own
    assert ours.filter(status="READY").count() == JOBS

    workers = [outsidein(tmp_path / f"machine-{n}", "worker", "--interval", "0.1") for n in (1, 2)]
    try:
        wait_for(lambda: ours.filter(status="SUCCESSFUL").count() == JOBS, timeout=120,
                 explain=lambda: str(Counter(ours.values_list("status", flat=True))))
    finally:
        for worker in workers:
            stop(worker)

    runs = [line.split() for line in ledger.read_text().splitlines()]
    assert Counter(number for number, _ in runs) == Counter(str(n) for n in range(JOBS))  # each once, none twice
    pids = {pid for _, pid in runs}
    assert pids == {str(w.pid) for w in workers}  # both took a share of the queue
    assert not ours.exclude(status="SUCCESSFUL").exists()
