"""Pulse figures and team medians on constructed data (no database)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from outsidein.engagement.pulse import (
    Contact,
    HighlightTally,
    compare_with_team,
    compute_pulse,
    team_medians,
    week_starts_ending,
    weekly_counts,
)

UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday


def ago(days: float, **extra) -> Contact:
    return Contact(occurred_at=NOW - timedelta(days=days), **extra)


def test_counts_per_window_and_days_since_the_last_conversation():
    contacts = [ago(2), ago(6.9), ago(8), ago(29), ago(45), ago(89), ago(120), Contact(NOW + timedelta(days=1))]
    pulse = compute_pulse(1, "Ada", contacts, NOW)
    assert (pulse.last_7, pulse.last_30, pulse.last_90) == (2, 4, 6)
    assert pulse.days_since_last == 2 and not pulse.insulated


def test_days_since_last_uses_the_leaders_calendar_and_an_older_last_contact():
    late_evening = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # 23:30 on Sunday in New York
    pulse = compute_pulse(1, "Ny", [Contact(late_evening)], NOW, time_zone="America/New_York")
    assert pulse.days_since_last == 1
    insulated = compute_pulse(2, "Cfo", [], NOW, last_contact_at=NOW - timedelta(days=49))
    assert insulated.days_since_last == 49 and insulated.last_90 == 0 and insulated.insulated
    never = compute_pulse(3, "New", [], NOW)
    assert never.days_since_last is None and never.insulated


def test_coverage_of_segments_people_settings_and_competitors():
    contacts = [
        ago(3, kind="service_side_by_side", segment_id=1, person_roles=frozenset({"end_user"})),
        ago(10, kind="coffee", segment_id=1, person_roles=frozenset({"buyer"})),
        ago(40, kind="site_visit", segment_id=2, person_roles=frozenset({"end_user", "buyer"})),
        ago(100, kind="sales_sit_in", segment_id=3, person_roles=frozenset({"internal"})),  # too old to count
    ]
    pulse = compute_pulse(1, "Ada", contacts, NOW, tally=HighlightTally(first_hand=6, relayed_read=2,
                                                                         competitor_mentions=3))
    assert pulse.segments_met == 2
    assert pulse.buyers_met and pulse.end_users_met and not pulse.internal_met and pulse.people_met == 2
    assert pulse.settings_met == ("service_side_by_side", "site_visit")
    assert pulse.first_hand_share == 0.75 and pulse.first_hand_percent == 75
    assert pulse.competitor_mentions == 3


def test_share_is_unknown_without_any_highlights_taken_in():
    assert compute_pulse(1, "Ada", [ago(1)], NOW).first_hand_share is None
    assert compute_pulse(1, "Ada", [], NOW, tally=HighlightTally(relayed_read=4)).first_hand_share == 0


def test_team_median_and_comparison():
    pulses = [
        compute_pulse(1, "Ada", [ago(d) for d in (1, 3, 5, 20)], NOW),  # 4 in 30 days, 1 day ago
        compute_pulse(2, "Ben", [ago(d) for d in (10, 25)], NOW),  # 2 in 30 days, 10 days ago
        compute_pulse(3, "Cfo", [], NOW, last_contact_at=NOW - timedelta(days=49)),  # 0, 49 days ago
        compute_pulse(4, "New", [], NOW),  # never: no "days since" to take a median of
    ]
    medians = team_medians(pulses)
    assert medians["last_30"] == 1.0  # median of 4, 2, 0, 0
    assert medians["days_since_last"] == 10.0  # median of 1, 10, 49
    rows = {c.key: c for c in compare_with_team(pulses[2], medians)}
    assert rows["days_since_last"].better is False and rows["last_30"].better is False
    rows = {c.key: c for c in compare_with_team(pulses[0], medians)}
    assert rows["days_since_last"].better is True and rows["last_30"].better is True
    assert {c.key: c for c in compare_with_team(pulses[3], medians)}["days_since_last"].better is False


def test_heat_map_weeks_are_mondays_by_the_leaders_calendar():
    starts = week_starts_ending(date(2026, 11, 25), weeks=3)
    assert starts == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    tokyo = ZoneInfo("Asia/Tokyo")
    sunday_evening_utc = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # already Monday 01:00 in Tokyo
    assert weekly_counts([sunday_evening_utc], starts, tokyo) == [0, 0, 1]
    assert weekly_counts([sunday_evening_utc], starts, UTC) == [0, 1, 0]
    pulse = compute_pulse(1, "Ada", [Contact(sunday_evening_utc)], NOW, time_zone="Asia/Tokyo", week_starts=starts)
    assert pulse.weekly == [0, 0, 1]
