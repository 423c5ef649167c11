"""Reads of suggestion threads: the list with each thread's reach, one thread with its raisers and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from outsidein.core.scoping import get_scoped, scoped
from outsidein.customers.models import Account
from outsidein.loop.models import (
    Message,
    MessageStatus,
    Raiser,
    StatusChange,
    Suggestion,
    SuggestionStatus,
)
from outsidein.workspaces.models import Workspace


@dataclass(frozen=True)
class Reach:
    people: int
    accounts: int
    revenue: Decimal | None  # the raisers' accounts' annual revenue, each account once

    def describe(self) -> str:
        people = f"{self.people} {'person' if self.people == 1 else 'people'}"
        accounts = f"{self.accounts} account{'' if self.accounts == 1 else 's'}"
        return f"raised by {people} at {accounts}"


def _revenue_of(accounts: QuerySet[Account]) -> Decimal | None:
    value: Decimal | None = accounts.aggregate(total=Sum("annual_revenue"))["total"]
    return value


def reach(suggestion: Suggestion) -> Reach:
    raisers = Raiser.objects.filter(suggestion=suggestion)
    counts = raisers.aggregate(people=Count("person", distinct=True), accounts=Count("account", distinct=True))
    accounts = Account.objects.filter(pk__in=raisers.filter(account__isnull=False).values("account_id"))
    return Reach(counts["people"], counts["accounts"], _revenue_of(accounts))


def suggestion_list(workspace: Workspace, *, status: str | None = None, owner_id: int | None = None,
                    query: str = "", kind: str | None = None) -> QuerySet[Suggestion]:
    """Suggestions with their reach counted in the database (people, accounts, revenue, first raised)."""
    suggestions = scoped(Suggestion, workspace).select_related("owner")
    if status:
        suggestions = suggestions.filter(status=status)
    if kind:
        suggestions = suggestions.filter(kind=kind)
    if owner_id:
        suggestions = suggestions.filter(owner_id=owner_id)
    if query.strip():
        words = query.strip()
        suggestions = suggestions.filter(Q(title__icontains=words) | Q(pk__in=Raiser.objects.filter(
            workspace=workspace, words__icontains=words).values("suggestion_id")))
    # Revenue at stake counts each account once: the sum over the distinct accounts of the thread's raisers.
    revenue = (Account.objects.filter(pk__in=Raiser.objects.filter(suggestion=OuterRef(OuterRef("pk")))
                                      .values("account_id"))
               .order_by().values("workspace").annotate(total=Sum("annual_revenue")).values("total")[:1])
    return suggestions.annotate(
        people=Count("raisers__person", distinct=True), accounts=Count("raisers__account", distinct=True),
        raiser_count=Count("raisers", distinct=True), revenue=Subquery(revenue),
    ).order_by("-created_at", "-id")


def status_counts(workspace: Workspace) -> dict[str, int]:
    rows = scoped(Suggestion, workspace).order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    counts = dict(rows)
    return {value: counts.get(value, 0) for value in SuggestionStatus.values}


def suggestion_detail(workspace: Workspace, suggestion_id: int) -> Suggestion:
    return get_scoped(Suggestion.objects.select_related("owner", "assumption", "initiative", "pilot", "created_by"),
                      workspace, pk=suggestion_id)


def told_since_raised(workspace: Workspace) -> QuerySet[Message]:
    """Sent messages to the outer raiser's person about the outer raiser's suggestion, since they raised it: what
    "told" means on a thread's page and for the owed replies."""
    return Message.objects.filter(workspace=workspace, status=MessageStatus.SENT, person=OuterRef("person"),
                                  suggestion=OuterRef("suggestion"), sent_at__gte=OuterRef("said_at"))


def raisers_of(suggestion: Suggestion) -> QuerySet[Raiser]:
    """A thread's raisers, each marked with whether they have heard back about it since they raised it."""
    told = told_since_raised(suggestion.workspace)
    return (Raiser.objects.filter(suggestion=suggestion)
            .select_related("person", "account", "highlight__conversation", "feedback_item", "idea__conversation",
                            "added_by")
            .annotate(told=Exists(told)).order_by("said_at", "id"))


def history_of(suggestion: Suggestion) -> QuerySet[StatusChange]:
    return (StatusChange.objects.filter(suggestion=suggestion).select_related("changed_by")
            .annotate(drafted=Count("messages")).order_by("changed_at", "id"))


def messages_of(suggestion: Suggestion) -> QuerySet[Message]:
    return (Message.objects.filter(suggestion=suggestion).select_related("person", "sent_by", "status_change")
            .order_by("-created_at", "-id"))


def raised_by_person(workspace: Workspace, person_id: int) -> QuerySet[Raiser]:
    return (scoped(Raiser, workspace).filter(person_id=person_id).select_related("suggestion")
            .order_by("-said_at", "-id"))



def raised_between(workspace: Workspace, start: datetime, end: datetime) -> int:
    """Times customers raised something (a raiser added, first-hand or relayed) between two moments."""
    return scoped(Raiser, workspace).filter(said_at__gte=start, said_at__lt=end).count()
