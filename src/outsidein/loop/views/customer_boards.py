"""A brainstorm board as a customer sees it through their private link: the ideas, their own dots, a new idea.

The link's secret is the key (no login); a board the link's person is not invited to, like a wrong, revoked or
expired link, does not exist (404). Posts carry the CSRF token like every form of the product and are counted per
link and per client address: past the limit they are refused (429) before anything is saved.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from outsidein.conversations.models import Conversation
from outsidein.loop import brainstorms, links
from outsidein.loop.models import CustomerLink
from outsidein.loop.views.brainstorms import IdeaForm
from outsidein.workspaces import throttle

HOUR = timedelta(hours=1)
# Dots move back and forth while a person makes up their mind, so the board allows more posts than the page does.
PER_LINK = throttle.Rule("customer-board-link", 60, HOUR,
                         "You have changed the board a lot in a short time; please try again in {minutes}.")
PER_ADDRESS = throttle.Rule("customer-board-address", 150, HOUR,
                            "The board was changed from here a lot in a short time; please try again in {minutes}.")


def _page(request: HttpRequest, link: CustomerLink, conversation: Conversation, secret: str, form: IdeaForm,
          status: int = 200) -> HttpResponse:
    return render(request, "loop/customer_board.html", {
        "workspace": link.workspace, "person": link.person, "conversation": conversation, "secret": secret,
        "board": brainstorms.read_board(conversation, person=link.person), "dots": brainstorms.DOTS, "form": form,
    }, status=status)


def _vote(request: HttpRequest, link: CustomerLink, conversation: Conversation) -> None:
    idea_id = request.POST.get("idea", "")
    if not idea_id.isdigit():
        raise Http404("No such idea on this board.")
    card = brainstorms.idea_on_board(conversation, int(idea_id))
    try:
        placed = brainstorms.toggle_dot(card, person=link.person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Dot placed." if placed else "Dot taken back.")


@require_http_methods(["GET", "HEAD", "POST"])
def customer_board(request: HttpRequest, secret: str, conversation_id: int) -> HttpResponse:
    link = links.link_for_secret(secret)
    if link is None:
        raise Http404("This link does not work.")
    conversation = brainstorms.board_for_person(link.person, conversation_id)
    if request.method != "POST":
        return _page(request, link, conversation, secret, IdeaForm())
    counters = [throttle.counter(PER_LINK, str(link.pk)),
                throttle.counter(PER_ADDRESS, throttle.client_address(request))]
    if (block := throttle.current_block(request, counters)) is not None:
        return render(request, "loop/customer_throttled.html",
                      {"workspace": link.workspace, "message": block.message, "secret": secret}, status=429)
    throttle.record_failure(counters)  # every post counts, taken or not
    links.mark_used(link)
    if request.POST.get("action") == "vote":
        _vote(request, link, conversation)
        return redirect(f"{request.path}#board")
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            brainstorms.add_idea(conversation, form.cleaned_data["text"], person=link.person)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your idea is on the board.")
            return redirect(f"{request.path}#board")
    return _page(request, link, conversation, secret, form, status=422)
