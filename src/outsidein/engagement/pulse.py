"""A leader's customer pulse (how insulated they are), computed from plain figures (no database).

First-hand means the leader was present in a logged conversation. Coverage looks at the last 90 days:
which segments, which kinds of people (buyers, end users, internal customers), which settings (a service
side-by-side, a sales meeting sit-in, a site visit) and how many competitor mentions they heard themselves.
Every figure is shown beside the team's median, because "3 in 30 days" means little on its own.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WINDOWS = (7, 30, 90)
COVERAGE_DAYS = 90
INSULATED_AFTER_DAYS = 30
# The settings a leader should see now and then, beyond the coffee: where the work and the selling happen.
SETTINGS = {
    "service_side_by_side": "Service side-by-side",
    "sales_sit_in": "Sales meeting sit-in",
    "site_visit": "Site visit",
}


@dataclass(frozen=True)
class Contact:
    """One first-hand conversation of one leader."""

    occurred_at: datetime
    kind: str = "coffee"
    segment_id: int | None = None
    person_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HighlightTally:
    first_hand: int = 0  # highlights of conversations they were in
    relayed_read: int = 0  # highlights of conversations they opened but were not in
    competitor_mentions: int = 0  # competitor mentions heard first-hand


@dataclass
class Pulse:
    user_id: int
    name: str
    last_contact_at: datetime | None
    days_since_last: int | None
    last_7: int
    last_30: int
    last_90: int
    first_hand_share: float | None  # of the highlights they took in, the share they heard themselves
    segments_met: int
    buyers_met: bool
    end_users_met: bool
    internal_met: bool
    settings_met: tuple[str, ...] = field(default_factory=tuple)
    competitor_mentions: int = 0
    weekly: list[int] = field(default_factory=list)  # first-hand conversations per heat-map week

    @property
    def insulated(self) -> bool:
        return self.days_since_last is None or self.days_since_last >= INSULATED_AFTER_DAYS

    @property
    def people_met(self) -> int:
        """How many of the three kinds of people (buyers, end users, internal customers) they met."""
        return int(self.buyers_met) + int(self.end_users_met) + int(self.internal_met)

    @property
    def settings_labels(self) -> list[str]:
        return [SETTINGS[k] for k in self.settings_met]

    @property
    def first_hand_percent(self) -> int | None:
        return None if self.first_hand_share is None else round(100 * self.first_hand_share)

    def figure(self, key: str) -> float | None:
        value = getattr(self, key)
        if key == "settings_met":
            return len(value)
        if key == "first_hand_share" and value is not None:
            return round(100 * value)
        return value


# The figures compared with the team median: (attribute, label, short label for tiles, higher is better).
FIGURES: tuple[tuple[str, str, str, bool], ...] = (
    ("days_since_last", "Days since the last first-hand conversation", "days since the last first-hand", False),
    ("last_7", "First-hand conversations, 7 days", "first-hand in 7 days", True),
    ("last_30", "First-hand conversations, 30 days", "first-hand in 30 days", True),
    ("last_90", "First-hand conversations, 90 days", "first-hand in 90 days", True),
    ("first_hand_share", "Highlights taken in first-hand (%)", "% of highlights first-hand", True),
    ("segments_met", "Segments met, 90 days", "segments met", True),
    ("people_met", "Buyers / end users / internal customers met (of 3)", "kinds of people met (of 3)", True),
    ("settings_met", "Settings seen, 90 days (of 3)", "settings seen (of 3)", True),
    ("competitor_mentions", "Competitor mentions heard, 90 days", "competitor mentions heard", True),
)
# Tile words that follow the number and change with it ("1 day since", not "1 days since").
SHORT_FOR_ONE = {"days_since_last": "day since the last first-hand", "segments_met": "segment met",
                 "competitor_mentions": "competitor mention heard"}


def days_between(earlier: datetime, later: datetime, tz: ZoneInfo) -> int:
    """Whole calendar days between two moments as the leader lives them (yesterday evening is 1 day ago)."""
    return (later.astimezone(tz).date() - earlier.astimezone(tz).date()).days


@dataclass(frozen=True)
class ContactFigures:
    """What one leader's first-hand conversations add up to, however they were counted (in Python from
    ``Contact`` rows, or by the database in ``selectors``)."""

    latest: datetime | None = None
    last_7: int = 0
    last_30: int = 0
    last_90: int = 0
    segments_met: int = 0
    roles: frozenset[str] = frozenset()  # person roles met in the last 90 days
    settings_met: frozenset[str] = frozenset()  # SETTINGS keys seen in the last 90 days
    weekly: tuple[int, ...] = ()


def figures_of(contacts: Iterable[Contact], now: datetime, *, time_zone: str = "UTC",
               week_starts: Sequence[date] = ()) -> ContactFigures:
    """The figures of a list of contacts (the reference the database aggregates must agree with)."""
    past = [c for c in contacts if c.occurred_at <= now]
    recent = [c for c in past if c.occurred_at > now - timedelta(days=COVERAGE_DAYS)]
    counts = {days: sum(1 for c in past if c.occurred_at > now - timedelta(days=days)) for days in WINDOWS}
    return ContactFigures(
        latest=max((c.occurred_at for c in past), default=None),
        last_7=counts[7], last_30=counts[30], last_90=counts[90],
        segments_met=len({c.segment_id for c in recent if c.segment_id is not None}),
        roles=frozenset().union(*(c.person_roles for c in recent)),
        settings_met=frozenset(c.kind for c in recent if c.kind in SETTINGS),
        weekly=tuple(weekly_counts([c.occurred_at for c in past], week_starts, ZoneInfo(time_zone))),
    )


def pulse_from(user_id: int, name: str, figures: ContactFigures, now: datetime, *,
               last_contact_at: datetime | None = None, tally: HighlightTally = HighlightTally(),
               time_zone: str = "UTC") -> Pulse:
    """The pulse of one leader from their figures; ``last_contact_at`` is their latest contact ever, which may
    be older than the figures' window."""
    latest = max([m for m in (figures.latest, last_contact_at) if m is not None], default=None)
    taken_in = tally.first_hand + tally.relayed_read
    return Pulse(
        user_id=user_id, name=name, last_contact_at=latest,
        days_since_last=days_between(latest, now, ZoneInfo(time_zone)) if latest else None,
        last_7=figures.last_7, last_30=figures.last_30, last_90=figures.last_90,
        first_hand_share=tally.first_hand / taken_in if taken_in else None,
        segments_met=figures.segments_met,
        buyers_met="buyer" in figures.roles, end_users_met="end_user" in figures.roles,
        internal_met="internal" in figures.roles,
        settings_met=tuple(k for k in SETTINGS if k in figures.settings_met),
        competitor_mentions=tally.competitor_mentions,
        weekly=list(figures.weekly),
    )


