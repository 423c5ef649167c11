"""NPS, CSAT and CES estimates, their margins of error, period comparisons and series."""

import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy import stats

from outsidein.insights.analysis.scores import (
    MIN_SAMPLE,
    VERDICT_CHANGE,
    VERDICT_NO_DATA,
    VERDICT_NOISE,
    ces,
    compare_periods,
    csat,
    estimate,
    nps,
    score_series,
)


def answers(**counts: int) -> list[int]:
    """Survey answers from counts per score, e.g. answers(s10=3, s0=1)."""
    return [int(key[1:]) for key, count in counts.items() for _ in range(count)]


# --- NPS against a hand computation ------------------------------------------------------------------------


def test_nps_margin_of_error_matches_hand_computation():
    # Last quarter: 200 answers = 100 promoters (9-10), 60 passives (7-8), 40 detractors (0-6).
    #   p+ = 100/200 = 0.50, p- = 40/200 = 0.20, NPS = 100 * (0.50 - 0.20) = 30
    #   variance of the difference = (p+ + p- - (p+ - p-)^2) / n = (0.50 + 0.20 - 0.30^2) / 200
    #                              = (0.70 - 0.09) / 200 = 0.61 / 200 = 0.00305
    #   in NPS points: 0.00305 * 100^2 = 30.5 points^2; SE = sqrt(30.5) = 5.5227 points
    #   95% margin = 1.96 * 5.5227 = 10.824 points -> NPS 30 +/- 10.8, i.e. 19.2 to 40.8
    last_quarter = nps(answers(s10=60, s9=40, s8=30, s7=30, s6=20, s3=20))

    assert (last_quarter.promoters, last_quarter.passives, last_quarter.detractors) == (100, 60, 40)
    assert last_quarter.value == pytest.approx(30.0)
    assert last_quarter.variance == pytest.approx(30.5)
    assert last_quarter.standard_error == pytest.approx(5.5227, abs=1e-4)
    assert last_quarter.margin_of_error == pytest.approx(10.824, abs=1e-3)
    assert (last_quarter.low, last_quarter.high) == (
        pytest.approx(19.176, abs=1e-3),
        pytest.approx(40.824, abs=1e-3),
    )
    assert last_quarter.warning is None


def test_nps_change_within_noise_matches_hand_computation():
    # Before: as above, n = 200, NPS 30, variance 0.00305.
    # After: 150 answers = 60 promoters, 60 passives, 30 detractors.
    #   p+ = 0.40, p- = 0.20, NPS = 20; variance = (0.40 + 0.20 - 0.20^2) / 150 = 0.56 / 150 = 0.0037333
    # Difference = 20 - 30 = -10 points
    #   SE = 100 * sqrt(0.00305 + 0.0037333) = 100 * sqrt(0.0067833) = 8.2361 points
    #   z = -10 / 8.2361 = -1.2142; from the normal table Phi(1.2142) = 0.8877, so p = 2 * (1 - 0.8877) = 0.2247
    # p > 0.05: a ten-point drop on these samples is within noise.
    before = nps([10] * 100 + [8] * 60 + [2] * 40)
    after = nps([9] * 60 + [7] * 60 + [5] * 30)

    change = compare_periods(before, after)

    assert after.value == pytest.approx(20.0)
    assert change.difference == pytest.approx(-10.0)
    assert change.standard_error == pytest.approx(8.2361, abs=1e-4)
    assert change.statistic == pytest.approx(-1.2142, abs=1e-4)
    assert change.p_value == pytest.approx(0.2247, abs=1e-4)
    assert change.test == "two-sample z"
    assert not change.significant
    assert change.verdict == VERDICT_NOISE == "within noise"


def test_nps_change_more_than_noise_with_four_times_the_answers():
    # Same shares, four times the answers: before 800 (400/240/160), after 600 (240/240/120).
    #   variances: 0.61 / 800 = 0.0007625 and 0.56 / 600 = 0.00093333
    #   SE = 100 * sqrt(0.0007625 + 0.00093333) = 100 * sqrt(0.00169583) = 4.1180 points
    #   z = -10 / 4.1180 = -2.4283; Phi(2.4283) = 0.99242, so p = 2 * (1 - 0.99242) = 0.0152 < 0.05
    before = nps([10] * 400 + [8] * 240 + [2] * 160)
    after = nps([9] * 240 + [7] * 240 + [5] * 120)

    change = compare_periods(before, after)

    assert change.standard_error == pytest.approx(4.1180, abs=1e-4)
    assert change.statistic == pytest.approx(-2.4283, abs=1e-4)
    assert change.p_value == pytest.approx(0.0152, abs=1e-4)
    assert change.margin_of_error == pytest.approx(1.96 * 4.1180, abs=1e-2)
    assert change.verdict == VERDICT_CHANGE == "more than noise"


