"""Reads for challenges, pulses and planning that pages, the API, the digest and the CLI share.

Each fetch costs a fixed number of queries whatever the number of leaders or conversations, and reads back a
bounded number of rows: the database counts per member (and per week), ``pulse`` and ``leaderboard`` turn
those counts into figures, ranks and streaks.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, HighlightKind, Status
from outsidein.conversations.selectors import took_place
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Segment
from outsidein.engagement import pulse as pulse_math
from outsidein.engagement.leaderboard import ChallengeSpan, Entrant, Leaderboard, build_leaderboard, week_boundaries
from outsidein.engagement.models import (
    Challenge,
    ChallengeParticipant,
    ConversationRead,
    DigestOptOut,
    HostRequest,
    HostRequestStatus,
    ParticipantStatus,
)
from outsidein.workspaces.models import Membership, Role, Workspace

UTC = ZoneInfo("UTC")
LEADER_ROLES = (Role.OWNER, Role.LEADER)
# Fetch a little more than 90 days: a leader's local week may start up to a day before UTC's.
FETCH_DAYS = pulse_math.COVERAGE_DAYS + 2
HEATMAP_WEEKS = 12
ROLES = ("buyer", "end_user", "internal")  # the kinds of people a leader should meet, as Person.role values

Presence = Conversation.members.through
Attendance = Conversation.persons.through


def leader_memberships(workspace: Workspace) -> QuerySet[Membership]:
    return workspace.memberships.filter(role__in=LEADER_ROLES).select_related("user").order_by("user__name")


def first_hand_presences(workspace: Workspace, now: datetime) -> QuerySet:
    """Presences at conversations that took place by ``now`` (planned ones that are past count at once)."""
    return Presence.objects.filter(took_place(now, "conversation__"), conversation__workspace=workspace)


# --- pulse ---------------------------------------------------------------------------------------------

@dataclass
class TeamPulse:
    pulses: list[pulse_math.Pulse]
    medians: dict[str, float | None]
    week_starts: list

    def of(self, user_id: int) -> pulse_math.Pulse | None:
        return next((p for p in self.pulses if p.user_id == user_id), None)

    @property
    def insulated(self) -> list[pulse_math.Pulse]:
        return sorted((p for p in self.pulses if p.insulated),
                      key=lambda p: -(p.days_since_last if p.days_since_last is not None else 10**6))


def _zones(users) -> dict[str, list[int]]:
    """User ids grouped by their time zone (a week begins at local midnight, so each zone has its own bounds)."""
    zones: dict[str, list[int]] = defaultdict(list)
    for user_id, time_zone in users:
        zones[time_zone or "UTC"].append(user_id)
    return zones


def _local_midnight(day, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def _week_columns(zones: dict[str, list[int]], bounds: list, now: datetime) -> dict[str, Count]:
    """Aggregates ``week_0`` … counting first-hand presences in ``[bounds[i], bounds[i + 1])``, local days of
    each member's own zone: the database counts per member and week, no conversation comes back."""
    columns = {}
    for index in range(len(bounds) - 1):
        in_week = Q()
        for zone, ids in zones.items():
            in_week |= Q(user_id__in=ids, conversation__occurred_at__gte=_local_midnight(bounds[index], zone),
                         conversation__occurred_at__lt=_local_midnight(bounds[index + 1], zone))
        columns[f"week_{index}"] = Count("id", filter=in_week & Q(conversation__occurred_at__lte=now))
    return columns


def _weeks_of(row: dict | None, weeks: int) -> list[int]:
    return [row[f"week_{i}"] if row else 0 for i in range(weeks)]


