"""Background tasks of the engagement area; the scheduler (``schedule.py``) enqueues them."""

from django.tasks import task


@task()
def send_weekly_digest(workspace_id: int | None = None) -> int:
    """Send this week's digest to every leader who has not had it; returns how many were sent."""
    from outsidein.engagement.digest import send_weekly_digests
    from outsidein.workspaces.models import Workspace

    workspace = Workspace.objects.get(pk=workspace_id) if workspace_id else None
    return sum(1 for r in send_weekly_digests(workspace=workspace) if r.outcome == "sent")


@task()
def roll_over_planned_conversations() -> int:
    from outsidein.engagement.services import roll_over_planned

    return roll_over_planned()
