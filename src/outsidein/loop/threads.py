"""Writes of suggestion threads: raising (joining a near-duplicate), editing, moving the status, splitting."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.conversations.models import Highlight, HighlightKind
from outsidein.core.scoping import assert_same_workspace
from outsidein.customers.models import Account, Person
from outsidein.feedback.models import FeedbackItem
from outsidein.loop import joining, telling
from outsidein.loop.models import (
    Idea,
    Message,
    RaisedVia,
    Raiser,
    StatusChange,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from outsidein.workspaces.models import Membership, User, Workspace

TITLE_LENGTH = Suggestion._meta.get_field("title").max_length or 200

# The kind of suggestion a highlight of each kind becomes (others raise a plain suggestion).
KIND_OF_HIGHLIGHT: dict[str, str] = {
    HighlightKind.IDEA: SuggestionKind.IDEA, HighlightKind.PAIN: SuggestionKind.CONCERN,
    HighlightKind.SUGGESTION: SuggestionKind.SUGGESTION,
}


class Raised(NamedTuple):
    suggestion: Suggestion
    raiser: Raiser
    joined: bool  # the raiser joined an existing thread


def title_from(words: str) -> str:
    """A first title from someone's words: the first sentence, cut at a word if long."""
    text = " ".join(words.split())
    for stop in (". ", "? ", "! ", "\n"):
        head, sep, _ = text.partition(stop)
        if sep and len(head) >= 12:
            text = head + ("?" if stop == "? " else "")
            break
    if len(text) > TITLE_LENGTH:
        text = text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return text


