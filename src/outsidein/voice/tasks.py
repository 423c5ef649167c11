"""Background jobs of the voice area (see core.jobs)."""

import logging

from django.tasks import task

from outsidein.voice.imports import run_import
from outsidein.voice.models import ImportBatch
from outsidein.voice.themes_services import place_imported_items

logger = logging.getLogger(__name__)


@task()
def import_feedback(batch_id: int) -> int:
    """Import a batch's file, then place the new items among the workspace's themes; returns the number of items
    created. Progress and outcome are on the batch."""
    batch = ImportBatch.objects.select_related("workspace").get(pk=batch_id)
    batch = run_import(batch)
    try:
        place_imported_items(batch)
    except Exception:
        # The rows are in and the batch says so; the items stay unthemed and the themes page offers to place them.
        logger.exception("Placing the items of import batch %s among the themes failed", batch.pk)
    return batch.rows_created
