"""Challenge weeks, leaderboard and streaks on constructed data (no database)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from outsidein.engagement.leaderboard import (
    ChallengeSpan,
    Entrant,
    build_leaderboard,
    streak_of,
    week_bounds,
    week_count,
    week_index,
)

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_week_bounds_follow_local_midnight_across_spring_forward_in_berlin():
    # Berlin moves its clocks forward on Sunday 29 March 2026: the first week is one hour short.
    start, end = week_bounds(date(2026, 3, 23), 0, BERLIN)
    assert start == utc(2026, 3, 22, 23, 0)  # midnight CET
    assert end == utc(2026, 3, 29, 22, 0)  # midnight CEST
    assert end - start == timedelta(hours=167)


def test_conversation_just_after_local_midnight_after_spring_forward_counts_in_the_next_week():
    starts_on = date(2026, 3, 23)
    just_after = utc(2026, 3, 29, 22, 30)  # 00:30 on Monday 30 March in Berlin
    just_before = utc(2026, 3, 29, 21, 50)  # 23:50 on Sunday 29 March in Berlin
    assert week_index(starts_on, just_after, BERLIN) == 1
    assert week_index(starts_on, just_before, BERLIN) == 0
    # Seven times 24 hours from the start would have put 00:30 local in the first week.
    assert just_after < utc(2026, 3, 22, 23, 0) + timedelta(days=7)


def test_fall_back_in_new_york_makes_the_week_an_hour_longer():
    starts_on = date(2026, 10, 26)  # clocks go back on Sunday 1 November 2026
    start, end = week_bounds(starts_on, 0, NEW_YORK)
    assert start == utc(2026, 10, 26, 4, 0)  # midnight EDT
    assert end == utc(2026, 11, 2, 5, 0)  # midnight EST
    late_sunday = utc(2026, 11, 2, 4, 30)  # 23:30 on Sunday 1 November, EST
    early_monday = utc(2026, 11, 2, 5, 10)  # 00:10 on Monday 2 November, EST
    assert week_index(starts_on, late_sunday, NEW_YORK) == 0
    assert week_index(starts_on, early_monday, NEW_YORK) == 1


def test_the_same_moment_falls_in_different_weeks_for_people_in_different_zones():
    span = ChallengeSpan(date(2026, 10, 26), date(2026, 11, 22), 1)
    moment = utc(2026, 11, 2, 4, 30)  # Monday 05:30 in London, still Sunday in New York
    now = utc(2026, 11, 3, 12)
    board = build_leaderboard(span, [Entrant(1, "Ny", "America/New_York"), Entrant(2, "Lo", "Europe/London")],
                              {1: [moment], 2: [moment]}, now)
    by_name = {r.name: r for r in board.rows}
    assert by_name["Ny"].weekly[:2] == [1, 0]
    assert by_name["Lo"].weekly[:2] == [0, 1]
    assert by_name["Lo"].this_week == 1 and by_name["Ny"].this_week == 0


def test_week_count_includes_a_short_last_week():
    assert week_count(date(2026, 1, 5), date(2026, 2, 15)) == 6
    assert week_count(date(2026, 1, 5), date(2026, 2, 16)) == 7
    assert week_count(date(2026, 1, 5), date(2026, 1, 5)) == 1


def test_streak_counts_weeks_in_a_row_at_target_and_a_running_week_does_not_break_it():
    assert streak_of([3, 3, 1, 3, 4, 0], current=5, target=3) == 2  # the running week has not failed yet
    assert streak_of([3, 3, 1, 3, 4, 3], current=5, target=3) == 3  # ... and counts once met
    assert streak_of([3, 3, 1, 3, 4, 0], current=2, target=3) == 2  # viewing the week that broke it
    assert streak_of([0, 0, 0], current=2, target=1) == 0


def test_leaderboard_ranks_this_week_then_streak_and_marks_targets():
    span = ChallengeSpan(date(2026, 1, 5), date(2026, 2, 15), 2)  # six Monday-to-Sunday weeks
    now = utc(2026, 1, 28, 12)  # Wednesday of week 4 (index 3)

    def on(week: int, day: int = 1, n: int = 1) -> list[datetime]:
        return [utc(2026, 1, 5, 10) + timedelta(days=7 * week + day, minutes=i) for i in range(n)]

    contacts = {
        1: on(0, n=2) + on(1, n=2) + on(2, n=3) + on(3, n=2),  # at target every week: streak 4
        2: on(0, n=5) + on(3, n=2),  # big first week, then nothing until this week
        3: on(1, n=1) + on(2, n=2),  # nothing yet this week: streak 1, week not over
        4: on(3, n=1) + on(3, day=3, n=4),  # Saturday of this week is still in the future
    }
    entrants = [Entrant(1, "Ada"), Entrant(2, "Ben"), Entrant(3, "Cy"), Entrant(4, "Dee"),
                Entrant(5, "Eve", status="invited"), Entrant(6, "Fox", status="declined")]
    board = build_leaderboard(span, entrants, contacts, now)
    rows = {r.name: r for r in board.rows}
    assert [r.name for r in board.rows] == ["Ada", "Ben", "Dee", "Cy"]
    assert [r.rank for r in board.rows] == [1, 2, 3, 4]
    assert rows["Ada"].weekly == [2, 2, 3, 2, 0, 0] and rows["Ada"].streak == 4
    assert rows["Ada"].target_met and rows["Ada"].weeks_at_target == 4 and rows["Ada"].weeks_elapsed == 4
    assert rows["Ben"].streak == 1 and rows["Ben"].total == 7 and rows["Ben"].weeks_at_target == 2
    assert rows["Cy"].this_week == 0 and not rows["Cy"].target_met and rows["Cy"].streak == 1
    assert rows["Dee"].this_week == 1 and rows["Dee"].total == 1  # planned ones do not count yet
    assert [r.name for r in board.pending] == ["Eve"]
    assert board.team_this_week == 2 + 2 + 0 + 1


def test_before_the_start_nothing_counts_and_after_the_end_the_last_week_is_current():
    span = ChallengeSpan(date(2026, 3, 2), date(2026, 3, 15), 1)
    before = build_leaderboard(span, [Entrant(1, "Ada")], {1: [utc(2026, 2, 27, 9)]}, utc(2026, 2, 28, 9))
    assert before.rows[0].this_week == 0 and before.rows[0].weeks_elapsed == 0 and before.rows[0].total == 0
    after = build_leaderboard(span, [Entrant(1, "Ada")], {1: [utc(2026, 3, 3, 9), utc(2026, 3, 10, 9),
                                                            utc(2026, 3, 20, 9)]}, utc(2026, 4, 1, 9))
    row = after.rows[0]
    assert row.weekly == [1, 1] and row.total == 2  # the 20th is after the end
    assert row.current_week == 1 and row.weeks_at_target == 2 and row.weeks_elapsed == 2 and row.streak == 2
