"""Pilot difference-in-differences against statsmodels, on simulated pilots and degenerate input."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from outsidein.initiatives.pilot_stats import (
    PilotObservation,
    difference_in_differences,
    difference_in_differences_from_arrays,
)


def simulate_pilot(
    seed: int,
    effect: float = 1.0,
    accounts_per_group: int = 20,
    responses_per_window: int = 5,
    account_sd: float = 1.0,
    noise_sd: float = 1.5,
    account_window_sd: float = 0.0,
) -> list[PilotObservation]:
    """Accounts with their own level, a common shift between windows and the pilot's effect.

    account_window_sd: an account's own swing from one window to the next, shared by all its
    responses in that window: the correlation that cluster-robust errors are there for.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for account in range(2 * accounts_per_group):
        group = "pilot" if account < accounts_per_group else "control"
        level = 7 + rng.normal(0, account_sd) + (0.5 if group == "pilot" else 0)
        for period in ("baseline", "pilot"):
            shift = 0.3 if period == "pilot" else 0
            lift = effect if (group == "pilot" and period == "pilot") else 0
            swing = rng.normal(0, account_window_sd) if account_window_sd else 0
            for value in level + shift + lift + swing + rng.normal(0, noise_sd, responses_per_window):
                rows.append(PilotObservation(account, group, period, float(value)))
    return rows


def statsmodels_fit(rows, cov_type):
    frame = pd.DataFrame([r.__dict__ for r in rows])
    frame["treated"] = (frame["group"] == "pilot").astype(int)
    frame["post"] = (frame["period"] == "pilot").astype(int)
    model = smf.ols("value ~ treated + post + treated:post", data=frame)
    if cov_type == "cluster":
        return model.fit(cov_type="cluster", cov_kwds={"groups": frame["account_id"]}, use_t=True)
    return model.fit(use_t=True)


@pytest.mark.parametrize("cov_type", ["cluster", "ols"])
def test_agrees_with_statsmodels_formula_ols_with_interaction(cov_type):
    rows = simulate_pilot(seed=7)
    ours = difference_in_differences(rows, covariance=cov_type)
    theirs = statsmodels_fit(rows, cov_type)
    assert ours.effect == pytest.approx(theirs.params["treated:post"], abs=1e-9)
    assert ours.std_error == pytest.approx(theirs.bse["treated:post"], abs=1e-9)
    low, high = theirs.conf_int().loc["treated:post"]
    assert ours.ci_low == pytest.approx(low, abs=1e-9)
    assert ours.ci_high == pytest.approx(high, abs=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalues["treated:post"], abs=1e-9)


def test_effect_equals_the_difference_of_differences_of_cell_means():
    result = difference_in_differences(simulate_pilot(seed=3))
    pilot_change = result.cell("pilot", "pilot").mean - result.cell("pilot", "baseline").mean
    control_change = result.cell("control", "pilot").mean - result.cell("control", "baseline").mean
    assert result.effect == pytest.approx(pilot_change - control_change, abs=1e-9)


def test_reports_sample_sizes_per_cell():
    result = difference_in_differences(simulate_pilot(seed=3, accounts_per_group=12, responses_per_window=4))
    for cell in result.cells:
        assert cell.responses == 12 * 4
        assert cell.accounts == 12
    assert result.responses == 4 * 12 * 4
    assert result.accounts == 24


@pytest.mark.parametrize("cov_type", ["cluster", "ols"])
def test_known_effect_is_inside_the_95_percent_interval_in_at_least_90_of_100_pilots(cov_type):
    # Plain OLS assumes independent responses, so its simulation has no account swings.
    swing = 0.5 if cov_type == "cluster" else 0.0
    covered = 0
    for seed in range(100):
        result = difference_in_differences(
            simulate_pilot(seed=seed, effect=1.0, account_window_sd=swing), covariance=cov_type
        )
        covered += result.ci_low <= 1.0 <= result.ci_high
    assert covered >= 90


def test_clear_effect_is_significant_and_no_effect_is_usually_not():
    strong = difference_in_differences(simulate_pilot(seed=11, effect=2.0))
    assert strong.is_significant
    assert strong.ci_low > 0
    nulls = sum(difference_in_differences(simulate_pilot(seed=s, effect=0.0)).is_significant for s in range(40))
    assert nulls <= 6


def test_small_groups_warn_that_the_expected_effect_cannot_be_detected():
    rows = simulate_pilot(seed=5, accounts_per_group=3, responses_per_window=2)
    result = difference_in_differences(rows, expected_effect=0.5)
    assert result.minimum_detectable_effect > 0.5
    assert any("too small to detect the expected effect of 0.5" in w for w in result.warnings)
    assert (
        "Only 6 response(s) and 3 account(s) in the pilot group, baseline period "
        "(at least 10 responses and 5 accounts recommended)."
    ) in result.warnings
    assert len(result.warnings) == 5


def test_few_accounts_with_many_responses_still_warn():
    result = difference_in_differences(simulate_pilot(seed=5, accounts_per_group=4, responses_per_window=30))
    assert "Only 4 account(s) in the control group, pilot period (at least 5 accounts recommended)." in result.warnings


