"""Reads for challenges, pulses and planning that pages, the API, the digest and the CLI share.

Each fetch costs a fixed number of queries whatever the number of leaders or conversations: the raw facts
are pulled with a few grouped queries, and the figures are computed in ``pulse`` and ``leaderboard``.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, HighlightKind, Status
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Segment
from outsidein.engagement import pulse as pulse_math
from outsidein.engagement.leaderboard import ChallengeSpan, Entrant, Leaderboard, build_leaderboard
from outsidein.engagement.models import (
    Challenge,
    ChallengeParticipant,
    ConversationRead,
    HostRequest,
    HostRequestStatus,
    ParticipantStatus,
)
from outsidein.workspaces.models import Membership, Role

UTC = ZoneInfo("UTC")
LEADER_ROLES = (Role.OWNER, Role.LEADER)
# Fetch a little more than 90 days: a leader's local week may start up to a day before UTC's.
FETCH_DAYS = pulse_math.COVERAGE_DAYS + 2
HEATMAP_WEEKS = 12

Presence = Conversation.members.through
Attendance = Conversation.persons.through


def leader_memberships(workspace) -> QuerySet[Membership]:
    return workspace.memberships.filter(role__in=LEADER_ROLES).select_related("user").order_by("user__name")


def _first_hand(workspace) -> QuerySet:
    return Presence.objects.filter(conversation__workspace=workspace, conversation__status=Status.LOGGED)


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


def pulses_for(workspace, users, now: datetime | None = None, *, viewer_tz: str = "UTC") -> TeamPulse:
    """Pulse of each of ``users`` (users of this workspace), in six queries."""
    now = now or timezone.now()
    users = list(users)
    ids = [u.pk for u in users]
    since = now - timedelta(days=FETCH_DAYS)
    week_starts = pulse_math.week_starts_ending(now.astimezone(ZoneInfo(viewer_tz)).date(), HEATMAP_WEEKS)

    presence = (_first_hand(workspace).filter(user_id__in=ids, conversation__occurred_at__gte=since,
                                              conversation__occurred_at__lte=now)
                .values_list("user_id", "conversation_id", "conversation__occurred_at", "conversation__kind",
                             "conversation__account__segment_id"))
    roles: dict[int, set[str]] = defaultdict(set)
    for conversation_id, role in (Attendance.objects.filter(
            conversation__workspace=workspace, conversation__status=Status.LOGGED,
            conversation__occurred_at__gte=since, conversation__occurred_at__lte=now)
            .values_list("conversation_id", "person__role")):
        roles[conversation_id].add(role)
    contacts: dict[int, list[pulse_math.Contact]] = defaultdict(list)
    for user_id, conversation_id, occurred_at, kind, segment_id in presence:
        contacts[user_id].append(pulse_math.Contact(occurred_at=occurred_at, kind=kind, segment_id=segment_id,
                                                    person_roles=frozenset(roles.get(conversation_id, ()))))
    last = dict(_first_hand(workspace).filter(user_id__in=ids, conversation__occurred_at__lte=now)
                .values("user_id").annotate(last=Max("conversation__occurred_at")).values_list("user_id", "last"))
    window = now - timedelta(days=pulse_math.COVERAGE_DAYS)
    heard = {row["conversation__members"]: row for row in (
        scoped(Highlight, workspace)
        .filter(conversation__status=Status.LOGGED, conversation__occurred_at__gte=window,
                conversation__occurred_at__lte=now, conversation__members__in=ids)
        .values("conversation__members")
        .annotate(n=Count("id"), competitors=Count("id", filter=Q(kind=HighlightKind.COMPETITOR_MENTION))))}
    relayed = _relayed_highlights(workspace, ids, window, now)
    pulses = []
    for user in users:
        row = heard.get(user.pk, {})
        tally = pulse_math.HighlightTally(first_hand=row.get("n", 0), relayed_read=len(relayed.get(user.pk, ())),
                                          competitor_mentions=row.get("competitors", 0))
        pulses.append(pulse_math.compute_pulse(
            user.pk, user.display_name, contacts.get(user.pk, []), now, last_contact_at=last.get(user.pk),
            tally=tally, time_zone=user.time_zone, week_starts=week_starts))
    return TeamPulse(pulses=pulses, medians=pulse_math.team_medians(pulses), week_starts=week_starts)


def _relayed_highlights(workspace, user_ids: list[int], since: datetime, now: datetime) -> dict[int, set[int]]:
    """Per member, the highlights that reached them relayed: those of conversations they opened but were not
    in, and those they used as evidence from such conversations (a highlight read and used counts once)."""
    from outsidein.learning.models import Evidence

    taken: dict[int, set[int]] = defaultdict(set)
    for user_id, highlight_id in (scoped(ConversationRead, workspace)
                                  .filter(user_id__in=user_ids, read_at__gte=since, read_at__lte=now,
                                          conversation__highlights__isnull=False)
                                  .values_list("user_id", "conversation__highlights")):
        taken[user_id].add(highlight_id)
    used = (scoped(Evidence, workspace)
            .filter(linked_by_id__in=user_ids, highlight__isnull=False, linked_at__gte=since, linked_at__lte=now)
            .exclude(highlight__conversation__members=F("linked_by_id"))
            .values_list("linked_by_id", "highlight_id"))
    for user_id, highlight_id in used:
        taken[user_id].add(highlight_id)
    return taken


def team_pulse(workspace, now: datetime | None = None, *, viewer_tz: str = "UTC",
               include=None) -> TeamPulse:
    """The pulse of every leader (owners and leaders), plus ``include`` (e.g. the viewer) if not one."""
    leaders = [m.user for m in leader_memberships(workspace)]
    extra = include is not None and include.pk not in {u.pk for u in leaders}
    team = pulses_for(workspace, [*leaders, include] if extra else leaders, now, viewer_tz=viewer_tz)
    if extra:
        # The median is the leaders' median: a member looking at their own pulse compares with the leaders.
        team.medians = pulse_math.team_medians([p for p in team.pulses if p.user_id != include.pk])
    return team


# --- challenges ----------------------------------------------------------------------------------------

def challenge_list(workspace) -> QuerySet[Challenge]:
    return (scoped(Challenge, workspace).select_related("created_by")
            .annotate(accepted=Count("participants", filter=Q(participants__status=ParticipantStatus.ACCEPTED))))


def active_challenge(workspace, now: datetime | None = None) -> Challenge | None:
    """The challenge running today (by UTC date, with a day of grace either side for time zones)."""
    today = (now or timezone.now()).date()
    return (scoped(Challenge, workspace)
            .filter(starts_on__lte=today + timedelta(days=1), ends_on__gte=today - timedelta(days=1))
            .order_by("-starts_on", "-id").first())


def participants(challenge: Challenge) -> QuerySet[ChallengeParticipant]:
    return challenge.participants.select_related("user", "invited_by").order_by("user__name")


def leaderboard(challenge: Challenge, now: datetime | None = None) -> Leaderboard:
    """The leaderboard of a challenge, in two queries."""
    now = now or timezone.now()
    entries = list(participants(challenge).exclude(status=ParticipantStatus.DECLINED))
    entrants = [Entrant(e.user_id, e.user.display_name, e.user.time_zone, e.status) for e in entries]
    start = datetime.combine(challenge.starts_on - timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(challenge.ends_on + timedelta(days=2), time.min, tzinfo=UTC)
    contacts: dict[int, list[datetime]] = defaultdict(list)
    for user_id, occurred_at in (_first_hand(challenge.workspace)
                                 .filter(user_id__in=[e.user_id for e in entries],
                                         conversation__occurred_at__gte=start, conversation__occurred_at__lt=end)
                                 .values_list("user_id", "conversation__occurred_at")):
        contacts[user_id].append(occurred_at)
    span = ChallengeSpan(challenge.starts_on, challenge.ends_on, challenge.weekly_target)
    return build_leaderboard(span, entrants, contacts, now)


def open_invitations(workspace, user) -> QuerySet[ChallengeParticipant]:
    return (scoped(ChallengeParticipant, workspace).filter(user=user, status=ParticipantStatus.INVITED)
            .select_related("challenge", "invited_by"))


# --- planning ------------------------------------------------------------------------------------------

def planned_for(workspace, user, start: datetime, end: datetime) -> QuerySet[Conversation]:
    return (scoped(Conversation, workspace).filter(status=Status.PLANNED, members=user, occurred_at__gte=start,
                                                   occurred_at__lt=end)
            .select_related("account").prefetch_related("persons").order_by("occurred_at", "id"))


def notes_reminders(workspace, user, now: datetime | None = None, days: int = 60) -> QuerySet[Conversation]:
    """Conversations they were in that happened without notes yet (usually planned ones that rolled over)."""
    now = now or timezone.now()
    return (scoped(Conversation, workspace)
            .filter(status=Status.LOGGED, members=user, notes="", occurred_at__lte=now,
                    occurred_at__gte=now - timedelta(days=days))
            .select_related("account").order_by("-occurred_at", "-id"))


def host_requests_for(workspace, user) -> QuerySet[HostRequest]:
    return (scoped(HostRequest, workspace).filter(Q(host=user) | Q(requested_by=user))
            .select_related("host", "requested_by", "account", "conversation"))


def pending_host_requests(workspace, host) -> QuerySet[HostRequest]:
    return host_requests_for(workspace, host).filter(host=host, status=HostRequestStatus.PENDING)


@dataclass(frozen=True)
class Suggestion:
    name: str
    revenue: float
    detail: str
    url: str = ""


def suggestions(workspace, user, now: datetime | None = None, limit: int = 6) -> tuple[list, list]:
    """Accounts and segments the leader has not met first-hand in 90 days, biggest revenue first."""
    now = now or timezone.now()
    met = _first_hand(workspace).filter(user=user, conversation__occurred_at__gte=now - timedelta(days=90),
                                        conversation__occurred_at__lte=now)
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

def colleagues_first_hand_highlights(workspace, user, since: datetime, limit: int = 5) -> QuerySet[Highlight]:
    """The newest highlights colleagues heard themselves, from conversations this member was not in."""
    return (scoped(Highlight, workspace)
            .filter(conversation__status=Status.LOGGED, created_at__gte=since)
            .exclude(conversation__members=user)
            .select_related("conversation", "conversation__account", "conversation__led_by", "person",
                            "conversation__workspace")
            .order_by("-created_at", "-id")[:limit])
