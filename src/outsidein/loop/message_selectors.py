"""Reads of the message log: who was told what, when, by whom."""

from django.db.models import QuerySet

from outsidein.core.scoping import scoped
from outsidein.initiatives.models import Pilot
from outsidein.loop.models import Message, MessageKind
from outsidein.workspaces.models import Workspace


def message_log(workspace: Workspace, *, kind: str | None = None, status: str | None = None,
                person_id: int | None = None, suggestion_id: int | None = None,
                pilot_id: int | None = None) -> QuerySet[Message]:
    """The workspace's messages, newest first (the order of the log's index)."""
    messages = scoped(Message, workspace).select_related("person", "person__account", "suggestion", "pilot",
                                                         "conversation", "sent_by")
    if kind:
        messages = messages.filter(kind=kind)
    if status:
        messages = messages.filter(status=status)
    if person_id is not None:
        messages = messages.filter(person_id=person_id)
    if suggestion_id is not None:
        messages = messages.filter(suggestion_id=suggestion_id)
    if pilot_id is not None:
        messages = messages.filter(pilot_id=pilot_id)
    return messages.order_by("-created_at", "-id")


def pilot_messages(pilot: Pilot) -> dict[str, list[Message]]:
    """A pilot's invitations and result messages, each list by person."""
    rows = list(message_log(pilot.workspace, pilot_id=pilot.pk).filter(
        kind__in=[MessageKind.PILOT_INVITE, MessageKind.PILOT_RESULT]).order_by("person__name", "id"))
    return {"invites": [m for m in rows if m.kind == MessageKind.PILOT_INVITE],
            "results": [m for m in rows if m.kind == MessageKind.PILOT_RESULT]}
