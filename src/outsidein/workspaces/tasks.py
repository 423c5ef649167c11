from django.tasks import task

from outsidein.workspaces import audit


@task()
def forget_old_audit_events() -> int:
    """The daily clean-up of the audit trail: events older than AUDIT_KEEP_DAYS."""
    return audit.purge()
