"""API for messages to customers: the log, a message, editing a draft, sending (once), thank-yous and a pilot's
invitations and result messages."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.conversations.models import Conversation
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Person
from outsidein.initiatives.models import Pilot
from outsidein.loop import message_selectors, telling
from outsidein.loop.models import Message, MessageKind, MessageStatus, Suggestion
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["messages to customers"])
THANKS_REFS = {"conversation_id": Conversation, "person_id": Person}


class MessageFilter(InputSchema):
    kind: MessageKind | None = None
    status: MessageStatus | None = None
    person_id: int | None = None
    suggestion_id: int | None = None
    pilot_id: int | None = None


class MessageOut(ModelOutput, model=Message, fields=[
        "id", "kind", "key", "person_id", "email", "subject", "body", "status", "error", "suggestion_id",
        "status_change_id", "conversation_id", "pilot_id", "created_by_id", "created_at", "sent_by_id", "sent_at"]):
    pass


class MessagePatch(ModelInput, model=Message, fields=["subject", "body"], optional=True,
                   bounds={"body": {"max_length": 10_000}}):
    pass


# Written out: a thank-you names what it follows and whom, neither of which is a column the client writes.
class ThanksIn(InputSchema):
    conversation_id: int | None = Field(None, description="After this conversation: without person_id, a draft to "
                                                          "everyone there with an e-mail address.")
    person_id: int | None = Field(None, description="To this person.")
    body: str = Field("", max_length=10_000, description="Your words (empty: a short thank-you to start from).")


def _message(request: WorkspaceRequest, message_id: int) -> Message:
    return get_scoped(message_selectors.message_log(request.workspace), request.workspace, pk=message_id)


def _pilot(request: WorkspaceRequest, pilot_id: int) -> Pilot:
    return get_scoped(Pilot, request.workspace, pk=pilot_id)


@router.get("/messages", response=list[MessageOut], summary="Messages to customers, newest first")
@paginate(Page)
def list_messages(request: WorkspaceRequest, filters: Query[MessageFilter]) -> Any:
    return message_selectors.message_log(request.workspace, **filters.model_dump())


@router.get("/messages/{message_id}", response=MessageOut)
def read_message(request: WorkspaceRequest, message_id: int) -> Message:
    return _message(request, message_id)


@router.patch("/messages/{message_id}", response=MessageOut,
              summary="Edit a draft's subject or body (a sent message keeps what it said: 422)")
def update_message(request: WorkspaceRequest, message_id: int, payload: MessagePatch) -> Message:
    message = _message(request, message_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    return telling.update_draft(message, subject=changes.get("subject", message.subject),
                                body=changes.get("body", message.body))


@router.post("/messages/{message_id}/send", response=MessageOut,
             summary="Send a draft (or retry a failed one); a sent message is never sent again")
def send_message(request: WorkspaceRequest, message_id: int) -> Message:
    return telling.send_message(_message(request, message_id), request.user)


@router.post("/suggestions/{suggestion_id}/send", response=list[MessageOut],
             summary="Send every draft about a suggestion; the answer lists the messages it tried")
def send_suggestion_drafts(request: WorkspaceRequest, suggestion_id: int) -> list[Message]:
    suggestion = get_scoped(Suggestion, request.workspace, pk=suggestion_id)
    drafts = message_selectors.message_log(request.workspace, suggestion_id=suggestion.pk).filter(
        status=MessageStatus.DRAFT)
    return telling.send_drafts(list(drafts), request.user)


@router.post("/thanks", response={201: list[MessageOut]},
             summary="Draft a thank-you: after a conversation, to a person, or both")
def draft_thanks(request: WorkspaceRequest, payload: ThanksIn) -> tuple[int, list[Message]]:
    data = resolve_refs(request.workspace, payload.model_dump(), THANKS_REFS)
    try:
        made = telling.draft_thanks_after(request.workspace, request.user, conversation=data["conversation"],
                                          person=data["person"], body=data["body"])
    except ValidationError as exc:
        raise in_payload_terms(exc, THANKS_REFS) from exc
    return 201, made


@router.post("/pilots/{pilot_id}/invites", response={201: list[MessageOut]},
             summary="Draft an invitation to each contact (with an e-mail address) of the pilot accounts")
def draft_pilot_invites(request: WorkspaceRequest, pilot_id: int) -> tuple[int, list[Message]]:
    return 201, telling.draft_pilot_invites(_pilot(request, pilot_id), request.user)


@router.post("/pilots/{pilot_id}/results", response={201: list[MessageOut]},
             summary="Draft the result, in plain words, to each contact of the pilot accounts (after the decision)")
def draft_pilot_results(request: WorkspaceRequest, pilot_id: int) -> tuple[int, list[Message]]:
    return 201, telling.draft_pilot_results(_pilot(request, pilot_id), request.user)
