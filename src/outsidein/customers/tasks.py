"""Background jobs of the customers area (see core.jobs)."""

from django.tasks import task

from outsidein.core.jobs import JobStatus
from outsidein.customers.imports import run_import
from outsidein.customers.models import AccountImport


@task()
def import_accounts(import_id: int) -> int:
    """Import a CSV of accounts or persons; returns the number of rows created. Progress and outcome are on the
    import's row."""
    row = AccountImport.objects.select_related("workspace").get(pk=import_id)
    if row.status in (JobStatus.DONE, JobStatus.FAILED):
        return row.rows_created  # queued twice: the first run did it
    return run_import(row).rows_created
