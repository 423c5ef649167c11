from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.conversations import selectors, services
from outsidein.conversations.models import Conversation, Highlight, HighlightKind, Kind, Status
from outsidein.conversations.quick_log import CLIENT_ID_RULE, save_once
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Account, Competitor, Person
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User, Workspace

router = Router()
HIGHLIGHT_REFS = {"person_id": Person, "competitor_id": Competitor}
CONVERSATION_REFS = {"account_id": Account, "led_by_id": User, "person_ids": Person, "member_ids": User}


HIGHLIGHT_FIELDS = ["kind", "text", "person_id", "competitor_id", "tags"]
# The model's text is unbounded; a highlight sent to the API is at most 10,000 characters.
HIGHLIGHT_BOUNDS = {"text": {"max_length": 10000}}


class HighlightIn(ModelInput, model=Highlight, fields=HIGHLIGHT_FIELDS, bounds=HIGHLIGHT_BOUNDS):
    tags: list[str] = []  # tag names; the tags are a many-to-many relation


class HighlightPatch(ModelInput, model=Highlight, fields=HIGHLIGHT_FIELDS, bounds=HIGHLIGHT_BOUNDS, optional=True):
    tags: list[str] | None = None


HIGHLIGHT_OUT_FIELDS = ["id", "conversation_id", *HIGHLIGHT_FIELDS, "created_at"]


class HighlightOut(ModelOutput, model=Highlight, fields=HIGHLIGHT_OUT_FIELDS):
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Highlight) -> list[str]:
        return [t.name for t in obj.tags.all()]


CONVERSATION_FIELDS = ["kind", "occurred_at", "duration_minutes", "channel", "title", "account_id", "person_ids",
                       "member_ids", "led_by_id", "notes"]
# A conversation lasts a day at most, a rule of the API the model does not hold.
CONVERSATION_BOUNDS = {"duration_minutes": {"le": 24 * 60}}


CONVERSATION_IN_FIELDS = [*CONVERSATION_FIELDS, "cancelled", "highlights"]


class ConversationIn(ModelInput, model=Conversation, fields=CONVERSATION_IN_FIELDS, bounds=CONVERSATION_BOUNDS):
    # The model's default (now) is taken when it is read, so it cannot stand in the document: null means now.
    occurred_at: datetime | None = Field(None, description="When it happened or is planned; default now.")
    person_ids: list[int] = []  # many-to-many relations, sent as lists of ids
    member_ids: list[int] = Field([], description="Members present; default the token's user.")
    cancelled: bool = False  # sets the status, which is not written directly
    highlights: list[HighlightIn] = []
    client_id: str = Field("", max_length=64, description=(
        f"Made by the client for this entry: {CLIENT_ID_RULE} Sent again (after a lost answer, or from a phone "
        "that was offline) it creates nothing and answers 200 with the conversation it made the first time."))


class ConversationPatch(ModelInput, model=Conversation, fields=[*CONVERSATION_FIELDS, "cancelled"],
                        bounds=CONVERSATION_BOUNDS, optional=True):
    person_ids: list[int] | None = None
    member_ids: list[int] | None = None
    cancelled: bool | None = None


CONVERSATION_OUT_FIELDS = ["id", "kind", "status", *CONVERSATION_FIELDS, "highlight_count"]


class ConversationOut(ModelOutput, model=Conversation, fields=CONVERSATION_OUT_FIELDS):
    person_ids: list[int]
    member_ids: list[int]
    highlight_count: int = 0  # counted by the list's query

    @staticmethod
    def resolve_person_ids(obj: Conversation) -> list[int]:
        return [p.pk for p in obj.persons.all()]

    @staticmethod
    def resolve_member_ids(obj: Conversation) -> list[int]:
        return [m.pk for m in obj.members.all()]


class ConversationFilter(InputSchema):
    q: str = Field("", description="Full-text search over notes and highlights.")
    member_id: int | None = None
    kind: Kind | None = None
    account_id: int | None = None
    segment_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: Status | None = None


def _conversation_args(workspace: Workspace, data: dict) -> tuple[dict, dict]:
    data = resolve_refs(workspace, data, CONVERSATION_REFS)
    related = {"persons": data.pop("persons", None), "members": data.pop("members", None)}
    cancelled = data.pop("cancelled", None)
    if cancelled is not None:
        data["status"] = Status.CANCELLED if cancelled else Status.LOGGED
    if data.get("occurred_at", 0) is None:
        data.pop("occurred_at")
    return data, related


def _reload(request: WorkspaceRequest, conversation_id: int) -> Conversation:
    return get_scoped(selectors.conversation_list(request.workspace), request.workspace, pk=conversation_id)


