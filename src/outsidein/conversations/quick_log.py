"""The quick log as a use case: a conversation in under a minute, with someone new if need be, saved once.

A phone with no signal keeps the entry and sends it when the connection returns; a retry after a lost answer
sends it again. Each entry carries a client id made where it was typed, and the same id never makes a second
conversation: the second sending finds the first.
"""

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outsidein.conversations.models import Conversation
from outsidein.conversations.services import save_conversation
from outsidein.core.scoping import scoped
from outsidein.core.services import create_owned
from outsidein.customers.models import Account, Person, PersonRole
from outsidein.workspaces.models import Workspace

# What a browser's crypto.randomUUID() or any sensible client makes: letters, digits, dashes, underscores.
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
CLIENT_ID_RULE = "8 to 64 letters, digits, dashes or underscores (a UUID will do)."


def check_client_id(value: str) -> str:
    """The client id, or a ValidationError naming the field (next to it on the form, in the API's 422)."""
    value = (value or "").strip()
    if value and not CLIENT_ID.fullmatch(value):
        raise ValidationError({"client_id": CLIENT_ID_RULE})
    return value


def _logged_with(workspace: Workspace, client_id: str) -> Conversation | None:
    return Conversation.objects.filter(workspace=workspace, client_id=client_id).first() if client_id else None


def save_once(workspace: Workspace, client_id: str, save: Callable[[], Conversation]) -> tuple[Conversation, bool]:
    """``save()`` the conversation unless one came with ``client_id`` already: (the conversation, newly saved)."""
    client_id = check_client_id(client_id)
    if found := _logged_with(workspace, client_id):
        return found, False
    try:
        with transaction.atomic():
            conversation = save()
            if client_id:
                # Written after the save so that, sent twice at the same moment, the database keeps one: the
                # other's whole entry (new contacts included) is rolled back and it finds this one.
                Conversation.objects.filter(pk=conversation.pk).update(client_id=client_id)
                conversation.client_id = client_id
    except IntegrityError:
        if found := _logged_with(workspace, client_id):
            return found, False
        raise
    return conversation, True


def account_named(workspace: Workspace, name: str) -> Account:
    """The account of that name (any case), or a new one: typed offline, a name must not make a second Acme."""
    name = " ".join(name.split())
    found = scoped(Account, workspace).filter(name__iexact=name).order_by("pk").first()
    return found or create_owned(Account, workspace, {"name": name})


def person_named(workspace: Workspace, name: str, *, account: Account | None, role: str) -> Person:
    """The person of that name at that account (any case), or a new one there."""
    name = " ".join(name.split())
    found = scoped(Person, workspace).filter(name__iexact=name, account=account).order_by("pk").first()
    return found or create_owned(Person, workspace, {"name": name, "account": account,
                                                     "role": role or PersonRole.END_USER})


def quick_log(workspace: Workspace, actor: Any, entry: dict[str, Any], *, client_id: str = "",
              ) -> tuple[Conversation, bool]:
    """Log what the quick log form holds: kind, whom (chosen, or named as new), when, one line, a highlight.

    ``entry`` has ``kind``, ``occurred_at``, ``notes`` and any of ``account``, ``person``, ``new_account``,
    ``new_person``, ``new_person_role``, ``highlight_kind``, ``highlight_text``. Returns the conversation and
    whether it is new (False: this client id was logged before, and nothing was added).
    """
    def save() -> Conversation:
        account, person = entry.get("account"), entry.get("person")
        if entry.get("new_account"):
            account = account_named(workspace, entry["new_account"])
        if entry.get("new_person"):
            person = person_named(workspace, entry["new_person"], account=account,
                                  role=entry.get("new_person_role") or PersonRole.END_USER)
        if person and not account:
            account = person.account
        highlights = []
        if entry.get("highlight_text"):
            highlights.append({"kind": entry.get("highlight_kind") or "quote", "text": entry["highlight_text"],
                               "person": person})
        return save_conversation(
            workspace, actor,
            {"kind": entry["kind"], "account": account, "occurred_at": entry["occurred_at"], "notes": entry["notes"]},
            persons=[person] if person else None, highlights=highlights)

    return save_once(workspace, client_id, save)