def pulses_for(workspace: Workspace, users, now: datetime | None = None, *, viewer_tz: str = "UTC",
               highlights: bool = True) -> TeamPulse:
    """Pulse of each of ``users`` (users of this workspace) in five grouped queries: the database
    counts per member (GROUP BY member), so the rows read back are one per member whatever the history.
    Without ``highlights`` (the home page's tiles: contacts only) the two passes over highlights are skipped:
    no share of first-hand highlights, no people or competitor mentions met."""
    now = now or timezone.now()
    users = list(users)
    ids = [u.pk for u in users]
    week_starts = pulse_math.week_starts_ending(now.astimezone(ZoneInfo(viewer_tz)).date(), HEATMAP_WEEKS)
    bounds = [*week_starts, week_starts[-1] + timedelta(days=7)]
    window = now - timedelta(days=pulse_math.COVERAGE_DAYS)
    present = first_hand_presences(workspace, now).filter(user_id__in=ids, conversation__occurred_at__lte=now)
    recent = Q(conversation__occurred_at__gt=window)

    counted = {row["user_id"]: row for row in (
        present.filter(conversation__occurred_at__gte=now - timedelta(days=FETCH_DAYS))
        .values("user_id")
        .annotate(latest=Max("conversation__occurred_at"),
                  **{f"last_{days}": Count("id", filter=Q(conversation__occurred_at__gt=now - timedelta(days=days)))
                     for days in pulse_math.WINDOWS},
                  segments=Count("conversation__account__segment_id", filter=recent, distinct=True),
                  **{f"setting_{kind}": Count("id", filter=recent & Q(conversation__kind=kind))
                     for kind in pulse_math.SETTINGS},
                  **_week_columns(_zones((u.pk, u.time_zone) for u in users), bounds, now)))}
    # Only a leader with no contact in the window needs a look further back (an insulated one: few rows). The
    # query is made even when nobody is quiet ("id IS NULL" matches nothing), so the count never varies.
    quiet = [pk for pk in ids if pk not in counted]
    last_ever = dict(present.filter(Q(user_id__in=quiet) if quiet else Q(pk__isnull=True)).values("user_id")
                     .annotate(last=Max("conversation__occurred_at")).values_list("user_id", "last"))
    # Highlights heard and kinds of people met, in one pass over the window's presences: joining both multiplies
    # rows, hence the distinct highlight count; "met a buyer" only asks whether any row has one. (Two passes,
    # one per join, cost more at volume: each repeats the join of presences to the window's conversations.)
    heard = {} if not highlights else {row["user_id"]: row for row in (
        present.filter(conversation__occurred_at__gte=window).values("user_id")
        .annotate(n=Count("conversation__highlights", distinct=True),
                  competitors=Count("conversation__highlights", distinct=True,
                                    filter=Q(conversation__highlights__kind=HighlightKind.COMPETITOR_MENTION)),
                  **{f"role_{role}": Count("conversation__persons",
                                           filter=recent & Q(conversation__persons__role=role))
                     for role in ROLES}))}
    relayed = _relayed_highlight_counts(workspace, ids, window, now) if highlights else {}
    pulses = []
    for user in users:
        row, taken = counted.get(user.pk), heard.get(user.pk, {})
        figures = pulse_math.ContactFigures(
            latest=row["latest"] if row else None,
            **{f"last_{days}": row[f"last_{days}"] if row else 0 for days in pulse_math.WINDOWS},
            segments_met=row["segments"] if row else 0,
            roles=frozenset(role for role in ROLES if taken.get(f"role_{role}")),
            settings_met=frozenset(k for k in pulse_math.SETTINGS if row and row[f"setting_{k}"]),
            weekly=tuple(_weeks_of(row, len(week_starts))))
        tally = pulse_math.HighlightTally(first_hand=taken.get("n", 0), relayed_read=relayed.get(user.pk, 0),
                                          competitor_mentions=taken.get("competitors", 0))
        pulses.append(pulse_math.pulse_from(user.pk, user.display_name, figures, now,
                                            last_contact_at=last_ever.get(user.pk), tally=tally,
                                            time_zone=user.time_zone))
    return TeamPulse(pulses=pulses, medians=pulse_math.team_medians(pulses), week_starts=week_starts)