def compute_pulse(user_id: int, name: str, contacts: Iterable[Contact], now: datetime, *,
                  last_contact_at: datetime | None = None, tally: HighlightTally = HighlightTally(),
                  time_zone: str = "UTC", week_starts: Sequence[date] = ()) -> Pulse:
    """The pulse of one leader. ``contacts`` are their first-hand conversations (at least the last 90 days);
    ``last_contact_at`` their latest one ever, which may be older than the contacts given."""
    figures = figures_of(contacts, now, time_zone=time_zone, week_starts=week_starts)
    return pulse_from(user_id, name, figures, now, last_contact_at=last_contact_at, tally=tally,
                      time_zone=time_zone)


def team_medians(pulses: Sequence[Pulse]) -> dict[str, float | None]:
    """The median of each figure over the leaders who have a value for it (never-met leaders have no 'days')."""
    medians: dict[str, float | None] = {}
    for key, *_ in FIGURES:
        values = [v for p in pulses if (v := p.figure(key)) is not None]
        medians[key] = float(statistics.median(values)) if values else None
    return medians


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    short: str
    value: float | None
    median: float | None
    better: bool | None  # None when either side is missing or they are equal


def compare_with_team(pulse: Pulse, medians: dict[str, float | None]) -> list[Comparison]:
    rows = []
    for key, label, short, higher_is_better in FIGURES:
        value, median = pulse.figure(key), medians.get(key)
        better = None
        if value is not None and median is not None and value != median:
            better = (value > median) == higher_is_better
        elif key == "days_since_last" and value is None and median is not None:
            better = False  # never met a customer first-hand
        if value == 1:
            short = SHORT_FOR_ONE.get(key, short)
        rows.append(Comparison(key=key, label=label, short=short, value=value, median=median, better=better))
    return rows


def week_starts_ending(today: date, weeks: int = 12) -> list[date]:
    """The Mondays of the last ``weeks`` calendar weeks, oldest first, the last being this week's."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_counts(moments: Iterable[datetime], week_starts: Sequence[date], tz: ZoneInfo) -> list[int]:
    """First-hand conversations per Monday-to-Sunday week, by the leader's own calendar."""
    counts = [0] * len(week_starts)
    if not week_starts:
        return counts
    first = week_starts[0]
    for moment in moments:
        index = (moment.astimezone(tz).date() - first).days // 7
        if 0 <= index < len(counts):
            counts[index] += 1
    return counts
