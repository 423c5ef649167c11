"""API for suggestion threads: suggestions, their raisers, status changes and history."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.conversations.models import Highlight
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Person
from outsidein.feedback.models import FeedbackItem
from outsidein.initiatives.models import Initiative, Pilot
from outsidein.learning.models import Assumption
from outsidein.loop import selectors, threads
from outsidein.loop.models import RaisedVia, Raiser, StatusChange, Suggestion, SuggestionKind, SuggestionStatus
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User

router = Router(tags=["suggestions"])
SUGGESTION_REFS: dict[str, type[Any]] = {"owner_id": User, "assumption_id": Assumption, "initiative_id": Initiative,
                                         "pilot_id": Pilot}
RAISE_REFS: dict[str, type[Any]] = {"person_id": Person, "owner_id": User}
SUGGESTION_FIELDS = ["title", "kind", "owner_id", "outcome", "next_step", "assumption_id", "initiative_id", "pilot_id"]


class SuggestionOut(ModelOutput, model=Suggestion, fields=[
        "id", *SUGGESTION_FIELDS, "status", "status_changed_at", "created_by_id", "created_at", "people", "accounts",
        "revenue"]):
    people: int  # distinct persons who raised it
    accounts: int  # distinct accounts among them
    revenue: float | None  # their accounts' annual revenue, each account once


class SuggestionPatch(ModelInput, model=Suggestion, fields=SUGGESTION_FIELDS, optional=True,
                      bounds={"outcome": {"max_length": 5000}, "next_step": {"max_length": 5000}}):
    pass


# Written out: raising is not a row of one model, it is a raiser and maybe a new suggestion.
class RaiseIn(InputSchema):
    words: str = Field(min_length=1, max_length=5000, description="What the customer said, in their words.")
    person_id: int | None = None
    said_at: datetime | None = Field(None, description="When they said it; default now.")
    first_hand: bool = True
    title: str = Field("", max_length=200, description="Used when a new suggestion is made; default: from the words.")
    kind: SuggestionKind = SuggestionKind.SUGGESTION
    owner_id: int | None = Field(None, description="Of a new suggestion; default: the token's user.")
    join: bool = Field(True, description="Join the open suggestion it repeats, if there is one.")


class RaiseFromIn(InputSchema):
    join: bool = True
    title: str = Field("", max_length=200)


class RaisedOut(InputSchema):
    suggestion: SuggestionOut
    raiser_id: int
    joined: bool


class RaiserOut(ModelOutput, model=Raiser, fields=[
        "id", "suggestion_id", "person_id", "account_id", "words", "said_at", "via", "first_hand", "highlight_id",
        "feedback_item_id", "idea_id", "added_by_id", "added_at", "told"]):
    told: bool  # a message about it has been sent to the person since they raised it


class RaiserIn(InputSchema):
    words: str = Field(min_length=1, max_length=5000)
    person_id: int
    said_at: datetime | None = None
    first_hand: bool = True


class SuggestionStatusIn(InputSchema):
    status: SuggestionStatus
    outcome: str | None = Field(None, max_length=5000, description="What happened; required for not_doing.")
    next_step: str | None = Field(None, max_length=5000)
    note: str = Field("", max_length=2000, description="For the team; not sent to customers.")


class StatusChangeOut(ModelOutput, model=StatusChange, fields=[
        "id", "suggestion_id", "from_status", "to_status", "note", "changed_by_id", "changed_at", "drafted"]):
    drafted: int  # messages drafted to the raisers


class SuggestionFilter(InputSchema):
    status: SuggestionStatus | None = None
    kind: SuggestionKind | None = None
    owner_id: int | None = None
    q: str = Field("", max_length=200)


def _call(refs: dict[str, type[Any]], func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise in_payload_terms(exc, refs) from exc


def _suggestion(request: WorkspaceRequest, suggestion_id: int) -> Suggestion:
    return get_scoped(selectors.suggestion_list(request.workspace), request.workspace, pk=suggestion_id)


def _raised(request: WorkspaceRequest, raised: threads.Raised) -> dict[str, Any]:
    return {"suggestion": _suggestion(request, raised.suggestion.pk), "raiser_id": raised.raiser.pk,
            "joined": raised.joined}


@router.get("/suggestions", response=list[SuggestionOut], summary="Suggestions with their reach, newest first")
@paginate(Page)
def list_suggestions(request: WorkspaceRequest, filters: Query[SuggestionFilter]) -> Any:
    params = filters.model_dump()
    return selectors.suggestion_list(request.workspace, query=params.pop("q"), **params)


@router.get("/suggestions/{suggestion_id}", response=SuggestionOut)
def read_suggestion(request: WorkspaceRequest, suggestion_id: int) -> Suggestion:
    return _suggestion(request, suggestion_id)


@router.post("/suggestions", response={201: RaisedOut},
             summary="Raise a suggestion: joins the open one it repeats (join) or starts one")
def raise_suggestion(request: WorkspaceRequest, payload: RaiseIn) -> tuple[int, dict[str, Any]]:
    data = resolve_refs(request.workspace, payload.model_dump(), RAISE_REFS)
    raised = _call(RAISE_REFS, threads.raise_suggestion, request.workspace, request.user, via=RaisedVia.TYPED, **data)
    return 201, _raised(request, raised)


@router.post("/highlights/{highlight_id}/suggestion", response={201: RaisedOut}, tags=["suggestions"],
             summary="Raise a highlight as a suggestion (again: the same raiser)")
def raise_highlight(request: WorkspaceRequest, highlight_id: int, payload: RaiseFromIn) -> tuple[int, Any]:
    highlight = get_scoped(Highlight.objects.select_related("conversation", "person"), request.workspace,
                           pk=highlight_id)
    raised = _call({}, threads.raise_from_highlight, highlight, request.user, **payload.model_dump())
    return 201, _raised(request, raised)


@router.post("/feedback/{item_id}/suggestion", response={201: RaisedOut},
             summary="Raise a feedback item as a suggestion (relayed)")
def raise_feedback(request: WorkspaceRequest, item_id: int, payload: RaiseFromIn) -> tuple[int, Any]:
    item = get_scoped(FeedbackItem.objects.select_related("person", "account"), request.workspace, pk=item_id)
    raised = _call({}, threads.raise_from_feedback, item, request.user, **payload.model_dump())
    return 201, _raised(request, raised)


@router.patch("/suggestions/{suggestion_id}", response=SuggestionOut, summary="Change a suggestion (fields sent)")
def update_suggestion(request: WorkspaceRequest, suggestion_id: int, payload: SuggestionPatch) -> Suggestion:
    suggestion = _suggestion(request, suggestion_id)
    data = resolve_refs(request.workspace, payload.model_dump(exclude_unset=True), SUGGESTION_REFS)
    data = _call(SUGGESTION_REFS, nulls_in_model_terms, Suggestion, data)
    _call(SUGGESTION_REFS, threads.save_suggestion, request.workspace, request.user, data, suggestion)
    return _suggestion(request, suggestion_id)


@router.delete("/suggestions/{suggestion_id}", response={204: None})
def delete_suggestion(request: WorkspaceRequest, suggestion_id: int) -> tuple[int, None]:
    threads.delete_suggestion(_suggestion(request, suggestion_id))
    return 204, None


@router.post("/suggestions/{suggestion_id}/status", response=StatusChangeOut,
             summary="Move the status; a message to each raiser with an e-mail address is drafted")
def change_status(request: WorkspaceRequest, suggestion_id: int, payload: SuggestionStatusIn) -> StatusChange:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    data = payload.model_dump()
    change = _call({}, threads.change_status, suggestion, request.user, data.pop("status"), **data)
    return selectors.history_of(suggestion).get(pk=change.pk)


@router.get("/suggestions/{suggestion_id}/history", response=list[StatusChangeOut])
def history(request: WorkspaceRequest, suggestion_id: int) -> Any:
    return selectors.history_of(selectors.suggestion_detail(request.workspace, suggestion_id))[:500]


@router.get("/suggestions/{suggestion_id}/raisers", response=list[RaiserOut])
def list_raisers(request: WorkspaceRequest, suggestion_id: int) -> Any:
    return selectors.raisers_of(selectors.suggestion_detail(request.workspace, suggestion_id))[:1000]


@router.post("/suggestions/{suggestion_id}/raisers", response={201: RaiserOut},
             summary="Someone else raised it too")
def add_raiser(request: WorkspaceRequest, suggestion_id: int, payload: RaiserIn) -> tuple[int, Raiser]:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    data = resolve_refs(request.workspace, payload.model_dump(), RAISE_REFS)
    raised = _call(RAISE_REFS, threads.raise_suggestion, request.workspace, request.user, via=RaisedVia.TYPED,
                   into=suggestion, **data)
    return 201, selectors.raisers_of(suggestion).get(pk=raised.raiser.pk)


@router.post("/raisers/{raiser_id}/split", response=SuggestionOut, summary="Undo a wrong join")
def split_raiser(request: WorkspaceRequest, raiser_id: int) -> Suggestion:
    raiser = get_scoped(Raiser.objects.select_related("suggestion"), request.workspace, pk=raiser_id)
    return _suggestion(request, _call({}, threads.split_raiser, raiser, request.user).pk)


@router.delete("/raisers/{raiser_id}", response={204: None})
def delete_raiser(request: WorkspaceRequest, raiser_id: int) -> tuple[int, None]:
    threads.delete_raiser(get_scoped(Raiser, request.workspace, pk=raiser_id))
    return 204, None
