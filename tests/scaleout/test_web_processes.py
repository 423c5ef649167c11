"""A team's server: several web processes (`outsidein serve --processes 2`) and a worker on another machine. The
worker stands for that machine by a data directory of its own: the upload it imports, and the report of rejected rows
a web process then serves, reach the other side only through the shared file store (core/filestore.py)."""

from pathlib import Path

import pytest
from inbox import free_port
from processes import children_of, csrf, outsidein, signed_in, stop, up, wait_for, with_password

from outsidein.feedback.models import FeedbackItem, ImportBatch

pytestmark = pytest.mark.django_db(transaction=True)  # the processes see only what is committed

SURVEY = "id,comment,nps\nR1,The driver called ahead,9\nR2,Invoice was wrong twice,3\nR3,Fine,eleven\n"
SHARED = {"OUTSIDEIN_FILE_STORE": "database"}


def test_an_upload_to_one_web_process_is_imported_by_a_worker_with_another_data_directory(
        workspace, owner, tmp_path, settings):
    settings.FILE_STORE = "database"
    settings.MEDIA_ROOT = tmp_path / "here" / "media"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_dir, worker_dir = tmp_path / "web-machine", tmp_path / "worker-machine"
    server = outsidein(web_dir, "serve", "--processes", "2", "--no-worker", "--port", str(port), env=SHARED)
    worker = None
    try:
        wait_for(lambda: up(base), timeout=60, process=server)
        wait_for(lambda: len(children_of(server.pid)) == 2, timeout=30)  # two web processes under the one server

        with_password(owner, "pw-12345678")
        session = signed_in(base, owner.email, "pw-12345678")
        imports = f"{base}/w/{workspace.slug}/voice/imports/"
        answer = session.post(imports, data={"source_name": "NPS", "source": "survey",
                                             "csrfmiddlewaretoken": csrf(session, imports)},
                              files={"file": ("survey.csv", SURVEY.encode(), "text/csv")},
                              headers={"Referer": imports}, timeout=30)
        assert answer.ok, answer.text[-2000:]
        batch = ImportBatch.objects.get(workspace=workspace)
        detail = f"{base}{batch.get_absolute_url()}"
        assert "comment" in session.get(detail, timeout=30).text  # the mapping page read the stored upload
        answer = session.post(f"{detail}map/", data={"col_0": "external_id", "col_1": "text", "col_2": "nps",
                                                     "csrfmiddlewaretoken": csrf(session, detail)},
                              headers={"Referer": detail}, timeout=30)
        assert answer.ok, answer.text[-2000:]
        batch.refresh_from_db()
        assert batch.status == "queued" and not list(worker_dir.glob("**/*.csv"))

        worker = outsidein(worker_dir, "worker", "--interval", "0.2", env=SHARED)
        wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status in ("done", "failed"), timeout=90,
                 process=worker)
        batch.refresh_from_db()
        assert (batch.status, batch.rows_created, batch.rows_rejected) == ("done", 2, 1), batch.error
        assert set(FeedbackItem.objects.filter(workspace=workspace).values_list("external_id", flat=True)) == {
            "R1", "R2"}
        # The worker read the upload from the store into its own data directory, and wrote its report there.
        assert [p.read_text() for p in Path(worker_dir, "media").glob("imports/*/*-survey.csv")] == [SURVEY]
        report = session.get(f"{detail}rejected.csv", timeout=30)
        assert report.ok and "R3" in report.text and "nps" in report.text.lower()
        assert list(Path(web_dir, "media").glob("imports/rejected/*"))  # fetched by the web process that served it
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