def test_nps_boundaries_between_detractors_passives_and_promoters():
    result = nps([0, 6, 7, 8, 9, 10])

    assert (result.detractors, result.passives, result.promoters) == (2, 2, 2)
    assert result.value == 0.0


# --- CSAT and CES -------------------------------------------------------------------------------------------


def test_csat_top_two_box_and_mean_match_hand_computation():
    # 40 answers: 12 fives, 12 fours, 8 threes, 4 twos, 4 ones.
    #   top-2-box = 24/40 = 60%; SE = 100 * sqrt(0.6 * 0.4 / 40) = 100 * sqrt(0.006) = 7.746 points
    #   mean = (60 + 48 + 24 + 8 + 4) / 40 = 144 / 40 = 3.6
    result = csat(answers(s5=12, s4=12, s3=8, s2=4, s1=4))

    assert result.n == 40
    assert result.top2_box.value == pytest.approx(60.0)
    assert result.top2_box.standard_error == pytest.approx(7.746, abs=1e-3)
    assert result.top2_box.margin_of_error == pytest.approx(1.96 * 7.746, abs=1e-2)
    assert result.mean.value == pytest.approx(3.6)


def test_ces_margin_uses_student_t():
    # 35 answers, five of each 1..7: mean 4; squared deviations per round 9+4+1+0+1+4+9 = 28, total 140
    #   sd = sqrt(140 / 34) = 2.0292, SE = 2.0292 / sqrt(35) = 0.34300
    #   t(34 df, 97.5%) = 2.0322 from the t table, margin = 2.0322 * 0.34300 = 0.6971
    result = ces(list(range(1, 8)) * 5)

    assert result.value == pytest.approx(4.0)
    assert result.sd == pytest.approx(2.0292, abs=1e-4)
    assert result.standard_error == pytest.approx(0.34300, abs=1e-5)
    assert result.margin_of_error == pytest.approx(0.6971, abs=1e-4)


def test_mean_comparison_is_welchs_t_test():
    rng = np.random.default_rng(3)
    before_answers = rng.integers(1, 8, size=60)
    after_answers = np.clip(rng.integers(1, 8, size=45) + 1, 1, 7)

    change = compare_periods(ces(before_answers), ces(after_answers))
    reference = stats.ttest_ind(after_answers, before_answers, equal_var=False)

    assert change.test == "Welch t"
    assert change.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert change.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert change.df == pytest.approx(reference.df, rel=1e-9)


def test_estimate_picks_the_headline_number_per_metric():
    answers_1_to_5 = [5, 4, 4, 2, 1]

    assert estimate("csat", answers_1_to_5).value == pytest.approx(60.0)
    assert estimate("csat_mean", answers_1_to_5).value == pytest.approx(3.2)
    assert estimate("nps", [10, 0]).value == pytest.approx(0.0)
    assert estimate("ces", [7, 1]).value == pytest.approx(4.0)
    with pytest.raises(ValueError, match="Unknown metric"):
        estimate("loyalty", [1])  # type: ignore[arg-type]


# --- warnings, missing and impossible answers ---------------------------------------------------------------


def test_small_samples_carry_a_warning_naming_the_count():
    small = nps([10] * 20 + [3] * (MIN_SAMPLE - 21))
    enough = nps([10] * 20 + [3] * (MIN_SAMPLE - 20))

    assert small.n == MIN_SAMPLE - 1
    assert f"Only {MIN_SAMPLE - 1} responses" in small.warning
    assert enough.warning is None
    assert "indicative" in csat([5, 4, 1]).warning
    assert ces([3] * 10).warning is not None


def test_no_responses_give_no_number_and_no_verdict():
    empty = nps([])
    change = compare_periods(empty, nps([10] * 40))

    assert empty.n == 0
    assert math.isnan(empty.value)
    assert empty.warning == "No responses."
    assert change.verdict == VERDICT_NO_DATA
    assert "Before: No responses." in change.warning


def test_unanimous_answers_warn_that_the_zero_margin_is_not_real():
    everyone_promotes = nps([10] * 50)

    assert everyone_promotes.value == 100.0
    assert everyone_promotes.margin_of_error == 0.0
    assert "margin of error shows as 0" in everyone_promotes.warning


