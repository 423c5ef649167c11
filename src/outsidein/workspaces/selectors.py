from django.core.management.base import CommandError

from outsidein.workspaces.models import Workspace


def workspace_for_command(slug: str | None) -> Workspace:
    """The workspace a command-line call means: the one named, or the only one there is."""
    if slug:
        ws = Workspace.objects.filter(slug=slug).first()
        if ws is None:
            raise CommandError(f"No workspace with slug “{slug}”.")
        return ws
    workspaces = list(Workspace.objects.all()[:2])
    if len(workspaces) != 1:
        raise CommandError("Name the workspace with --workspace SLUG (there is not exactly one).")
    return workspaces[0]