def test_large_groups_do_not_warn_about_a_reasonable_expected_effect():
    rows = simulate_pilot(seed=5, accounts_per_group=40, responses_per_window=10)
    result = difference_in_differences(rows, expected_effect=1.0)
    assert result.minimum_detectable_effect < 1.0
    assert result.warnings == []


def test_clustering_raises_the_minimum_detectable_effect_when_accounts_differ():
    rows = simulate_pilot(seed=5, account_window_sd=1.0, responses_per_window=20)
    result = difference_in_differences(rows)
    assert result.design_effect > 1
    assert result.minimum_detectable_effect > result.minimum_detectable_effect_unclustered


def test_empty_cell_is_named():
    rows = [r for r in simulate_pilot(seed=1) if not (r.group == "control" and r.period == "pilot")]
    with pytest.raises(ValueError, match="no observations in the control group, pilot period"):
        difference_in_differences(rows)


def test_account_in_both_groups_is_refused():
    rows = simulate_pilot(seed=1)
    rows.append(PilotObservation(account_id=0, group="control", period="pilot", value=5.0))
    with pytest.raises(ValueError, match="account 0 appears in both"):
        difference_in_differences(rows)


@pytest.mark.parametrize(
    "record, message",
    [
        ({"account_id": 1, "group": "test", "period": "pilot", "value": 1}, "observation 0: group"),
        ({"account_id": 1, "group": "pilot", "period": "after", "value": 1}, "observation 0: period"),
        ({"account_id": 1, "group": "pilot", "period": "pilot", "value": "n/a"}, "not a number"),
        ({"account_id": 1, "group": "pilot", "period": "pilot", "value": float("nan")}, "not a finite"),
        ({"account_id": 1, "group": "pilot", "period": "pilot"}, "missing field 'value'"),
    ],
)
def test_bad_rows_are_named(record, message):
    with pytest.raises(ValueError, match=message):
        difference_in_differences([record])


def test_constant_values_are_refused():
    rows = [PilotObservation(a, g, p, 5.0) for a, g in ((1, "pilot"), (2, "control")) for p in ("baseline", "pilot")]
    rows += rows
    with pytest.raises(ValueError, match="no variation"):
        difference_in_differences(rows)


def test_arrays_and_records_give_the_same_result():
    rows = simulate_pilot(seed=2)
    from_records = difference_in_differences([r.__dict__ for r in rows])
    from_arrays = difference_in_differences_from_arrays(
        [r.account_id for r in rows],
        [r.group for r in rows],
        [r.period for r in rows],
        [r.value for r in rows],
    )
    assert from_arrays.effect == from_records.effect
    assert from_arrays.std_error == from_records.std_error


def test_as_dict_is_plain_data():
    data = difference_in_differences(simulate_pilot(seed=2), expected_effect=1.0).as_dict()
    assert {
        "effect",
        "ci_low",
        "ci_high",
        "p_value",
        "cells",
        "warnings",
        "minimum_detectable_effect",
    } <= set(data)
    assert data["cells"][0] == {
        "group": "pilot",
        "period": "baseline",
        "responses": 100,
        "accounts": 20,
        "mean": pytest.approx(data["cells"][0]["mean"]),
        "sd": pytest.approx(data["cells"][0]["sd"]),
    }
    assert isinstance(data["effect"], float)


def test_cluster_robust_intervals_hold_where_plain_ols_is_overconfident():
    # Each account swings between windows; plain OLS counts its responses as independent.
    covered = {"cluster": 0, "ols": 0}
    for seed in range(100):
        rows = simulate_pilot(seed=seed, effect=1.0, account_window_sd=1.0)
        for cov_type in covered:
            result = difference_in_differences(rows, covariance=cov_type)
            covered[cov_type] += result.ci_low <= 1.0 <= result.ci_high
    assert covered["cluster"] >= 90
    assert covered["ols"] < covered["cluster"]


def test_one_account_per_group_falls_back_to_plain_ols_with_a_warning():
    rows = [
        PilotObservation(account, group, period, value)
        for account, group in ((1, "pilot"), (2, "control"))
        for period, values in (("baseline", (5, 6, 4)), ("pilot", (7, 8, 6)))
        for value in values
    ]
    result = difference_in_differences(rows, expected_effect=1.0)
    assert result.covariance == "ols"
    assert result.std_error > 0.5
    assert any("at least 2 accounts in each group" in w for w in result.warnings)


def test_too_few_responses_to_detect_anything_is_said_plainly():
    rows = [
        PilotObservation(a, g, p, v)
        for a, g, p, v in [
            (1, "pilot", "baseline", 5),
            (1, "pilot", "pilot", 7),
            (2, "pilot", "pilot", 8),
            (3, "control", "baseline", 4),
            (4, "control", "baseline", 5),
            (3, "control", "pilot", 6),
        ]
    ]
    result = difference_in_differences(rows, expected_effect=1.0)
    assert any("too few responses to detect any effect" in w for w in result.warnings)
