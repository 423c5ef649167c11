"""Background jobs of the voice area (see core.jobs)."""

from django.tasks import task

from outsidein.core.jobs import JobStatus
from outsidein.feedback.imports import run_import
from outsidein.feedback.models import ImportBatch


@task()
def import_feedback(batch_id: int) -> int:
    """Import a batch's file and place the new items among the workspace's themes; returns the number of items
    created. Progress and outcome are on the batch.

    Also the task that resumes an import whose worker stopped (``ImportBatch.resume_task``): the file is read
    again and only what is missing is added.
    """
    batch = ImportBatch.objects.select_related("workspace").get(pk=batch_id)
    if batch.status in (JobStatus.DONE, JobStatus.FAILED):
        return batch.rows_created  # queued twice: the first run did it
    return run_import(batch).rows_created
