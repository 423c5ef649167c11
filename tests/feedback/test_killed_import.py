"""An import whose worker is killed (`kill -9`) in the middle is finished by the next worker: within a minute the
batch is done, with every row of the file imported once and none reported as a duplicate of itself. The same
for a killed `outsidein import feedback`. Real processes, against the test database (SQLite file or PostgreSQL).
"""

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import processes
import pytest
from django.db import connection
from django.urls import reverse
from factories import client_for
from processes import kill, stop

from outsidein.core import jobs
from outsidein.feedback import services
from outsidein.feedback.models import FeedbackItem, ImportBatch

COMMENTS = ["Delivery was late again", "Great support and thank you", "The invoice was wrong", "Easy to use",
            "Nobody called back"]
RESUMED_WITHIN = 60.0

pytestmark = pytest.mark.django_db(transaction=True)  # the processes see only what is committed


def row_count() -> int:
    """200,000 rows on PostgreSQL (the set-based reader: seconds); on SQLite, where the row-by-row reader writes
    about 1,500 to 3,000 rows a second on a busy two-core machine, 40,000, so the test stays well under a minute
    while the kill still lands in the middle of the import. KILLED_IMPORT_ROWS sets another size."""
    return int(os.environ.get("KILLED_IMPORT_ROWS") or (200_000 if connection.vendor == "postgresql" else 40_000))


def write_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,comment,nps\n")
        handle.writelines(f"R{i},{COMMENTS[i % len(COMMENTS)]} {i % 97},{i % 11}\n" for i in range(row_count()))
    return path


def outsidein(data_dir: Path, *args: str) -> subprocess.Popen:
    return processes.outsidein(data_dir, *args)


def wait_for(what, timeout: float, process: subprocess.Popen | None = None) -> float:
    return processes.wait_for(what, timeout, process, explain=lambda: "batches: " + str(list(
        ImportBatch.objects.values("status", "rows_done", "rows_created", "resumes", "held_by"))))


def batch_of(source_name: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(source_name=source_name).first()


def killed_mid_import(source_name: str) -> bool:
    """Far enough in that some of the file is committed (rows row by row, or staged and checked set-based),
    far from the end."""
    batch = batch_of(source_name)
    return batch is not None and batch.status == "running" and row_count() * 0.15 <= batch.rows_done <= row_count() * 0.7


def assert_imported_once(batch: ImportBatch) -> None:
    batch.refresh_from_db()
    assert (batch.status, batch.error) == ("done", "")
    assert (batch.rows_created, batch.rows_duplicate, batch.rows_rejected) == (row_count(), 0, 0)
    assert batch.resumes == 1
    items = FeedbackItem.objects.filter(workspace=batch.workspace)
    assert items.count() == row_count() and items.values("external_id").distinct().count() == row_count()


def finished_by_a_new_worker(data_dir: Path, batch: ImportBatch) -> None:
    worker = outsidein(data_dir, "worker")
    try:
        took = wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status in ("done", "failed"),
                        timeout=RESUMED_WITHIN, process=worker)
    finally:
        stop(worker)
    print(f"resumed and finished in {took:.1f} s")
    assert_imported_once(batch)


def assert_no_task_left_running() -> None:
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.filter(status__in=("RUNNING", "READY")).exists()


def test_an_import_whose_worker_is_killed_is_finished_by_the_next_worker(workspace, owner, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = write_file(tmp_path / "survey.csv")
    with path.open("rb") as handle:
        from django.core.files.uploadedfile import File

        batch = services.upload_feedback_file(workspace, owner, File(handle, name="survey.csv"),
                                              source_name="Big survey")
    services.start_import(batch)

    first = outsidein(tmp_path, "worker")
    try:
        wait_for(lambda: killed_mid_import("Big survey"), timeout=120, process=first)
    finally:
        kill(first)
    batch.refresh_from_db()
    assert batch.status == "running" and batch.rows_done < row_count()
    # The page tells the truth at once instead of standing at the same percentage.
    page = client_for(owner).get(reverse("feedback-import-progress",
                                         kwargs={"ws": workspace.slug, "batch_id": batch.pk})).content.decode()
    assert "The worker running this stopped" in page and f"({batch.percent}%)" not in page

    finished_by_a_new_worker(tmp_path, batch)
    assert_no_task_left_running()


def test_a_killed_command_line_import_is_finished_by_a_worker(workspace, tmp_path):
    path = write_file(tmp_path / "tickets.csv")
    cli = outsidein(tmp_path, "import", "feedback", str(path), "--source", "Helpdesk", "--workspace",
                    workspace.slug, "--no-progress")
    try:
        wait_for(lambda: killed_mid_import("Helpdesk"), timeout=120, process=cli)
    finally:
        kill(cli)
    batch = batch_of("Helpdesk")
    assert batch.status == "running" and batch.is_stopped

    finished_by_a_new_worker(tmp_path, batch)
    assert jobs.recover_stopped_jobs() == []


def test_a_resumed_import_goes_on_from_its_last_committed_chunk(workspace, owner, tmp_path, monkeypatch):
    import csv
    import json

    from outsidein.feedback import imports
    from outsidein.feedback.imports import writers

    records = [{"id": f"R{i}", "comment": f"Comment {i}", "nps": 12 if i in (2, 9) else i % 11} for i in range(12)]
    path = tmp_path / "survey.jsonl"  # JSON Lines: the row-by-row reader on every database
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for writer in (imports.OrmWriter, imports.CopyWriter):
        monkeypatch.setattr(writer, "chunk_rows", 3)
    points = []
    save = writers._save_resume_point
    monkeypatch.setattr(writers, "_save_resume_point",
                        lambda batch_id, point, created: points.append(point(created)) or save(batch_id, point, created))
    batch = services.batch_for_local_file(workspace, owner, path, source_name="Survey")
    imports.run_import(batch)
    assert [p["records"] for p in points] == [4, 7, 11, 12]

    # Killed after its second chunk: what came after it is not in the database, though its report holds line 10.
    FeedbackItem.objects.filter(external_id__in=["R7", "R8", "R10", "R11"]).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", held_by="other-host:1", heartbeat_at=batch.created_at - timedelta(minutes=5),
        finished_at=None,
        resume_point=points[1], rows_created=6, rows_done=9)
    assert jobs.recover_stopped_jobs() == [("voice.ImportBatch", batch.pk, "resumed")]

    assert [p["records"] for p in points[4:]] == [11, 12]  # the first seven records were not read again
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created, batch.rows_duplicate, batch.rows_rejected) == ("done", 10, 0, 2)
    assert FeedbackItem.objects.filter(batch=batch).count() == 10
    with imports.media_path(batch.rejected_report).open(encoding="utf-8") as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == ["3", "10"]  # each rejected row once
