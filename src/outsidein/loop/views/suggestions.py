"""Suggestion threads: the list, raising (typed in, from a highlight, from a feedback item), one thread, its status."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations.models import Highlight
from outsidein.core.crud import add_validation_errors, delete_page, form_page
from outsidein.core.pagination import CappedPaginator
from outsidein.core.scoping import get_scoped
from outsidein.feedback.models import FeedbackItem
from outsidein.loop import forms, joining, selectors, threads
from outsidein.loop.models import RaisedVia, Raiser, Suggestion, SuggestionKind, SuggestionStatus
from outsidein.workspaces.http import WorkspaceRequest


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@login_required
def suggestion_list(request: WorkspaceRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    filters: dict[str, Any] = {
        "status": status if status in SuggestionStatus.values else None, "kind": request.GET.get("kind") or None,
        "owner_id": _int(request.GET.get("owner")), "query": request.GET.get("q", "")[:200]}
    counts = selectors.status_counts(request.workspace)
    page = CappedPaginator(selectors.suggestion_list(request.workspace, **filters), 50).get_page(
        request.GET.get("page"))
    return render(request, "loop/suggestion_list.html", {
        "page": page, "filters": filters, "kinds": SuggestionKind.choices,
        "statuses": [(value, label, counts[value]) for value, label in SuggestionStatus.choices],
    })


def _joined_message(raised: threads.Raised) -> str:
    reach = selectors.reach(raised.suggestion).describe()
    if raised.joined:
        return f"Joined “{raised.suggestion.title}”, now {reach}."
    return f"Raised “{raised.suggestion.title}”."


def _raise_page(request: WorkspaceRequest, form: forms.RaiseForm, raise_it: Any, source: Any = None) -> HttpResponse:
    text = request.POST.get("words") or (getattr(source, "text", "") if source is not None else "")
    return form_page(
        request, form, lambda data: raise_it(data).suggestion, "loop/raise.html",
        # raise_it says whether it joined a thread or started one: no second message.
        lambda: {"source": source, "matches": joining.matches(request.workspace, text) if text else []})


def _options(data: dict[str, Any]) -> dict[str, Any]:
    return {"title": data.get("title") or "", "kind": data["kind"], "join": data["join"],
            "first_hand": data["first_hand"], "words": data["words"]}


@login_required
def suggestion_create(request: WorkspaceRequest) -> HttpResponse:
    form = forms.RaiseForm(request.POST or None, workspace=request.workspace)

    def raise_it(data: dict[str, Any]) -> threads.Raised:
        raised = threads.raise_suggestion(
            request.workspace, request.user, via=RaisedVia.TYPED, person=data.get("person"),
            said_at=data.get("said_at"), **_options(data))
        messages.info(request, _joined_message(raised))
        return raised

    return _raise_page(request, form, raise_it)


@login_required
def raise_from_highlight(request: WorkspaceRequest, highlight_id: int) -> HttpResponse:
    highlight = get_scoped(Highlight.objects.select_related("conversation", "person"), request.workspace,
                           pk=highlight_id)
    kind = threads.KIND_OF_HIGHLIGHT.get(highlight.kind, SuggestionKind.SUGGESTION)
    initial = {"words": highlight.text, "kind": kind,
               "first_hand": highlight.conversation.members.filter(pk=request.user.pk).exists(), "join": True}
    form = forms.RaiseForm(request.POST or None, workspace=request.workspace, with_person=False, initial=initial)
    del form.fields["said_at"]  # the conversation's date is when they said it

    def raise_it(data: dict[str, Any]) -> threads.Raised:
        raised = threads.raise_from_highlight(highlight, request.user, **_options(data))
        messages.info(request, _joined_message(raised))
        return raised

    return _raise_page(request, form, raise_it, highlight)


@login_required
def raise_from_feedback(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = get_scoped(FeedbackItem.objects.select_related("person", "account"), request.workspace, pk=item_id)
    form = forms.RaiseForm(request.POST or None, workspace=request.workspace, with_person=False,
                           initial={"words": item.text, "first_hand": False, "join": True})
    del form.fields["said_at"]  # the item's arrival is when they said it

    def raise_it(data: dict[str, Any]) -> threads.Raised:
        raised = threads.raise_from_feedback(item, request.user, **_options(data))
        messages.info(request, _joined_message(raised))
        return raised

    return _raise_page(request, form, raise_it, item)


def _detail(request: WorkspaceRequest, suggestion: Suggestion, *, status_form: forms.StatusForm | None = None,
            raiser_form: forms.AddRaiserForm | None = None, status: int = 200) -> HttpResponse:
    next_status = {SuggestionStatus.HEARD: SuggestionStatus.CONSIDERING,
                   SuggestionStatus.CONSIDERING: SuggestionStatus.PILOTING,
                   SuggestionStatus.PILOTING: SuggestionStatus.DONE}.get(SuggestionStatus(suggestion.status))
    return render(request, "loop/suggestion_detail.html", {
        "suggestion": suggestion, "reach": selectors.reach(suggestion),
        "raisers": list(selectors.raisers_of(suggestion)), "history": list(selectors.history_of(suggestion)),
        "suggestion_messages": list(selectors.messages_of(suggestion)[:200]),
        "status_form": status_form or forms.StatusForm(initial={
            "status": next_status or suggestion.status, "outcome": suggestion.outcome,
            "next_step": suggestion.next_step}),
        "raiser_form": raiser_form or forms.AddRaiserForm(workspace=request.workspace),
        "similar": joining.matches(request.workspace, suggestion.title, exclude=suggestion.pk),
    }, status=status)


@login_required
def suggestion_detail(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    return _detail(request, selectors.suggestion_detail(request.workspace, suggestion_id))


@login_required
def suggestion_edit(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    form = forms.SuggestionForm(request.POST or None, instance=suggestion, workspace=request.workspace)
    return form_page(request, form,
                     lambda data: threads.save_suggestion(request.workspace, request.user, data, suggestion),
                     "loop/form.html", {"object": suggestion, "kind": "suggestion"}, message="Saved the suggestion.")


@login_required
def suggestion_delete(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    return delete_page(request, suggestion, threads.delete_suggestion,
                       reverse("suggestion-list", kwargs={"ws": request.workspace.slug}),
                       "Deleted the suggestion; the messages already sent stay in the log.")


@login_required
@require_POST
def suggestion_status(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = threads.change_status(suggestion, request.user, data["status"], outcome=data["outcome"],
                                           next_step=data["next_step"], note=data["note"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            drafts = change.messages.count()
            messages.success(request, f"Moved to “{suggestion.get_status_display()}”. "
                             + (f"{drafts} message{'' if drafts == 1 else 's'} drafted below: read, edit and send."
                                if drafts else "No one who raised it has an e-mail address to tell."))
            return redirect(suggestion.get_absolute_url() + "#messages")
    return _detail(request, suggestion, status_form=form, status=422)


@login_required
def raiser_add(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(request.workspace, suggestion_id)
    form = forms.AddRaiserForm(request.POST or None, workspace=request.workspace)

    def save(data: dict[str, Any]) -> Suggestion:
        threads.raise_suggestion(request.workspace, request.user, words=data["words"], via=RaisedVia.TYPED,
                                 person=data["person"], said_at=data.get("said_at"),
                                 first_hand=data["first_hand"], into=suggestion)
        return suggestion

    return form_page(request, form, save, page=lambda f, status: _detail(request, suggestion, raiser_form=f,
                                                                          status=status),
                     message="Added who raised it.")


@login_required
@require_POST
def raiser_split(request: WorkspaceRequest, raiser_id: int) -> HttpResponse:
    raiser = get_scoped(Raiser.objects.select_related("suggestion"), request.workspace, pk=raiser_id)
    try:
        suggestion = threads.split_raiser(raiser, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(raiser.suggestion.get_absolute_url())
    messages.success(request, "Split into a suggestion of its own.")
    return redirect(suggestion.get_absolute_url())


@login_required
def raiser_delete(request: WorkspaceRequest, raiser_id: int) -> HttpResponse:
    raiser = get_scoped(Raiser.objects.select_related("suggestion", "person"), request.workspace, pk=raiser_id)
    return delete_page(request, raiser, threads.delete_raiser, raiser.suggestion.get_absolute_url(),
                       "Removed the raiser from the suggestion.")