def test_missing_answers_are_dropped():
    result = nps([10, None, float("nan"), 0, 9])
    as_array = csat(np.array([5.0, np.nan, 1.0]))

    assert result.n == 3
    assert result.value == pytest.approx(100 / 3)
    assert as_array.n == 2


@pytest.mark.parametrize(
    ("scorer", "bad"),
    [(nps, [11]), (nps, [-1]), (nps, [7.5]), (csat, [0]), (csat, [6]), (ces, [8])],
)
def test_impossible_answers_are_refused(scorer, bad):
    with pytest.raises(ValueError, match="whole numbers"):
        scorer([*bad, 3])


def test_different_metrics_cannot_be_compared():
    with pytest.raises(ValueError, match="Cannot compare"):
        compare_periods(nps([10, 9]), ces([3, 4]))
    with pytest.raises(TypeError, match=r"compare \.top2_box or \.mean"):
        compare_periods(csat([5, 4]), csat([1, 2]))


# --- series -------------------------------------------------------------------------------------------------


def test_monthly_series_shows_empty_months_as_zero_responses():
    stamps = [date(2024, 1, 5)] * 3 + [date(2024, 3, 20)] * 2
    scores = [10, 10, 0, 9, 9]

    series = score_series(stamps, scores, "nps", period="month")

    assert [(point.period, point.estimate.n) for point in series] == [
        ("2024-01", 3),
        ("2024-02", 0),
        ("2024-03", 2),
    ]
    assert series[0].estimate.value == pytest.approx(100 / 3)
    assert series[0].start == date(2024, 1, 1)
    assert series[1].estimate.warning == "No responses."
    assert [p.period for p in score_series(stamps, scores, "nps", fill_gaps=False)] == ["2024-01", "2024-03"]


def test_series_by_group_from_values_list_rows():
    # Shaped like queryset.values_list("received_at", "nps", "account__segment__name").
    rows = [
        (datetime(2024, 2, 1, 9, tzinfo=UTC), 10, "Enterprise"),
        (datetime(2024, 5, 1, 9, tzinfo=UTC), 0, "Enterprise"),
        (datetime(2024, 2, 3, 9, tzinfo=UTC), 9, "SMB"),
        (datetime(2024, 2, 4, 9, tzinfo=UTC), None, "SMB"),
        (datetime(2024, 2, 5, 9, tzinfo=UTC), 7, None),
    ]
    stamps, scores, segments = zip(*rows, strict=True)

    series = score_series(stamps, scores, "nps", period="quarter", groups=segments)

    assert [(p.group, p.period, p.estimate.n) for p in series] == [
        ("Enterprise", "2024-Q1", 1),
        ("Enterprise", "2024-Q2", 1),
        ("SMB", "2024-Q1", 1),
        ("SMB", "2024-Q2", 0),
        (None, "2024-Q1", 1),
        (None, "2024-Q2", 0),
    ]
    assert series[1].estimate.value == -100.0


def test_weeks_are_iso_weeks_starting_on_monday():
    # 2024-12-30 is a Monday and belongs to ISO week 1 of 2025; 2024-12-29 is the Sunday before.
    series = score_series([date(2024, 12, 29), date(2024, 12, 30), date(2025, 1, 5)], [1, 2, 3], "ces", period="week")

    assert [(p.period, p.start, p.estimate.n) for p in series] == [
        ("2024-W52", date(2024, 12, 23), 1),
        ("2025-W01", date(2024, 12, 30), 2),
    ]


def test_aware_times_are_bucketed_by_the_local_date():
    late_on_31_january_utc = datetime(2024, 1, 31, 23, 30, tzinfo=UTC)  # already 1 February in Berlin

    utc = score_series([late_on_31_january_utc], [5], "csat", period="month")
    berlin = score_series([late_on_31_january_utc], [5], "csat", period="month", tz=ZoneInfo("Europe/Berlin"))

    assert utc[0].period == "2024-01"
    assert berlin[0].period == "2024-02"


def test_series_without_time_compares_groups():
    series = score_series(None, [5, 4, 1, 2], "csat", period=None, groups=["gold", "gold", "silver", "silver"])

    assert [(p.group, p.period, p.estimate.value) for p in series] == [
        ("gold", None, 100.0),
        ("silver", None, 0.0),
    ]


def test_numpy_timestamps_and_yearly_buckets():
    stamps = np.array(["2023-06-01", "2024-01-01", "2024-12-31"], dtype="datetime64[s]")

    series = score_series(stamps, [7, 1, 1], "ces", period="year")

    assert [(p.period, p.estimate.n) for p in series] == [("2023", 1), ("2024", 2)]
    assert series[0].start == date(2023, 1, 1)
