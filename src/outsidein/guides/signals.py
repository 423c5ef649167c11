"""How guides reacts to the workspaces area below it, which may not import guides."""

from django.dispatch import receiver

from outsidein.guides.services import seed_question_bank
from outsidein.workspaces.models import Workspace
from outsidein.workspaces.signals import workspace_created


@receiver(workspace_created, dispatch_uid="guides-seed-question-bank")
def seed_new_workspace(sender, workspace: Workspace, owner, **kwargs) -> None:
    seed_question_bank(workspace, owner)
