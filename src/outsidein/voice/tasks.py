"""Background jobs of the voice area (see core.jobs)."""

from django.tasks import task

from outsidein.voice.imports import run_import
from outsidein.voice.models import ImportBatch


@task()
def import_feedback(batch_id: int) -> int:
    """Import a batch's file; returns the number of items created. Progress and outcome are on the batch."""
    batch = ImportBatch.objects.select_related("workspace").get(pk=batch_id)
    return run_import(batch).rows_created
