"""Owed replies and loop figures: who is still waiting to hear back, and how well each leader closes the loop.

A raiser is *owed* a reply when they raised a suggestion more than ``LOOP_OWED_DAYS`` days ago and no message
about that suggestion has been sent to them since. The database does the work: a NOT EXISTS subquery finds the
raisers never told, a window numbers them per owner so each leader's list is bounded, one GROUP BY counts them
all. The figures are counts per leader grouped in the database, except the median days from raised to told,
which is taken in Python over at most ``MEDIAN_SAMPLE`` day counts (the raisers told most recently).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from outsidein.core.scoping import scoped
from outsidein.engagement.selectors import leader_memberships
from outsidein.loop.models import (
    CLOSED_STATUSES,
    Message,
    MessageKind,
    MessageStatus,
    OptOut,
    Raiser,
    StatusChange,
    Suggestion,
)
from outsidein.loop.selectors import told_since_raised
from outsidein.workspaces.models import User, Workspace

OWED_ROWS_PER_LEADER = 20
MEDIAN_SAMPLE = 10_000
FIGURES_DAYS = 90  # the period the figures cover unless told otherwise
NO_OWNER = "No owner"


def days_label(days: int | float | None) -> str:
    """ "1 day", "12 days", "under a day": how long, as a person would say it."""
    if days is None:
        return "–"
    if days < 1:
        return "under a day"
    shown = f"{days:.1f}".removesuffix(".0") if isinstance(days, float) else str(days)
    return f"{shown} day{'' if shown == '1' else 's'}"


def owed_queryset(workspace: Workspace, *, days: int, now: datetime, owner: User | None = None) -> QuerySet[Raiser]:
    """Raisers with a person who raised it before ``now - days`` and have not heard back about it since.

    A person who opted out asked to hear nothing more: they are not waiting, so they are not owed.
    """
    opted_out = OptOut.objects.filter(workspace=workspace, person=OuterRef("person"))
    raisers = (scoped(Raiser, workspace)
               .filter(person__isnull=False, said_at__lt=now - timedelta(days=days))
               .filter(~Exists(told_since_raised(workspace)), ~Exists(opted_out)))
    if owner is not None:
        raisers = raisers.filter(suggestion__owner=owner)
    return raisers


@dataclass(frozen=True)
class OwedReply:
    raiser: Raiser
    days_waiting: int

    @property
    def waiting(self) -> str:
        return days_label(self.days_waiting)

    @property
    def account_name(self) -> str:
        account = self.raiser.account or (self.raiser.person.account if self.raiser.person else None)
        return account.name if account else ""


@dataclass
class LeaderOwed:
    """One owner's customers waiting: how many in all, and the oldest of them (at most ``limit``)."""

    owner_id: int | None
    name: str
    count: int
    rows: list[OwedReply] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass
class OwedReplies:
    days: int
    leaders: list[LeaderOwed]  # the most owed first; a leader with none owed is not listed

    @property
    def total(self) -> int:
        return sum(leader.count for leader in self.leaders)

    def of(self, owner_id: int | None) -> LeaderOwed | None:
        return next((leader for leader in self.leaders if leader.owner_id == owner_id), None)

    def mine_first(self, user_id: int) -> list[LeaderOwed]:
        return sorted(self.leaders, key=lambda leader: leader.owner_id != user_id)


def owed_replies(workspace: Workspace, *, owner: User | None = None, days: int | None = None,
                 now: datetime | None = None, limit: int = OWED_ROWS_PER_LEADER) -> OwedReplies:
    """Customers waiting to hear back, per suggestion owner, oldest first: two queries whatever the numbers."""
    days = settings.LOOP_OWED_DAYS if days is None else days
    now = now or timezone.now()
    owed = owed_queryset(workspace, days=days, now=now, owner=owner)
    counts = list(owed.order_by().values("suggestion__owner_id", "suggestion__owner__name", "suggestion__owner__email")
                  .annotate(n=Count("id")))
    numbered = owed.annotate(place=Window(RowNumber(), partition_by=[F("suggestion__owner_id")],
                                          order_by=[F("said_at").asc(), F("id").asc()]))
    rows = (numbered.filter(place__lte=limit)
            .select_related("person__account", "account", "suggestion__owner", "suggestion__workspace")
            .order_by("said_at", "id"))
    by_owner: dict[int | None, list[OwedReply]] = defaultdict(list)
    for raiser in rows:
        by_owner[raiser.suggestion.owner_id].append(OwedReply(raiser, (now - raiser.said_at).days))
    leaders = []
    for row in counts:
        owner_id = row["suggestion__owner_id"]
        name = row["suggestion__owner__name"] or (row["suggestion__owner__email"] or "").split("@")[0] or NO_OWNER
        leaders.append(LeaderOwed(owner_id, name, row["n"], by_owner.get(owner_id, [])))
    leaders.sort(key=lambda leader: (-leader.count, leader.name.lower()))
    return OwedReplies(days, leaders)


