"""Challenge weeks and the leaderboard, computed from plain data (no database).

Week ``i`` of a challenge runs, for each participant, from local midnight of ``starts_on + 7i`` to local
midnight of ``starts_on + 7(i+1)`` in that participant's time zone. Comparing *local dates* rather than adding
7 × 24 hours keeps the boundaries right when a daylight-saving change falls inside a week (that week is then
167 or 169 hours long).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def week_count(starts_on: date, ends_on: date) -> int:
    """Weeks of a challenge; the last may be shorter when the span is not a multiple of seven days."""
    return max(0, (ends_on - starts_on).days // 7 + 1)


def week_bounds(starts_on: date, index: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The start (inclusive) and end (exclusive) of week ``index`` (0-based) in ``tz``, as UTC datetimes."""
    start = datetime.combine(starts_on + timedelta(days=7 * index), time.min, tzinfo=tz)
    end = datetime.combine(starts_on + timedelta(days=7 * (index + 1)), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def week_index(starts_on: date, moment: datetime, tz: ZoneInfo) -> int:
    """The 0-based challenge week ``moment`` falls in for someone in ``tz`` (negative before the start)."""
    return (moment.astimezone(tz).date() - starts_on).days // 7


@dataclass(frozen=True)
class ChallengeSpan:
    starts_on: date
    ends_on: date
    weekly_target: int

    @property
    def weeks(self) -> int:
        return week_count(self.starts_on, self.ends_on)

    def current_week(self, now: datetime, tz: ZoneInfo) -> int:
        """The week running at ``now`` in ``tz``, held within the challenge (the last week once it is over)."""
        return min(max(week_index(self.starts_on, now, tz), 0), self.weeks - 1)

    def has_started(self, now: datetime, tz: ZoneInfo) -> bool:
        return now.astimezone(tz).date() >= self.starts_on

    def is_over(self, now: datetime, tz: ZoneInfo) -> bool:
        return now.astimezone(tz).date() > self.ends_on


@dataclass(frozen=True)
class Entrant:
    user_id: int
    name: str
    time_zone: str = "UTC"
    status: str = "accepted"


@dataclass
class LeaderboardRow:
    user_id: int
    name: str
    time_zone: str
    status: str
    weekly: list[int] = field(default_factory=list)  # first-hand conversations per challenge week
    current_week: int = 0  # 0-based index of the participant's current week
    this_week: int = 0
    total: int = 0
    target_met: bool = False
    weeks_at_target: int = 0
    weeks_elapsed: int = 0
    streak: int = 0
    rank: int = 0


@dataclass
class Leaderboard:
    span: ChallengeSpan
    rows: list[LeaderboardRow]
    pending: list[LeaderboardRow]  # invited, not yet answered: shown, not ranked

    @property
    def team_this_week(self) -> int:
        return sum(r.this_week for r in self.rows)

    @property
    def team_total(self) -> int:
        return sum(r.total for r in self.rows)


def streak_of(weekly: Sequence[int], current: int, target: int) -> int:
    """Weeks in a row at target, ending with the current week if it is already met, else with the week before.

    A week still in progress does not break a streak until it is over.
    """
    end = current if weekly[current] >= target else current - 1
    streak = 0
    for index in range(end, -1, -1):
        if weekly[index] < target:
            break
        streak += 1
    return streak


def week_boundaries(span: ChallengeSpan) -> list[date]:
    """The local days on which each week starts, and the day after the last: week ``i`` is
    ``[bounds[i], bounds[i + 1])`` in each participant's zone (the last week may be shorter)."""
    return [span.starts_on + timedelta(days=7 * i) for i in range(span.weeks)] + [span.ends_on + timedelta(days=1)]


def weekly_of(span: ChallengeSpan, contacts: Iterable[datetime], now: datetime, tz: ZoneInfo) -> list[int]:
    """First-hand conversations per challenge week (the reference the database's counts must agree with)."""
    weekly = [0] * span.weeks
    for moment in contacts:
        if moment > now:
            continue  # planned, not yet had
        index = week_index(span.starts_on, moment, tz)
        if 0 <= index < span.weeks and moment.astimezone(tz).date() <= span.ends_on:
            weekly[index] += 1
    return weekly


def build_row(span: ChallengeSpan, entrant: Entrant, contacts: Iterable[datetime], now: datetime, *,
              weekly: Sequence[int] | None = None) -> LeaderboardRow:
    """One participant's row, from their contacts or, already counted per week, from ``weekly``."""
    tz = ZoneInfo(entrant.time_zone)
    weekly = list(weekly) if weekly is not None else weekly_of(span, contacts, now, tz)
    current = span.current_week(now, tz)
    started = span.has_started(now, tz)
    # Weeks that count towards "weeks at target": those begun; the running week only once it is met.
    completed = current if not span.is_over(now, tz) else span.weeks
    elapsed = completed + (1 if started and not span.is_over(now, tz) else 0)
    this_week = weekly[current] if started else 0
    at_target = sum(1 for n in weekly[:completed] if n >= span.weekly_target)
    if started and not span.is_over(now, tz) and this_week >= span.weekly_target:
        at_target += 1
    return LeaderboardRow(
        user_id=entrant.user_id, name=entrant.name, time_zone=entrant.time_zone, status=entrant.status,
        weekly=weekly, current_week=current, this_week=this_week, total=sum(weekly),
        target_met=started and this_week >= span.weekly_target, weeks_at_target=at_target,
        weeks_elapsed=elapsed if started else 0,
        streak=streak_of(weekly, current, span.weekly_target) if started else 0,
    )


def build_leaderboard(span: ChallengeSpan, entrants: Sequence[Entrant], contacts: dict[int, list[datetime]],
                      now: datetime, *, weekly: dict[int, Sequence[int]] | None = None) -> Leaderboard:
    """Rank accepted participants by this week's first-hand conversations, then streak, then the whole challenge.

    ``contacts`` maps a user id to the moments of their first-hand conversations (logged, present); or
    ``weekly`` maps it to those conversations already counted per challenge week (a missing id: none).
    """
    rows: list[LeaderboardRow] = []
    pending: list[LeaderboardRow] = []
    for entrant in entrants:
        if entrant.status == "declined":
            continue
        counted = None if weekly is None else weekly.get(entrant.user_id, [0] * span.weeks)
        row = build_row(span, entrant, contacts.get(entrant.user_id, []), now, weekly=counted)
        (rows if entrant.status == "accepted" else pending).append(row)
    rows.sort(key=lambda r: (-r.this_week, -r.streak, -r.total, r.name.lower()))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        key = (row.this_week, row.streak, row.total)
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    pending.sort(key=lambda r: r.name.lower())
    return Leaderboard(span=span, rows=rows, pending=pending)
