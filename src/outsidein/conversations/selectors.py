"""Reads of conversations and highlights that pages, the API and other areas share."""

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, Status
from outsidein.core.scoping import scoped
from outsidein.core.search import OnColumns, fts5_query, matches_tsquery, search_terms
from outsidein.workspaces.models import Workspace


def matching_conversations(query: str) -> Q | OnColumns | None:
    """A condition on the conversation row: its notes or highlights match every word of ``query`` (prefix match).

    SQLite uses its FTS5 index, PostgreSQL its GIN full-text index; the words are reduced to
    plain word characters first, so user input can never break the query syntax. On PostgreSQL the
    condition is on the row itself (not ``id IN (...)``), so the planner can walk the list's
    (workspace, occurred_at) index and stop at the page when a word is common, or read the few
    matches from the GIN index when it is rare.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return matches_tsquery("{0}", terms, "search_text")
    return Q(id__in=RawSQL(
        "SELECT rowid FROM conversations_conversation_fts WHERE conversations_conversation_fts MATCH %s",
        [fts5_query(terms)],
    ))


def matching_highlights(query: str) -> Q | OnColumns | None:
    """Highlights whose text or tags match every word of ``query`` (prefix match, stemmed as the index stems).

    One full-text index covers the text and the tag names (FTS5 on SQLite, GIN on PostgreSQL; see
    migration 0008), so a search reads the matches, never every highlight. On PostgreSQL the condition
    is on the row, so the planner can walk the list's (workspace, created_at) index and stop at the page
    for a common word, or read the few matches from the GIN index for a rare one.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return matches_tsquery("{0} || ' ' || {1}", terms, "text", "tag_names")
    return Q(id__in=RawSQL(
        "SELECT rowid FROM conversations_highlight_fts WHERE conversations_highlight_fts MATCH %s",
        [fts5_query(terms)],
    ))


def took_place(now: datetime, prefix: str = "") -> Q:
    """Conversations that have happened by ``now``: logged ones and planned ones whose time has passed.

    The hourly rollover (``engagement.services.roll_over_planned``) logs the latter; pages read them as logged
    already, so what a page shows never waits for that job and opening a page writes nothing. ``prefix`` reaches
    the conversation through a relation, e.g. ``"conversation__"``.
    """
    return Q(**{f"{prefix}status": Status.LOGGED}) | Q(**{f"{prefix}status": Status.PLANNED,
                                                          f"{prefix}occurred_at__lte": now})


def still_planned(now: datetime) -> Q:
    """Planned conversations still ahead of ``now`` (the others read as logged: ``took_place``)."""
    return Q(status=Status.PLANNED, occurred_at__gt=now)


def _highlight_count() -> Coalesce:
    """Highlights of one conversation, as a correlated subquery: the database computes it for the rows
    of the page only, instead of joining and grouping every highlight of the workspace before LIMIT."""
    per_conversation = (
        Highlight.objects.filter(conversation=OuterRef("pk")).order_by()
        .values("conversation").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(per_conversation, output_field=IntegerField()), 0)


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def conversation_list(
    workspace: Workspace,
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
        .annotate(highlight_count=_highlight_count())
        # Newest first, the order of the (workspace, occurred_at, id) index.
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
        qs = qs.filter(occurred_at__lt=_day_start(date_to) + timedelta(days=1))
    if status:
        qs = qs.filter(status=status)
    if (matches := matching_conversations(query)) is not None:
        qs = qs.filter(matches)
    return qs


def conversation_detail(workspace: Workspace, conversation_id: int) -> Conversation:
    from outsidein.core.scoping import get_scoped

    return get_scoped(
        scoped(Conversation, workspace)
        .select_related("account", "account__segment", "led_by", "created_by")
        .prefetch_related("members", "persons"),
        workspace,
        pk=conversation_id,
    )


def highlight_list(
    workspace: Workspace, *, conversation_id: int | None = None, account_id: int | None = None, kind: str | None = None,
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
    if (matches := matching_highlights(query)) is not None:
        qs = qs.filter(matches)
    return qs


def is_first_hand(conversation: Conversation, user) -> bool:
    """First-hand for the members who were present; relayed for everyone else."""
    return any(m.pk == user.pk for m in conversation.members.all())


def account_section(account) -> dict:
    """The account page's conversations and highlights (the page is the customers area's: ``add_account_section``)."""
    return {"conversations": conversation_list(account.workspace, account_id=account.pk)[:50],
            "highlights": highlight_list(account.workspace, account_id=account.pk)[:50]}


def meetings_to_log(workspace: Workspace, user, now: datetime | None = None, *, limit: int = 5) -> list[Conversation]:
    """Their meetings without notes, from three days back to twelve hours ahead, newest first: the quick log offers
    them before a blank form, so a planned coffee gets its notes instead of being logged a second time."""
    now = now or timezone.now()
    return list(scoped(Conversation, workspace)
                .filter(members=user, notes="", occurred_at__gte=now - timedelta(days=3),
                        occurred_at__lte=now + timedelta(hours=12))
                .exclude(status=Status.CANCELLED)
                .select_related("account").prefetch_related("persons").order_by("-occurred_at", "-id")[:limit])
