"""Reads of conversations and highlights that pages, the API and other areas share."""

import re
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight
from outsidein.core.scoping import scoped

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    return _WORD.findall(query or "")[:12]


def matching_conversation_ids(query: str) -> RawSQL | None:
    """Conversation ids whose notes or highlights match every word of ``query`` (prefix match).

    SQLite uses its FTS5 index, PostgreSQL its GIN full-text index; the words are reduced to
    plain word characters first, so user input can never break the query syntax.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in terms)
        return RawSQL(
            "SELECT id FROM conversations_conversation "
            "WHERE to_tsvector('english'::regconfig, search_text) @@ to_tsquery('english'::regconfig, %s)",
            [tsquery],
        )
    fts_query = " ".join(f'"{t}"*' for t in terms)
    return RawSQL(
        "SELECT rowid FROM conversations_conversation_fts WHERE conversations_conversation_fts MATCH %s",
        [fts_query],
    )


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def conversation_list(
    workspace,
    *,
    member_id: int | None = None,
    kind: str | None = None,
    account_id: int | None = None,
    segment_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: str | None = None,
    query: str = "",
) -> QuerySet[Conversation]:
    qs = (
        scoped(Conversation, workspace)
        .select_related("account", "account__segment", "led_by")
        .prefetch_related("members", "persons")
        .annotate(highlight_count=Count("highlights", distinct=True))
        # An aggregate drops the model's default ordering, so say it again: newest first.
        .order_by("-occurred_at", "-id")
    )
    if member_id:
        qs = qs.filter(members__id=member_id)
    if kind:
        qs = qs.filter(kind=kind)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if segment_id:
        qs = qs.filter(account__segment_id=segment_id)
    if date_from:
        qs = qs.filter(occurred_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_day_start(date_to) + timezone.timedelta(days=1))
    if status:
        qs = qs.filter(status=status)
    if ids := matching_conversation_ids(query):
        qs = qs.filter(id__in=ids)
    return qs


def conversation_detail(workspace, conversation_id: int) -> Conversation:
    from outsidein.core.scoping import get_scoped

    return get_scoped(
        scoped(Conversation, workspace)
        .select_related("account", "account__segment", "led_by", "created_by")
        .prefetch_related("members", "persons"),
        workspace,
        pk=conversation_id,
    )


def highlight_list(
    workspace, *, conversation_id: int | None = None, account_id: int | None = None, kind: str | None = None,
    query: str = "",
) -> QuerySet[Highlight]:
    qs = (
        scoped(Highlight, workspace)
        .select_related("conversation", "conversation__account", "person", "competitor")
        .prefetch_related("tags")
    )
    if conversation_id:
        qs = qs.filter(conversation_id=conversation_id)
    if account_id:
        qs = qs.filter(conversation__account_id=account_id)
    if kind:
        qs = qs.filter(kind=kind)
    for term in search_terms(query):
        qs = qs.filter(Q(text__icontains=term) | Q(tags__name__iexact=term)).distinct()
    return qs


def is_first_hand(conversation: Conversation, user) -> bool:
    """First-hand for the members who were present; relayed for everyone else."""
    return any(m.pk == user.pk for m in conversation.members.all())
