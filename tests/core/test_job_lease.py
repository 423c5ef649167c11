"""A job holds a lease on its row, renewed by a heartbeat: when its process dies, the job is noticed as stopped
and taken over (resumed when it can, failed with "run it again" when not); pages never wait on it for ever."""

import subprocess
import sys
import time
from datetime import timedelta

import factories
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from outsidein.core import jobs
from outsidein.feedback import services
from outsidein.feedback.models import FeedbackItem, ImportBatch
from outsidein.insights import themes as themes_services
from outsidein.insights.models import DriverAnalysis, ThemeAnalysis

LONG_AGO = timedelta(minutes=5)


def dead_pid() -> int:
    """The pid of a process of this host that has exited (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def stopped_elsewhere(**fields) -> dict:
    """A job another host was running until five minutes ago: only its lease tells it has stopped."""
    return {"status": jobs.JobStatus.RUNNING, "held_by": "other-host:4242", "started_at": timezone.now() - LONG_AGO,
            "heartbeat_at": timezone.now() - LONG_AGO, **fields}


def test_a_theme_run_left_running_by_a_dead_worker_does_not_block_the_next(workspace, owner):
    for text in ("Late parcel delivery", "Parcel delivery was late", "Invoice charged twice", "Double invoice charge"):
        factories.feedback_item(workspace, text, source_name="s", received_at=timezone.now())
    stuck = ThemeAnalysis.objects.create(workspace=workspace, **stopped_elsewhere(rows_total=5, rows_done=2))
    shown = themes_services.analysis_status(workspace).run
    assert (shown.status, shown.error) == ("failed", jobs.WORKER_STOPPED)  # the page says so at once
    stuck.refresh_from_db()
    assert stuck.status == "running"  # ... without writing on a read: the watch takes the job over
    assert (ThemeAnalysis._meta.label, stuck.pk, "failed") in jobs.recover_stopped_jobs()
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", jobs.WORKER_STOPPED)

    ThemeAnalysis.objects.filter(pk=stuck.pk).update(**stopped_elsewhere())
    fresh = themes_services.start_theme_analysis(workspace, owner, k=2)
    assert fresh.status == "done" and fresh.themes_found == 2
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "run it again" in stuck.error


def test_a_theme_run_whose_worker_still_beats_blocks_the_next(workspace, owner):
    ThemeAnalysis.objects.create(workspace=workspace, **stopped_elsewhere(heartbeat_at=timezone.now()))
    with pytest.raises(ValidationError, match="already running"):
        themes_services.start_theme_analysis(workspace, owner)


def test_a_job_of_a_process_gone_from_this_host_stops_before_its_lease_runs_out(workspace):
    alive = DriverAnalysis.objects.create(workspace=workspace, outcome="nps", status="running",
                                          held_by=jobs.holder(), heartbeat_at=timezone.now())
    gone = DriverAnalysis.objects.create(workspace=workspace, outcome="nps", status="running",
                                         held_by=f"{jobs.HOST}:{dead_pid()}", heartbeat_at=timezone.now())
    assert not alive.is_stopped and gone.is_stopped
    assert jobs.recover_stopped_jobs() == [("insights.DriverAnalysis", gone.pk, "failed")]
    alive.refresh_from_db()
    gone.refresh_from_db()
    assert alive.status == "running"
    assert (gone.status, gone.error) == ("failed", jobs.WORKER_STOPPED)


def test_the_import_page_of_a_stopped_import_does_not_show_its_percentage_for_ever(owner_client, workspace):
    batch = ImportBatch.objects.create(workspace=workspace, source_name="S", file_name="big.csv",
                                       stored_file="imports/x.csv", file_format="csv", mapping={"c": "text"},
                                       rows_total=200_000, rows_done=60_000, **stopped_elsewhere())
    url = reverse("feedback-import-progress", kwargs={"ws": workspace.slug, "batch_id": batch.pk})
    page = owner_client.get(url).content.decode()
    assert "(30%)" not in page
    assert "The worker running this stopped after 60000 rows; the next worker takes it up again" in page


def test_a_stopped_import_is_resumed_and_counts_its_own_rows_as_created_not_as_duplicates(workspace, owner):
    rows = "".join(f"R{i},Comment number {i},{i % 11}\n" for i in range(10))
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("s.csv", f"id,comment,nps\n{rows}"
                                                                                .encode()), source_name="S")
    services.start_import(batch)  # the immediate backend: it runs here
    # As a run killed after its first chunks leaves it: some items in, the batch running, its heartbeat old.
    FeedbackItem.objects.filter(batch=batch, external_id__in=[f"R{i}" for i in range(6, 10)]).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_created=6, rows_done=8, finished_at=None, **stopped_elsewhere(),
        resume_point={"records": 6, "created": 6, "duplicate": 0, "rejected": 0})

    assert jobs.recover_stopped_jobs() == [("voice.ImportBatch", batch.pk, "resumed")]
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created, batch.rows_duplicate, batch.resumes) == ("done", 10, 0, 1)
    assert FeedbackItem.objects.filter(batch=batch).count() == 10


def test_an_import_stopped_too_often_is_failed_instead_of_resumed_again(workspace):
    batch = ImportBatch.objects.create(workspace=workspace, source_name="S", file_name="x.csv",
                                       stored_file="imports/x.csv", file_format="csv",
                                       **stopped_elsewhere(resumes=jobs.MAX_RESUMES))
    assert jobs.recover_stopped_jobs() == [("voice.ImportBatch", batch.pk, "failed")]
    batch.refresh_from_db()
    assert batch.error == jobs.WORKER_STOPPED


def test_a_queue_row_claimed_by_a_gone_worker_is_failed_not_left_running(workspace, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch = ImportBatch.objects.create(workspace=workspace, source_name="S", file_name="x.csv",
                                       stored_file="imports/x.csv", file_format="csv")
    services.start_import(batch)
    # The worker claimed the task and died before the import marked its batch running.
    DBTaskResult.objects.update(status="RUNNING", worker_ids=[f"worker:{jobs.HOST}:{dead_pid()}:abcdef"])
    assert jobs.recover_stopped_jobs() == [("voice.ImportBatch", batch.pk, "resumed")]
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "READY"]  # the dead run failed, a new one queued
    batch.refresh_from_db()
    assert batch.status == "queued" and batch.task_id == str(DBTaskResult.objects.get(status="READY").pk)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_job_alive_while_its_progress_stands_still(workspace, settings):
    settings.JOB_LEASE_SECONDS = 0.6  # a beat every 0.1 s
    analysis = DriverAnalysis.objects.create(workspace=workspace, outcome="nps")
    with jobs.tracked(analysis) as progress:
        progress.start(2)
        first = DriverAnalysis.objects.get(pk=analysis.pk).heartbeat_at
        time.sleep(1.0)  # one long step: no progress for longer than the lease
        seen = DriverAnalysis.objects.get(pk=analysis.pk)
        assert seen.heartbeat_at > first and not seen.is_stopped
        assert jobs.recover_stopped_jobs() == []
    analysis.refresh_from_db()
    assert analysis.status == "done"