# --- loop figures ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoopFigures:
    """What one leader (or, with ``user_id`` None, the team) did to close the loop in a period.

    ``closed`` counts suggestions the leader owns that moved to done or not doing; ``median_days`` is the median,
    over the raisers of the leader's suggestions first told in the period, of the days from raising to that
    first message; ``thanks`` and ``heard_back`` count what the leader sent: thank-yous, and the distinct
    customers who got at least one message.
    """

    user_id: int | None
    name: str
    closed: int = 0
    told: int = 0  # raisers first told in the period: how many days the median is taken over
    median_days: float | None = None
    thanks: int = 0
    heard_back: int = 0

    @property
    def median_label(self) -> str:
        return days_label(self.median_days)


@dataclass
class TeamLoopFigures:
    since: datetime
    until: datetime
    leaders: list[LoopFigures]
    team: LoopFigures

    def of(self, user_id: int) -> LoopFigures:
        return next((f for f in self.leaders if f.user_id == user_id), LoopFigures(user_id, ""))


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _days_to_told(workspace: Workspace, since: datetime, until: datetime) -> list[tuple[int | None, int]]:
    """(owner id, whole days from raised to first told) of the raisers first told in the period, newest first."""
    first_told = (told_since_raised(workspace).order_by().values("person")
                  .annotate(first=Min("sent_at")).values("first"))
    raisers = (scoped(Raiser, workspace).filter(person__isnull=False)
               .annotate(told_at=Subquery(first_told))
               .filter(told_at__gte=since, told_at__lt=until)
               .order_by("-told_at")
               .values_list("suggestion__owner_id", "said_at", "told_at")[:MEDIAN_SAMPLE])
    return [(owner_id, (told_at - said_at).days) for owner_id, said_at, told_at in raisers]


def _per_user(queryset: QuerySet[Message] | QuerySet[StatusChange], user_field: str, counted: Count,
              ) -> tuple[dict[int | None, int], int]:
    """Counts per user grouped in the database, and the team's own count (not a sum: a distinct count)."""
    per_user = dict(queryset.order_by().values_list(user_field).annotate(n=counted).values_list(user_field, "n"))
    team: int = queryset.aggregate(n=counted)["n"]
    return per_user, team


def loop_figures(workspace: Workspace, *, since: datetime | None = None, until: datetime | None = None,
                 now: datetime | None = None) -> TeamLoopFigures:
    """Each leader's loop figures for ``since`` ≤ moment < ``until``, and the team's, in seven queries.

    The period defaults to the ``FIGURES_DAYS`` days up to ``now``. The leaders are the workspace's owners and
    leaders, and anyone else who owns a suggestion closed in the period or sent a message in it.
    """
    until = until or now or timezone.now()
    since = since or until - timedelta(days=FIGURES_DAYS)
    closes = StatusChange.objects.filter(workspace=workspace, to_status__in=CLOSED_STATUSES,
                                         changed_at__gte=since, changed_at__lt=until)
    closed, team_closed = _per_user(closes, "suggestion__owner_id", Count("suggestion", distinct=True))
    sent = Message.objects.filter(workspace=workspace, status=MessageStatus.SENT, sent_at__gte=since,
                                  sent_at__lt=until)
    thanks, team_thanks = _per_user(sent.filter(kind=MessageKind.THANKS), "sent_by_id", Count("id"))
    heard, team_heard = _per_user(sent, "sent_by_id", Count("person", distinct=True))
    days: dict[int | None, list[int]] = defaultdict(list)
    waited = _days_to_told(workspace, since, until)
    for owner_id, n in waited:
        days[owner_id].append(n)

    names = {m.user_id: m.user.display_name for m in leader_memberships(workspace)}
    others = {user_id for user_id in (*closed, *thanks, *heard, *days) if user_id is not None} - set(names)
    if others:
        names.update({u.pk: u.display_name for u in User.objects.filter(pk__in=others)})
    leaders = [LoopFigures(user_id, name, closed=closed.get(user_id, 0), told=len(days.get(user_id, [])),
                           median_days=_median(days.get(user_id, [])), thanks=thanks.get(user_id, 0),
                           heard_back=heard.get(user_id, 0))
               for user_id, name in sorted(names.items(), key=lambda item: item[1].lower())]
    team = LoopFigures(None, "Team", closed=team_closed, told=len(waited),
                       median_days=_median([n for _, n in waited]), thanks=team_thanks, heard_back=team_heard)
    return TeamLoopFigures(since, until, leaders, team)


def keeps_threads(workspace: Workspace) -> bool:
    """Whether the workspace keeps suggestion threads at all (if not, the pulse and digest say nothing of them)."""
    return scoped(Suggestion, workspace).exists()
