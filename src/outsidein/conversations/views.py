from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations import forms, selectors, services
from outsidein.conversations.models import Conversation, Highlight, HighlightKind
from outsidein.conversations.quick_log import quick_log as log_entry
from outsidein.conversations.signals import conversation_viewed
from outsidein.core.crud import delete_page, form_page
from outsidein.core.pagination import CappedPaginator
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped
from outsidein.workspaces.http import WorkspaceRequest


@login_required
@replica_reads
def conversation_list(request: WorkspaceRequest):
    filters = forms.ConversationFilterForm(request.GET or None, workspace=request.workspace)
    conversations = selectors.conversation_list(request.workspace, **filters.selector_kwargs())
    page = CappedPaginator(conversations, 25).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "conversation-results":
        return render(request, "conversations/_results.html", context)
    return render(request, "conversations/list.html", context)


@login_required
def quick_log(request: WorkspaceRequest):
    form = forms.QuickLogForm(request.POST or None, workspace=request.workspace)
    outcome = {"new": True}

    def save(d: dict) -> Conversation:
        conversation, outcome["new"] = log_entry(request.workspace, request.user, d,
                                                 client_id=d.get("client_id", ""))
        return conversation

    def message(conversation: Conversation) -> str:
        if not outcome["new"]:
            return "Already logged: this entry had been sent before, so nothing was added."
        return "Conversation logged. Thank you for getting out of the building."

    return form_page(request, form, save, "conversations/quick_log.html",
                     lambda: {"to_log": selectors.meetings_to_log(request.workspace, request.user)}, message=message)


def _conversation_form(request: WorkspaceRequest, conversation=None):
    form = forms.ConversationForm(request.POST or None, instance=conversation, workspace=request.workspace)

    def save(d: dict) -> Conversation:
        return services.save_conversation(
            request.workspace, request.user, {name: d[name] for name in form.Meta.fields}, conversation=conversation,
            persons=list(d["persons"]), members=list(d["members"]) or [request.user],
        )

    return form_page(request, form, save, "conversations/form.html", {"object": conversation},
                     message="Conversation saved.")


@login_required
def conversation_create(request: WorkspaceRequest):
    return _conversation_form(request)


@login_required
def conversation_edit(request: WorkspaceRequest, conversation_id: int):
    return _conversation_form(request, selectors.conversation_detail(request.workspace, conversation_id))


@login_required
def conversation_detail(request: WorkspaceRequest, conversation_id: int):
    conversation = selectors.conversation_detail(request.workspace, conversation_id)
    conversation_viewed.send(sender=Conversation, conversation=conversation, user=request.user)
    return render(request, "conversations/detail.html", {
        "object": conversation,
        "highlights": selectors.highlight_list(request.workspace, conversation_id=conversation.pk),
        "highlight_form": forms.HighlightForm(workspace=request.workspace),
        "first_hand": selectors.is_first_hand(conversation, request.user),
    })


@login_required
def conversation_delete(request: WorkspaceRequest, conversation_id: int):
    conversation = selectors.conversation_detail(request.workspace, conversation_id)
    return delete_page(request, conversation, services.delete_conversation,
                       reverse("conversation-list", kwargs={"ws": request.workspace.slug}), "Conversation deleted.")


@login_required
@require_POST
def highlight_create(request: WorkspaceRequest, conversation_id: int):
    conversation = selectors.conversation_detail(request.workspace, conversation_id)

    def save(d: dict) -> Highlight:
        return services.add_highlight(conversation, request.user, kind=d["kind"], text=d["text"],
                                      person=d.get("person"), competitor=d.get("competitor"), tags=d["tags"])

    def page(form: forms.HighlightForm, status: int) -> HttpResponse:
        context = {"object": conversation, "highlight_form": form,
                   "highlights": selectors.highlight_list(request.workspace, conversation_id=conversation.pk)}
        if request.headers.get("HX-Request"):
            return render(request, "conversations/_highlights.html", context, status=status)
        return render(request, "conversations/detail.html", {**context, "first_hand": False}, status=status)

    return form_page(request, forms.HighlightForm(request.POST, workspace=request.workspace), save,
                     success_url=conversation.get_absolute_url(), page=page,
                     empty_form=lambda: forms.HighlightForm(workspace=request.workspace))


@login_required
def highlight_delete(request: WorkspaceRequest, highlight_id: int):
    highlight = get_scoped(Highlight.objects.select_related("conversation"), request.workspace, pk=highlight_id)
    return delete_page(request, highlight, services.delete_highlight, highlight.conversation.get_absolute_url(),
                       "Highlight deleted.")


@login_required
def highlight_list(request: WorkspaceRequest):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind") or None
    page = CappedPaginator(selectors.highlight_list(request.workspace, kind=kind, query=query), 50).get_page(
        request.GET.get("page"))
    return render(request, "conversations/highlights.html",
                  {"page": page, "query": query, "kind": kind, "kinds": HighlightKind.choices})
