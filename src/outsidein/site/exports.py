"""The CSV exports of ``outsidein export``: one generator of rows per kind, header first, written by
``core.exports.write_csv`` (which neutralises formula-like cells)."""

from collections.abc import Iterator
from typing import Any

from outsidein.conversations.selectors import conversation_list, highlight_list
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Person
from outsidein.feedback.exports import export_feedback
from outsidein.workspaces.models import Workspace


def export_accounts(workspace: Workspace) -> Iterator[list[Any]]:
    yield ["id", "external_id", "name", "segment", "annual_revenue", "tier", "account_manager", "website", "notes"]
    for a in scoped(Account, workspace).select_related("segment", "account_manager").iterator(chunk_size=2000):
        yield [a.pk, a.external_id, a.name, a.segment.name if a.segment else "", a.annual_revenue, a.tier,
               a.account_manager.email if a.account_manager else "", a.website, a.notes]


def export_persons(workspace: Workspace) -> Iterator[list[Any]]:
    yield ["id", "external_id", "name", "email", "title", "account", "account_external_id", "role", "notes"]
    for p in scoped(Person, workspace).select_related("account").iterator(chunk_size=2000):
        yield [p.pk, p.external_id, p.name, p.email, p.title, p.account.name if p.account else "",
               p.account.external_id if p.account else "", p.role, p.notes]


def export_conversations(workspace: Workspace) -> Iterator[list[Any]]:
    yield ["id", "kind", "status", "occurred_at", "duration_minutes", "channel", "account", "persons", "members",
           "led_by", "notes"]
    for c in conversation_list(workspace).iterator(chunk_size=1000):
        yield [c.pk, c.kind, c.status, c.occurred_at.isoformat(), c.duration_minutes, c.channel,
               c.account.name if c.account else "", "; ".join(p.name for p in c.persons.all()),
               "; ".join(m.email for m in c.members.all()), c.led_by.email if c.led_by else "", c.notes]


def export_highlights(workspace: Workspace) -> Iterator[list[Any]]:
    yield ["id", "conversation_id", "kind", "text", "person", "competitor", "tags", "account", "occurred_at"]
    for h in highlight_list(workspace).iterator(chunk_size=1000):
        yield [h.pk, h.conversation_id, h.kind, h.text, h.person.name if h.person else "",
               h.competitor.name if h.competitor else "", "; ".join(t.name for t in h.tags.all()),
               h.conversation.account.name if h.conversation.account else "", h.conversation.occurred_at.isoformat()]


EXPORTS = {
    "accounts": export_accounts,
    "persons": export_persons,
    "conversations": export_conversations,
    "highlights": export_highlights,
    "feedback": export_feedback,
}
