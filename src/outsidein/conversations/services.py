"""Use cases for conversations and highlights: one transaction each."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, Status, Tag
from outsidein.core.scoping import assert_same_workspace
from outsidein.workspaces.models import Workspace

CONVERSATION_FIELDS = {
    "kind", "status", "title", "occurred_at", "duration_minutes", "channel", "account", "led_by", "notes",
}


def refresh_search_text(conversation: Conversation) -> None:
    """Fold notes and highlights into the indexed search column (the FTS index follows via the database)."""
    parts = [conversation.title, conversation.notes]
    for highlight in conversation.highlights.all().prefetch_related("tags"):
        parts.append(highlight.text)
        parts.extend(t.name for t in highlight.tags.all())
    text = "\n".join(p for p in parts if p)
    if text != conversation.search_text:
        Conversation.objects.filter(pk=conversation.pk).update(search_text=text)
        conversation.search_text = text


def _status_for(occurred_at, requested: str | None) -> str:
    if requested == Status.CANCELLED:
        return Status.CANCELLED
    return Status.PLANNED if occurred_at > timezone.now() else Status.LOGGED


@transaction.atomic
def save_conversation(
    workspace: Workspace,
    actor,
    data: dict[str, Any],
    *,
    conversation: Conversation | None = None,
    persons: Sequence | None = None,
    members: Sequence | None = None,
    highlights: Iterable[dict[str, Any]] = (),
) -> Conversation:
    """Plan or log a conversation. Defaults that make a quick log quick: now, me present and leading, coffee."""
    unknown = set(data) - CONVERSATION_FIELDS
    if unknown:
        raise ValidationError({name: "Not a conversation field." for name in unknown})
    is_new = conversation is None
    conversation = conversation or Conversation(workspace=workspace, created_by=actor)
    for name, value in data.items():
        setattr(conversation, name, value)
    if is_new and conversation.led_by_id is None and "led_by" not in data:
        conversation.led_by = actor
    conversation.status = _status_for(conversation.occurred_at, data.get("status", conversation.status))
    assert_same_workspace(workspace, conversation.account, *(persons or []))
    _check_members(workspace, [*(members or []), *([conversation.led_by] if conversation.led_by else [])])
    conversation.full_clean(exclude=["search_text"])
    conversation.save()
    if members is not None:
        conversation.members.set(members)
    elif is_new:
        conversation.members.set([actor])
    if persons is not None:
        conversation.persons.set(persons)
    for values in highlights:
        _create_highlight(conversation, actor, **values)
    refresh_search_text(conversation)
    return conversation


def _check_members(workspace: Workspace, users: Sequence) -> None:
    from outsidein.core.forms import members_of

    ids = {u.pk for u in users if u is not None}
    if ids and members_of(workspace).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"members": "Only members of this workspace can be present or lead."})


def tags_from_names(workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:60] for n in names if n and n.strip()})
    return [Tag.objects.get_or_create(workspace=workspace, name=name)[0] for name in cleaned]


def _create_highlight(conversation: Conversation, actor, *, kind: str, text: str, person=None, competitor=None,
                      tags: Iterable[str] = (), guide_question=None) -> Highlight:
    assert_same_workspace(conversation.workspace, person, competitor, guide_question)
    highlight = Highlight(
        workspace=conversation.workspace, conversation=conversation, kind=kind, text=(text or "").strip(),
        person=person, competitor=competitor, guide_question=guide_question, created_by=actor,
    )
    highlight.full_clean()
    highlight.save()
    highlight.tags.set(tags_from_names(conversation.workspace, tags))
    return highlight


@transaction.atomic
def add_highlight(conversation: Conversation, actor, **values) -> Highlight:
    highlight = _create_highlight(conversation, actor, **values)
    refresh_search_text(conversation)
    return highlight


@transaction.atomic
def update_highlight(highlight: Highlight, *, tags: Iterable[str] | None = None, **values) -> Highlight:
    assert_same_workspace(highlight.workspace, values.get("person"), values.get("competitor"))
    for name, value in values.items():
        setattr(highlight, name, value)
    highlight.full_clean()
    highlight.save()
    if tags is not None:
        highlight.tags.set(tags_from_names(highlight.workspace, tags))
    refresh_search_text(highlight.conversation)
    return highlight


@transaction.atomic
def delete_highlight(highlight: Highlight) -> None:
    conversation = highlight.conversation
    highlight.delete()
    refresh_search_text(conversation)


@transaction.atomic
def delete_conversation(conversation: Conversation) -> None:
    conversation.delete()