def _check_owner(workspace: Workspace, owner: User | None) -> None:
    if owner is not None and not Membership.objects.filter(workspace=workspace, user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this workspace."})


def raise_suggestion(
    workspace: Workspace, user: User | None, *, words: str, via: str, person: Person | None = None,
    account: Account | None = None, said_at: datetime | None = None, first_hand: bool = True, title: str = "",
    kind: str = SuggestionKind.SUGGESTION, owner: User | None = None, highlight: Highlight | None = None,
    feedback_item: FeedbackItem | None = None, idea: Idea | None = None, join: bool = True,
    into: Suggestion | None = None,
) -> Raised:
    """Record that a customer raised something: on ``into``, on the open suggestion it repeats (``join``), or as a
    new suggestion (status heard, owned by ``owner`` or the one who raised it)."""
    words = words.strip()
    if not words:
        raise ValidationError({"words": "Say what the customer said, in their words."})
    if via not in RaisedVia.values:
        raise ValidationError({"via": f"Unknown source {via!r}."})
    assert_same_workspace(workspace, person, account, highlight, feedback_item, idea, into)
    if account is None and person is not None:
        account = person.account
    with transaction.atomic():
        suggestion = into
        if suggestion is None and join:
            suggestion = joining.best_match(workspace, f"{title}\n{words}")
        joined = suggestion is not None
        if suggestion is None:
            owner = owner or user
            _check_owner(workspace, owner)
            suggestion = Suggestion.objects.create(
                workspace=workspace, title=(title.strip() or title_from(words))[:TITLE_LENGTH], kind=kind,
                owner=owner, created_by=user)
            StatusChange.objects.create(workspace=workspace, suggestion=suggestion, to_status=SuggestionStatus.HEARD,
                                        changed_by=user)
        existing = _same_source(suggestion, highlight, feedback_item)
        if existing is not None:
            return Raised(suggestion, existing, joined)
        raiser = Raiser.objects.create(
            workspace=workspace, suggestion=suggestion, person=person, account=account, words=words,
            said_at=said_at or timezone.now(), via=via, first_hand=first_hand, highlight=highlight,
            feedback_item=feedback_item, idea=idea, added_by=user)
    return Raised(suggestion, raiser, joined)


def _same_source(suggestion: Suggestion, highlight: Highlight | None,
                 feedback_item: FeedbackItem | None) -> Raiser | None:
    if highlight is not None:
        return suggestion.raisers.filter(highlight=highlight).first()
    if feedback_item is not None:
        return suggestion.raisers.filter(feedback_item=feedback_item).first()
    return None


def raise_from_highlight(highlight: Highlight, user: User | None, **options: Any) -> Raised:
    """A highlight raised as a suggestion: its words, person, date; first-hand when its conversation was."""
    conversation = highlight.conversation
    first_hand = bool(user is not None and conversation.members.filter(pk=user.pk).exists()) \
        if "first_hand" not in options else options.pop("first_hand")
    options.setdefault("kind", KIND_OF_HIGHLIGHT.get(highlight.kind, SuggestionKind.SUGGESTION))
    return raise_suggestion(
        highlight.workspace, user, words=options.pop("words", None) or highlight.text, via=RaisedVia.HIGHLIGHT,
        person=highlight.person, account=conversation.account if highlight.person is None else None,
        said_at=conversation.occurred_at, first_hand=first_hand, highlight=highlight, **options)


def raise_from_feedback(item: FeedbackItem, user: User | None, **options: Any) -> Raised:
    """A feedback item raised as a suggestion: relayed (it came in writing), attributed to its person or account."""
    options.setdefault("first_hand", False)
    return raise_suggestion(
        item.workspace, user, words=options.pop("words", None) or item.text, via=RaisedVia.FEEDBACK,
        person=item.person, account=item.account, said_at=item.received_at, feedback_item=item, **options)


def save_suggestion(workspace: Workspace, user: User | None, data: dict[str, Any],
                    suggestion: Suggestion) -> Suggestion:
    """Edit a suggestion's title, kind, owner, outcome, next step and links."""
    _check_owner(workspace, data.get("owner"))
    assert_same_workspace(workspace, data.get("assumption"), data.get("initiative"), data.get("pilot"))
    for field in ("title", "kind", "owner", "outcome", "next_step", "assumption", "initiative", "pilot"):
        if field in data:
            setattr(suggestion, field, data[field])
    if suggestion.pilot_id and suggestion.initiative_id is None:
        suggestion.initiative_id = suggestion.pilot.initiative_id  # type: ignore[union-attr]  # pilot is set
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def change_status(suggestion: Suggestion, user: User | None, status: str, *, outcome: str | None = None,
                  next_step: str | None = None, note: str = "") -> StatusChange:
    """Move a suggestion to ``status``, keep the move in its history and draft a message to every raiser."""
    if status not in SuggestionStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status == suggestion.status:
        raise ValidationError({"status": f"The suggestion is already “{suggestion.get_status_display()}”."})
    if outcome is not None:
        suggestion.outcome = outcome.strip()
    if next_step is not None:
        suggestion.next_step = next_step.strip()
    if status == SuggestionStatus.NOT_DOING and not suggestion.outcome:
        raise ValidationError({"outcome": "Say why not: the customers who raised it deserve the reason too."})
    if status == SuggestionStatus.PILOTING and suggestion.pilot_id is None and suggestion.initiative_id is None:
        raise ValidationError({"status": "Link the initiative or pilot that tries it out first (Edit)."})
    with transaction.atomic():
        change = StatusChange.objects.create(
            workspace=suggestion.workspace, suggestion=suggestion, from_status=suggestion.status, to_status=status,
            note=note.strip(), changed_by=user)
        suggestion.status = status
        suggestion.status_changed_at = change.changed_at
        suggestion.save(update_fields=["status", "status_changed_at", "outcome", "next_step"])
        telling.draft_status_messages(change, user)
    return change


def split_raiser(raiser: Raiser, user: User | None) -> Suggestion:
    """Undo a wrong join: the raiser leaves its thread for a new suggestion of its own."""
    old = raiser.suggestion
    if old.raisers.count() < 2:
        raise ValidationError("This is the only raiser of the suggestion: there is nothing to split from.")
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            workspace=raiser.workspace, title=title_from(raiser.words), kind=old.kind, owner=old.owner,
            created_by=user)
        StatusChange.objects.create(workspace=raiser.workspace, suggestion=suggestion,
                                    to_status=SuggestionStatus.HEARD, changed_by=user,
                                    note=f"Split from “{old.title}”.")
        raiser.suggestion = suggestion
        raiser.save(update_fields=["suggestion"])
        # Drafts not yet sent to this person about the old thread no longer fit what they said.
        Message.objects.filter(suggestion=old, person=raiser.person, status="draft").delete()
    return suggestion


def delete_raiser(raiser: Raiser) -> None:
    raiser.delete()


def delete_suggestion(suggestion: Suggestion) -> None:
    suggestion.delete()
