"""The messages pages: the log, a message (edited while a draft), sending, thank-yous and a pilot's customers."""

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from outsidein.core.crud import form_page
from outsidein.core.pagination import CappedPaginator
from outsidein.core.scoping import get_scoped
from outsidein.initiatives.models import Pilot
from outsidein.loop import message_selectors, telling
from outsidein.loop.message_forms import MessageFilterForm, MessageForm, ThanksForm
from outsidein.loop.models import Message, MessageStatus, Suggestion
from outsidein.workspaces.http import WorkspaceRequest

PER_PAGE = 50


def _back(request: WorkspaceRequest, default: str) -> HttpResponse:
    """Back to the page the button was on (``next``, when it is one of ours), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _outcome(message: Message) -> str:
    if message.status == MessageStatus.SENT:
        return f"Sent to {message.person} ({message.email})."
    if message.status == MessageStatus.OPTED_OUT:
        return f"Not sent: {message.person} asked to hear nothing more."
    if message.status == MessageStatus.FAILED:
        return f"Not sent to {message.person}: {message.error}"
    return f"{message.person}: {message.get_status_display().lower()}."


def _tell(request: WorkspaceRequest, sent: list[Message]) -> None:
    """One line for what went, one per message that did not."""
    went = [m for m in sent if m.status == MessageStatus.SENT]
    if went:
        flash.success(request, f"Sent {len(went)} message{'s' if len(went) != 1 else ''}.")
    for message in sent:
        if message.status != MessageStatus.SENT:
            flash.warning(request, _outcome(message))
    if not sent:
        flash.info(request, "There was nothing left to send.")


@login_required
def message_list(request: WorkspaceRequest) -> HttpResponse:
    filters = MessageFilterForm(request.GET or None, workspace=request.workspace)
    log = message_selectors.message_log(request.workspace, **filters.selector_kwargs())
    page = CappedPaginator(log, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "loop/message_list.html", {"filters": filters, "page": page})


@login_required
def message_detail(request: WorkspaceRequest, message_id: int) -> HttpResponse:
    message = get_scoped(message_selectors.message_log(request.workspace), request.workspace, pk=message_id)
    editable = message.status in telling.SENDABLE

    def page(form: MessageForm | None, status: int) -> HttpResponse:
        return render(request, "loop/message_detail.html", {
            "message": message, "form": form, "footer": telling.footer(message)}, status=status)

    if not editable:
        if request.method == "POST":
            flash.error(request, "This message has gone out (or is going): it keeps what it said.")
            return redirect(message.get_absolute_url())
        return page(None, 200)

    form = MessageForm(request.POST or None, instance=message)
    and_send = bool(request.POST.get("send"))

    def save(cleaned: dict[str, Any]) -> Message:
        saved = telling.update_draft(message, subject=cleaned["subject"], body=cleaned["body"])
        if and_send:
            saved = telling.send_message(saved, request.user)
            _tell(request, [saved])  # sent, or why not, at the level it deserves
        return saved

    return form_page(request, form, save, page=page, message=None if and_send else "Draft saved.")


@login_required
@require_POST
def message_send(request: WorkspaceRequest, message_id: int) -> HttpResponse:
    message = get_scoped(Message.objects.select_related("person"), request.workspace, pk=message_id)
    if message.status not in telling.SENDABLE:
        flash.info(request, _outcome(message) if message.status != MessageStatus.SENT
                   else f"Already sent to {message.person}: it is not sent twice.")
    else:
        try:
            _tell(request, [telling.send_message(message, request.user)])
        except Message.DoesNotExist:
            flash.info(request, "That message was deleted a moment ago (with its person); nothing was sent.")
            return redirect("message-list", ws=request.workspace.slug)
    return _back(request, message.get_absolute_url())


@login_required
@require_POST
def suggestion_send(request: WorkspaceRequest, suggestion_id: int) -> HttpResponse:
    suggestion = get_scoped(Suggestion, request.workspace, pk=suggestion_id)
    drafts = message_selectors.message_log(request.workspace, suggestion_id=suggestion.pk).filter(
        status=MessageStatus.DRAFT)
    _tell(request, telling.send_drafts(list(drafts), request.user))
    return _back(request, suggestion.get_absolute_url())


@login_required
def thanks_new(request: WorkspaceRequest) -> HttpResponse:
    after = request.GET.get("conversation", "")
    form = ThanksForm(request.POST or None, workspace=request.workspace,
                      initial={"conversation": int(after)} if after.isdigit() and len(after) < 19 else None)
    here = reverse("thanks-new", kwargs={"ws": request.workspace.slug})

    def save(cleaned: dict[str, Any]) -> list[Message]:
        return telling.draft_thanks_after(request.workspace, request.user, conversation=cleaned["conversation"],
                                          person=cleaned["person"], body=cleaned["body"])

    def context() -> dict[str, Any]:
        drafts = message_selectors.message_log(request.workspace, kind="thanks")
        return {"drafts": list(drafts.filter(status__in=telling.SENDABLE)[:PER_PAGE]),
                "sent": list(drafts.exclude(status__in=telling.SENDABLE)[:10])}

    def drafted(made: list[Message]) -> str:
        return (f"{len(made)} thank-you draft{'s' if len(made) != 1 else ''} ready: read, edit if you like, "
                "and send.")

    return form_page(request, form, save, "loop/thanks.html", context, success_url=here, message=drafted)


@login_required
def pilot_messages(request: WorkspaceRequest, pilot_id: int) -> HttpResponse:
    """A pilot's customers: invited at the start, told the result at the end."""
    pilot = get_scoped(Pilot.objects.select_related("initiative"), request.workspace, pk=pilot_id)
    here = reverse("loop-pilot-messages", kwargs={"ws": request.workspace.slug, "pilot_id": pilot.pk})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                made = telling.draft_pilot_invites(pilot, request.user)
                flash.success(request, f"{len(made)} invitation draft{'s' if len(made) != 1 else ''} ready.")
            elif action == "result":
                made = telling.draft_pilot_results(pilot, request.user)
                flash.success(request, f"{len(made)} result draft{'s' if len(made) != 1 else ''} ready.")
            elif action == "send":
                drafts = message_selectors.message_log(request.workspace, pilot_id=pilot.pk).filter(
                    status=MessageStatus.DRAFT)
                _tell(request, telling.send_drafts(list(drafts), request.user))
        except ValidationError as exc:
            for text in exc.messages:
                flash.error(request, text)
        return redirect(here)
    contacts = telling.pilot_contacts(pilot)
    sent = message_selectors.pilot_messages(pilot)
    invited = {m.person_id for m in sent["invites"]}
    told = {m.person_id for m in sent["results"]}
    return render(request, "loop/pilot_messages.html", {
        "pilot": pilot, "contacts": contacts, **sent,
        # The buttons say what is left: contacts added since the last drafts get theirs, nobody gets two.
        "uninvited": [p for p in contacts if p.pk not in invited],
        "untold": [p for p in contacts if p.pk not in told],
        "drafts": sum(m.status == MessageStatus.DRAFT for m in sent["invites"] + sent["results"]),
        "without_email": pilot.pilot_accounts.exclude(persons__in=contacts).order_by("name"),
    })
