"""API for brainstorm boards: the brainstorms, a board's ideas, adding and grouping ideas, dot votes as the
token's member, and turning an idea into a suggestion, an assumption or an initiative."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.conversations.models import Conversation
from outsidein.customers.models import Person
from outsidein.loop import brainstorms
from outsidein.loop.models import Idea, Suggestion
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["brainstorm boards"])
IDEA_REFS = {"person_id": Person}


class BrainstormOut(Schema):
    id: int
    title: str
    occurred_at: datetime
    account_id: int | None
    idea_count: int
    vote_count: int

    @staticmethod
    def resolve_title(obj: Conversation) -> str:
        return str(obj)


IDEA_FIELDS = ["text", "group", "person_id"]


class IdeaIn(ModelInput, model=Idea, fields=IDEA_FIELDS):
    person_id: int | None = Field(None, description="The customer whose idea it is (one of the brainstorm's "
                                                    "persons); none: the token's member's own idea.")


class GroupIn(ModelInput, model=Idea, fields=["group"]):
    pass


# Written out: what to turn the idea into is not a column of the idea.
class ConvertIn(InputSchema):
    into: Literal["suggestion", "assumption", "initiative"]
    title: str = Field("", max_length=Suggestion._meta.get_field("title").max_length,
                       description="For a suggestion: its title (default: from the idea's words).")


class IdeaOut(ModelOutput, model=Idea, fields=[
        "id", "conversation_id", *IDEA_FIELDS, "member_id", "suggestion_id", "assumption_id", "initiative_id",
        "created_at", "votes", "voted"]):
    votes: int  # computed: dots on the idea
    voted: bool = Field(description="The token's member has a dot on it.")  # computed


def _out(card: brainstorms.Card) -> dict[str, Any]:
    idea = card.idea
    return {"id": idea.pk, "conversation_id": idea.conversation_id, "text": idea.text, "group": idea.group,
            "person_id": idea.person_id, "member_id": idea.member_id, "suggestion_id": idea.suggestion_id,
            "assumption_id": idea.assumption_id, "initiative_id": idea.initiative_id, "created_at": idea.created_at,
            "votes": card.votes, "voted": card.mine}


def _idea_out(request: WorkspaceRequest, idea_id: int) -> dict[str, Any]:
    return _out(brainstorms.read_card(brainstorms.idea(request.workspace, idea_id), member=request.user))


@router.get("/brainstorms", response=list[BrainstormOut], summary="Brainstorm conversations, newest first")
@paginate(Page)
def list_brainstorms(request: WorkspaceRequest) -> Any:
    return brainstorms.brainstorms(request.workspace)


@router.get("/brainstorms/{conversation_id}/ideas", response=list[IdeaOut],
            summary="A board's ideas, group by group (groups by their votes, ungrouped last)")
def list_ideas(request: WorkspaceRequest, conversation_id: int) -> list[dict[str, Any]]:
    board = brainstorms.read_board(brainstorms.board(request.workspace, conversation_id), member=request.user)
    return [_out(card) for group in board.groups for card in group.cards]


@router.post("/brainstorms/{conversation_id}/ideas", response={201: IdeaOut}, summary="Put an idea on the board")
def add_idea(request: WorkspaceRequest, conversation_id: int, payload: IdeaIn) -> tuple[int, dict[str, Any]]:
    conversation = brainstorms.board(request.workspace, conversation_id)
    data = resolve_refs(request.workspace, payload.model_dump(), IDEA_REFS)
    try:
        idea = brainstorms.add_idea(conversation, data["text"], group=data["group"], member=request.user,
                                    person=data.get("person"))
    except ValidationError as exc:
        raise in_payload_terms(exc, IDEA_REFS) from exc
    return 201, _idea_out(request, idea.pk)


@router.patch("/ideas/{idea_id}", response=IdeaOut, summary="Put an idea in a group (blank: ungrouped)")
def group_idea(request: WorkspaceRequest, idea_id: int, payload: GroupIn) -> dict[str, Any]:
    brainstorms.set_group(brainstorms.idea(request.workspace, idea_id), payload.group)
    return _idea_out(request, idea_id)


@router.post("/ideas/{idea_id}/vote", response=IdeaOut,
             summary=f"Put one of the token's member's {brainstorms.DOTS} dots on the idea")
def vote(request: WorkspaceRequest, idea_id: int) -> dict[str, Any]:
    brainstorms.place_dot(brainstorms.idea(request.workspace, idea_id), member=request.user)
    return _idea_out(request, idea_id)


@router.delete("/ideas/{idea_id}/vote", response=IdeaOut, summary="Take the token's member's dot back")
def unvote(request: WorkspaceRequest, idea_id: int) -> dict[str, Any]:
    brainstorms.take_dot(brainstorms.idea(request.workspace, idea_id), member=request.user)
    return _idea_out(request, idea_id)


@router.post("/ideas/{idea_id}/convert", response=IdeaOut,
             summary="Turn the idea into a suggestion (raised by the customer whose idea it was), an assumption "
                     "or an initiative")
def convert(request: WorkspaceRequest, idea_id: int, payload: ConvertIn) -> dict[str, Any]:
    brainstorms.convert(brainstorms.idea(request.workspace, idea_id), request.user, payload.into,
                        title=payload.title)
    return _idea_out(request, idea_id)


@router.delete("/ideas/{idea_id}", response={204: None}, summary="Take an idea off the board")
def delete_idea(request: WorkspaceRequest, idea_id: int) -> tuple[int, None]:
    brainstorms.delete_idea(brainstorms.idea(request.workspace, idea_id))
    return 204, None
