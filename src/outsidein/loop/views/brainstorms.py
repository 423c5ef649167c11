"""Brainstorm boards, the team's side: the list of brainstorms, a board, and the posts that change it.

Voting and grouping answer an htmx post with the board alone (``loop/_board.html``), and a plain post with a
redirect to the board, so the page works without JavaScript too.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations.models import Conversation
from outsidein.core.crud import delete_page, form_page
from outsidein.customers.models import Person
from outsidein.loop import brainstorms
from outsidein.loop.models import Idea
from outsidein.workspaces.http import WorkspaceRequest


class IdeaForm(forms.Form):
    text = forms.CharField(label="The idea", max_length=Idea._meta.get_field("text").max_length,
                           widget=forms.Textarea(attrs={"rows": 2}))
    group = forms.CharField(max_length=brainstorms.GROUP_LENGTH, required=False,
                            help_text="Cards with the same group sit together.")

    def __init__(self, *args: Any, persons: list[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if persons:
            self.fields["person"] = forms.TypedChoiceField(
                label="Whose idea", required=False, coerce=int, empty_value=None,
                choices=[("", "Mine (a member's)"), *((p.pk, p.name) for p in persons)],
                help_text="Type a customer's idea for them: it is theirs, and becomes theirs if it is raised.")
        self.persons = {p.pk: p for p in persons or []}


def board_url(conversation: Conversation) -> str:
    return reverse("brainstorm-board", kwargs={"ws": conversation.workspace.slug, "conversation_id": conversation.pk})


def board_context(request: WorkspaceRequest, conversation: Conversation, **extra: Any) -> dict[str, Any]:
    """What ``loop/_board.html`` reads: the board as the member sees it, with who voted for what."""
    return {"board": brainstorms.read_board(conversation, member=request.user, with_voters=True),
            "conversation": conversation, "dots": brainstorms.DOTS, **extra}


def answer_post(request: WorkspaceRequest, card: Idea, *, done: str = "", refused: str = "") -> HttpResponse:
    """An htmx post gets the board alone with the outcome on it; a plain post goes back to the board."""
    if request.headers.get("HX-Request"):
        # 200 even when refused: htmx swaps only successful answers, and the refusal is the content.
        return render(request, "loop/_board.html",
                      board_context(request, card.conversation, notice=done, refusal=refused))
    if refused:
        messages.error(request, refused)
    elif done:
        messages.success(request, done)
    return redirect(board_url(card.conversation))


@login_required
def brainstorm_list(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "loop/brainstorm_list.html", {"brainstorms": brainstorms.brainstorms(request.workspace),
                                                          "dots": brainstorms.DOTS})


def _board_page(request: WorkspaceRequest, conversation: Conversation, form: IdeaForm, status: int) -> HttpResponse:
    return render(request, "loop/brainstorm_board.html",
                  {**board_context(request, conversation), "form": form}, status=status)


def _idea_form(request: WorkspaceRequest, conversation: Conversation) -> IdeaForm:
    return IdeaForm(request.POST if request.method == "POST" else None,
                    persons=list(brainstorms.persons_present(conversation)))


@login_required
def brainstorm_board(request: WorkspaceRequest, conversation_id: int) -> HttpResponse:
    conversation = brainstorms.board(request.workspace, conversation_id)
    return _board_page(request, conversation, _idea_form(request, conversation), 200)


@login_required
@require_POST
def idea_add(request: WorkspaceRequest, conversation_id: int) -> HttpResponse:
    conversation = brainstorms.board(request.workspace, conversation_id)
    form = _idea_form(request, conversation)

    def save(data: dict[str, Any]) -> Idea:
        person = form.persons.get(data["person"]) if data.get("person") else None
        if data.get("person") and person is None:
            raise ValidationError({"person": "Only a customer who takes part in this brainstorm."})
        return brainstorms.add_idea(conversation, data["text"], group=data["group"], member=request.user,
                                    person=person)

    return form_page(request, form, save, success_url=board_url(conversation), message="Idea added to the board.",
                     page=lambda f, status: _board_page(request, conversation, f, status))


@login_required
@require_POST
def idea_vote(request: WorkspaceRequest, idea_id: int) -> HttpResponse:
    card = brainstorms.idea(request.workspace, idea_id)
    try:
        placed = brainstorms.toggle_dot(card, member=request.user)
    except ValidationError as exc:
        return answer_post(request, card, refused=" ".join(exc.messages))
    return answer_post(request, card, done="Dot placed." if placed else "Dot taken back.")


@login_required
@require_POST
def idea_group(request: WorkspaceRequest, idea_id: int) -> HttpResponse:
    card = brainstorms.idea(request.workspace, idea_id)
    try:
        brainstorms.set_group(card, request.POST.get("group", ""))
    except ValidationError as exc:
        return answer_post(request, card, refused=" ".join(exc.messages))
    return answer_post(request, card, done=f"Moved to “{card.group}”." if card.group else "Taken out of its group.")


@login_required
@require_POST
def idea_convert(request: WorkspaceRequest, idea_id: int) -> HttpResponse:
    card = brainstorms.idea(request.workspace, idea_id)
    into = request.POST.get("into", "")
    try:
        made = brainstorms.convert(card, request.user, into)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(board_url(card.conversation))
    messages.success(request, f"The idea became the {into} “{made}”.")
    return redirect(board_url(card.conversation))


@login_required
def idea_delete(request: WorkspaceRequest, idea_id: int) -> HttpResponse:
    card = brainstorms.idea(request.workspace, idea_id)
    return delete_page(request, card, brainstorms.delete_idea, board_url(card.conversation),
                       "Took the idea off the board.", verbose_name="idea")