def first_hand_in(workspace: Workspace, user_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Each member's first-hand conversations between two moments (none: not in the result), one grouped query;
    ``end`` is also the moment a planned conversation counts as having taken place by."""
    return dict(first_hand_presences(workspace, end)
                .filter(user_id__in=user_ids, conversation__occurred_at__gte=start, conversation__occurred_at__lt=end)
                .values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))


def _relayed_highlight_counts(
    workspace: Workspace, user_ids: list[int], since: datetime, now: datetime,
) -> dict[int, int]:
    """Per member, how many highlights reached them relayed: those of conversations they opened but were not
    in, and those they used as evidence from such conversations (a highlight read and used counts once)."""
    from outsidein.learning.models import Evidence

    read = scoped(ConversationRead, workspace).filter(read_at__gte=since, read_at__lte=now)
    counts: dict[int, int] = defaultdict(int)
    for user_id, n in (read.filter(user_id__in=user_ids).values("user_id")
                       .annotate(n=Count("conversation__highlights")).values_list("user_id", "n")):
        counts[user_id] += n
    read_too = read.filter(user_id=OuterRef("linked_by_id"), conversation_id=OuterRef("highlight__conversation_id"))
    for user_id, n in (scoped(Evidence, workspace)
                       .filter(linked_by_id__in=user_ids, highlight__isnull=False, linked_at__gte=since,
                               linked_at__lte=now)
                       .exclude(highlight__conversation__members=F("linked_by_id"))
                       .exclude(Exists(read_too))
                       .values("linked_by_id").annotate(n=Count("highlight_id", distinct=True))
                       .values_list("linked_by_id", "n")):
        counts[user_id] += n
    return counts


def team_pulse(workspace: Workspace, now: datetime | None = None, *, viewer_tz: str = "UTC",
               include=None, highlights: bool = True) -> TeamPulse:
    """The pulse of every leader (owners and leaders), plus ``include`` (e.g. the viewer) if not one."""
    leaders = [m.user for m in leader_memberships(workspace)]
    extra = include is not None and include.pk not in {u.pk for u in leaders}
    team = pulses_for(workspace, [*leaders, include] if extra else leaders, now, viewer_tz=viewer_tz,
                      highlights=highlights)
    if extra:
        # The median is the leaders' median: a member looking at their own pulse compares with the leaders.
        team.medians = pulse_math.team_medians([p for p in team.pulses if p.user_id != include.pk])
    return team


# --- challenges ----------------------------------------------------------------------------------------

def challenge_list(workspace: Workspace) -> QuerySet[Challenge]:
    return (scoped(Challenge, workspace).select_related("created_by")
            .annotate(accepted=Count("participants", filter=Q(participants__status=ParticipantStatus.ACCEPTED))))


def active_challenge(workspace: Workspace, now: datetime | None = None) -> Challenge | None:
    """The challenge running today (by UTC date, with a day of grace either side for time zones)."""
    today = (now or timezone.now()).date()
    return (scoped(Challenge, workspace)
            .filter(starts_on__lte=today + timedelta(days=1), ends_on__gte=today - timedelta(days=1))
            .order_by("-starts_on", "-id").first())


def participants(challenge: Challenge) -> QuerySet[ChallengeParticipant]:
    return challenge.participants.select_related("user", "invited_by").order_by("user__name")


def leaderboard(challenge: Challenge, now: datetime | None = None) -> Leaderboard:
    """The leaderboard of a challenge, in two queries: the database counts each participant's first-hand
    conversations per challenge week, in the participant's own zone."""
    now = now or timezone.now()
    entries = list(participants(challenge).exclude(status=ParticipantStatus.DECLINED))
    entrants = [Entrant(e.user_id, e.user.display_name, e.user.time_zone, e.status) for e in entries]
    span = ChallengeSpan(challenge.starts_on, challenge.ends_on, challenge.weekly_target)
    start = datetime.combine(challenge.starts_on - timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(challenge.ends_on + timedelta(days=2), time.min, tzinfo=UTC)
    columns = _week_columns(_zones((e.user_id, e.time_zone) for e in entrants), week_boundaries(span), now)
    weekly = {row["user_id"]: _weeks_of(row, span.weeks) for row in (
        first_hand_presences(challenge.workspace, now)
        .filter(user_id__in=[e.user_id for e in entries], conversation__occurred_at__gte=start,
                conversation__occurred_at__lt=end)
        .values("user_id").annotate(**columns))}
    return build_leaderboard(span, entrants, {}, now, weekly=weekly)


def open_invitations(workspace: Workspace, user) -> QuerySet[ChallengeParticipant]:
    return (scoped(ChallengeParticipant, workspace).filter(user=user, status=ParticipantStatus.INVITED)
            .select_related("challenge", "invited_by"))


# --- planning ------------------------------------------------------------------------------------------

def planned_for(workspace: Workspace, user, start: datetime, end: datetime) -> QuerySet[Conversation]:
    return (scoped(Conversation, workspace).filter(status=Status.PLANNED, members=user, occurred_at__gte=start,
                                                   occurred_at__lt=end)
            .select_related("account__segment", "workspace").prefetch_related("persons", "members")
            .order_by("occurred_at", "id"))


def notes_reminders(workspace: Workspace, user, now: datetime | None = None, days: int = 60) -> QuerySet[Conversation]:
    """Conversations they were in that happened without notes yet (usually planned ones whose time has passed,
    rolled over or not yet)."""
    now = now or timezone.now()
    return (scoped(Conversation, workspace)
            .filter(took_place(now), members=user, notes="", occurred_at__lte=now,
                    occurred_at__gte=now - timedelta(days=days))
            .select_related("account").order_by("-occurred_at", "-id"))


def host_requests_for(workspace: Workspace, user) -> QuerySet[HostRequest]:
    return (scoped(HostRequest, workspace).filter(Q(host=user) | Q(requested_by=user))
            .select_related("host", "requested_by", "account", "conversation"))


def pending_host_requests(workspace: Workspace, host) -> QuerySet[HostRequest]:
    return host_requests_for(workspace, host).filter(host=host, status=HostRequestStatus.PENDING)


@dataclass(frozen=True)
class Suggestion:
    name: str
    revenue: float
    detail: str
    url: str = ""


def suggestions(workspace: Workspace, user, now: datetime | None = None, limit: int = 6) -> tuple[list, list]:
    """Accounts and segments the leader has not met first-hand in 90 days, biggest revenue first."""
    now = now or timezone.now()
    met = first_hand_presences(workspace, now).filter(
        user=user, conversation__occurred_at__gte=now - timedelta(days=90), conversation__occurred_at__lte=now)
    met_accounts = met.filter(conversation__account__isnull=False).values("conversation__account_id")
    met_segments = met.filter(conversation__account__segment__isnull=False).values(
        "conversation__account__segment_id")
    accounts = [
        Suggestion(a.name, float(a.annual_revenue or 0), a.segment.name if a.segment else "", a.get_absolute_url())
        for a in scoped(Account, workspace).exclude(pk__in=met_accounts).filter(annual_revenue__gt=0)
        .select_related("segment", "workspace").order_by("-annual_revenue", "name")[:limit]
    ]
    segments = [
        Suggestion(s.name, float(s.revenue or 0), f"{s.account_count} account{'s' if s.account_count != 1 else ''}",
                   s.get_absolute_url())
        for s in scoped(Segment, workspace).exclude(pk__in=met_segments).select_related("workspace")
        .annotate(revenue=Sum("accounts__annual_revenue"), account_count=Count("accounts"))
        .filter(account_count__gt=0).order_by("-revenue", "name")[:limit]
    ]
    return accounts, segments


# --- the digest ----------------------------------------------------------------------------------------

def receives_digest(workspace: Workspace, user) -> bool:
    return not DigestOptOut.objects.filter(workspace=workspace, user=user).exists()


def colleagues_first_hand_highlights(
    workspace: Workspace, user, since: datetime, limit: int = 5,
) -> QuerySet[Highlight]:
    """The newest highlights colleagues heard themselves, from conversations this member was not in."""
    return (scoped(Highlight, workspace)
            .filter(conversation__status=Status.LOGGED, created_at__gte=since)
            .exclude(conversation__members=user)
            .select_related("conversation", "conversation__account", "conversation__led_by", "person",
                            "conversation__workspace")
            .order_by("-created_at", "-id")[:limit])