@router.get("/conversations", response=list[ConversationOut], tags=["conversations"])
@replica_reads
@paginate(Page)
def list_conversations(request: WorkspaceRequest, filters: ConversationFilter = Query(...)):
    params = filters.model_dump()
    return selectors.conversation_list(request.workspace, query=params.pop("q"), **params)


@router.get("/conversations/{conversation_id}", response=ConversationOut, tags=["conversations"])
def read_conversation(request: WorkspaceRequest, conversation_id: int):
    return _reload(request, conversation_id)


@router.post("/conversations", response={201: ConversationOut, 200: ConversationOut}, tags=["conversations"],
             summary="Plan or log a conversation (with highlights), once per client_id")
def create_conversation(request: WorkspaceRequest, payload: ConversationIn):
    body = payload.model_dump()
    highlights = body.pop("highlights")
    client_id = body.pop("client_id")
    data, related = _conversation_args(request.workspace, body)
    if data.get("led_by") is None:
        data.pop("led_by", None)  # not named: the service's default (the token's user) applies
    highlight_args = []
    for index, item in enumerate(highlights):
        try:
            h = resolve_refs(request.workspace, item, HIGHLIGHT_REFS)
        except services.ValidationError as exc:
            raise services.ValidationError({f"highlights.{index}.{k}": v for k, v in exc.message_dict.items()}) from exc
        highlight_args.append(h)
    conversation, new = save_once(request.workspace, client_id, lambda: services.save_conversation(
        request.workspace, request.user, data, persons=related["persons"],
        members=related["members"] or None, highlights=highlight_args,
    ))
    return 201 if new else 200, _reload(request, conversation.pk)


@router.patch("/conversations/{conversation_id}", response=ConversationOut, tags=["conversations"])
def update_conversation(request: WorkspaceRequest, conversation_id: int, payload: ConversationPatch):
    conversation = get_scoped(Conversation, request.workspace, pk=conversation_id)
    data, related = _conversation_args(request.workspace, payload.model_dump(exclude_unset=True))
    try:
        data = nulls_in_model_terms(Conversation, data)
    except ValidationError as exc:
        raise in_payload_terms(exc, CONVERSATION_REFS) from exc
    services.save_conversation(request.workspace, request.user, data, conversation=conversation,
                               persons=related["persons"], members=related["members"])
    return _reload(request, conversation_id)


@router.delete("/conversations/{conversation_id}", response={204: None}, tags=["conversations"])
def delete_conversation(request: WorkspaceRequest, conversation_id: int):
    services.delete_conversation(get_scoped(Conversation, request.workspace, pk=conversation_id))
    return 204, None


class HighlightFilter(InputSchema):
    q: str = ""
    kind: HighlightKind | None = None
    conversation_id: int | None = None
    account_id: int | None = None


@router.get("/highlights", response=list[HighlightOut], tags=["highlights"])
@paginate(Page)
def list_highlights(request: WorkspaceRequest, filters: Query[HighlightFilter]):
    params = filters.model_dump()
    return selectors.highlight_list(request.workspace, query=params.pop("q"), **params)


@router.get("/highlights/{highlight_id}", response=HighlightOut, tags=["highlights"])
def read_highlight(request: WorkspaceRequest, highlight_id: int):
    return get_scoped(selectors.highlight_list(request.workspace), request.workspace, pk=highlight_id)


@router.post("/conversations/{conversation_id}/highlights", response={201: HighlightOut}, tags=["highlights"])
def create_highlight(request: WorkspaceRequest, conversation_id: int, payload: HighlightIn):
    conversation = get_scoped(Conversation, request.workspace, pk=conversation_id)
    values = resolve_refs(request.workspace, payload.model_dump(), HIGHLIGHT_REFS)
    highlight = services.add_highlight(conversation, request.user, **values)
    return 201, get_scoped(selectors.highlight_list(request.workspace), request.workspace, pk=highlight.pk)


@router.patch("/highlights/{highlight_id}", response=HighlightOut, tags=["highlights"])
def update_highlight(request: WorkspaceRequest, highlight_id: int, payload: HighlightPatch):
    highlight = get_scoped(Highlight.objects.select_related("conversation"), request.workspace, pk=highlight_id)
    values = resolve_refs(request.workspace, payload.model_dump(exclude_unset=True), HIGHLIGHT_REFS)
    try:
        values = nulls_in_model_terms(Highlight, values)
    except ValidationError as exc:
        raise in_payload_terms(exc, HIGHLIGHT_REFS) from exc
    services.update_highlight(highlight, **values)
    return get_scoped(selectors.highlight_list(request.workspace), request.workspace, pk=highlight_id)


@router.delete("/highlights/{highlight_id}", response={204: None}, tags=["highlights"])
def delete_highlight(request: WorkspaceRequest, highlight_id: int):
    services.delete_highlight(get_scoped(Highlight.objects.select_related("conversation"), request.workspace,
                                         pk=highlight_id))
    return 204, None
