"""Key driver analysis: importance checked against independent computations, performance, quadrants."""

import itertools
import math

import numpy as np
import pytest
import statsmodels.api as sm

from outsidein.insights.analysis.drivers import (
    ACT_FIRST,
    KEEP_UP,
    LOW_PRIORITY,
    POSSIBLE_OVERKILL,
    DriverDataError,
    key_drivers,
    read_ratings_csv,
)

NAMES = ["ease", "support", "reliability", "price", "onboarding"]


def correlated_survey(n: int = 400, p: int = 5, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Driver ratings that share a common 'overall impression' and an outcome that depends on them unequally."""
    rng = np.random.default_rng(seed)
    impression = rng.normal(size=(n, 1))
    x = 0.7 * impression + rng.normal(size=(n, p)) * np.linspace(0.6, 1.2, p)
    y = x @ np.linspace(0.8, 0.0, p) + 0.5 * impression[:, 0] + rng.normal(size=n)
    return y, x


def ols_r2(y: np.ndarray, x: np.ndarray, columns: tuple[int, ...]) -> float:
    if not columns:
        return 0.0
    return sm.OLS(y, sm.add_constant(x[:, list(columns)])).fit().rsquared


def brute_force_shapley(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Shapley values of R^2 by definition: every subset refitted with statsmodels OLS."""
    p = x.shape[1]
    r2 = {s: ols_r2(y, x, s) for size in range(p + 1) for s in itertools.combinations(range(p), size)}
    values = np.zeros(p)
    for j in range(p):
        for subset in r2:
            if j in subset:
                continue
            with_j = tuple(sorted((*subset, j)))
            weight = math.factorial(len(subset)) * math.factorial(p - len(subset) - 1) / math.factorial(p)
            values[j] += weight * (r2[with_j] - r2[subset])
    return values


def johnson_relative_weights(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Johnson (2000) step by step on the data: orthogonal counterparts from the SVD, then two regressions."""
    n = len(y)
    xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    p_mat, _, q_t = np.linalg.svd(xs, full_matrices=False)
    z = np.sqrt(n - 1) * p_mat @ q_t  # the orthonormal matrix closest to X, scaled to unit variance
    beta, *_ = np.linalg.lstsq(z, ys, rcond=None)  # outcome on the counterparts
    loadings, *_ = np.linalg.lstsq(z, xs, rcond=None)  # each driver on the counterparts: loadings[k, j]
    return (loadings**2).T @ beta**2


def by_name(result, attribute: str) -> np.ndarray:
    return np.array([getattr(result.driver(name), attribute) for name in NAMES])


# --- importance against independent computations -----------------------------------------------------------


def test_shapley_shares_match_brute_force_ols_over_every_subset():
    y, x = correlated_survey()

    result = key_drivers(y, x, NAMES)

    assert result.shapley_method == "exact"
    np.testing.assert_allclose(by_name(result, "shapley"), brute_force_shapley(y, x), atol=1e-6, rtol=0)


def test_relative_weights_match_johnsons_procedure_on_the_data():
    y, x = correlated_survey()

    result = key_drivers(y, x, NAMES)

    np.testing.assert_allclose(by_name(result, "relative_weight"), johnson_relative_weights(y, x), atol=1e-6, rtol=0)


def test_both_importance_measures_share_out_exactly_the_ols_r2():
    y, x = correlated_survey()

    result = key_drivers(y, x, NAMES)

    assert result.r2 == pytest.approx(ols_r2(y, x, tuple(range(5))), abs=1e-9)
    assert by_name(result, "shapley").sum() == pytest.approx(result.r2, abs=1e-12)
    assert by_name(result, "relative_weight").sum() == pytest.approx(result.r2, abs=1e-12)
    assert by_name(result, "relative_weight_pct").sum() == pytest.approx(100.0)
    assert by_name(result, "shapley_pct").sum() == pytest.approx(100.0)


def test_many_drivers_use_seeded_sampling_that_still_sums_to_r2():
    y, x = correlated_survey(n=600, p=14, seed=5)
    names = [f"d{j}" for j in range(14)]

    sampled = key_drivers(y, x, names)
    again = key_drivers(y, x, names)
    exact = key_drivers(y, x, names, exact_limit=14)

    assert sampled.shapley_method == "sampled" and exact.shapley_method == "exact"
    shares = np.array([sampled.driver(name).shapley for name in names])
    errors = np.array([sampled.driver(name).shapley_se for name in names])
    truth = np.array([exact.driver(name).shapley for name in names])
    assert shares.sum() == pytest.approx(sampled.r2, abs=1e-12)
    assert np.all(np.abs(shares - truth) < 5 * errors + 1e-9)
    assert errors.max() < 0.01 * sampled.r2
    assert [d.shapley for d in again.drivers] == [d.shapley for d in sampled.drivers]


# --- performance, quadrants and the driver to act on first --------------------------------------------------


def quadrant_survey() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Reliability matters most and is rated worst; price matters most after it and is rated best."""
    rng = np.random.default_rng(2)
    n = 3000
    centre = np.array([2.2, 4.4, 2.6, 4.0])  # reliability, price, wait, app
    x = np.clip(np.rint(centre + rng.normal(size=(n, 4)) * 0.9), 1, 5)
    y = 3.0 * x[:, 0] + 3.0 * x[:, 1] + 0.6 * x[:, 2] + 0.2 * x[:, 3] + rng.normal(size=n) * 2
    return y, x, ["reliability", "price", "wait", "app"]


def test_quadrants_and_act_first_follow_importance_and_performance():
    y, x, names = quadrant_survey()

    result = key_drivers(y, x, names, scale=(1, 5))

    assert [d.name for d in result.drivers] == ["reliability", "price", "wait", "app"]
    assert result.driver("reliability").quadrant == ACT_FIRST
    assert result.driver("price").quadrant == KEEP_UP
    assert result.driver("wait").quadrant == LOW_PRIORITY
    assert result.driver("app").quadrant == POSSIBLE_OVERKILL
    assert result.act_first == "reliability"


def test_performance_is_mean_and_top_box_on_the_scale():
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    x = np.array([[5, 1], [4, 2], [5, 1], [3, 2], [4, 3], [5, 1], [2, 4], [1, 3]], dtype=float)

    given = key_drivers(y, x, ["a", "b"], scale=(1, 7))
    inferred = key_drivers(y, x, ["a", "b"])

    assert given.driver("a").performance == pytest.approx(29 / 8)
    assert given.driver("a").top_box == 0.0  # nobody gave 7
    assert inferred.scale == (1.0, 5.0)
    assert inferred.driver("a").top_box == pytest.approx(3 / 8)
    assert inferred.driver("b").top_box == 0.0


def test_as_dict_has_exactly_the_published_shape():
    y, x, names = quadrant_survey()

    shape = key_drivers(y, x, names).as_dict()

    assert set(shape) == {"r2", "drivers", "act_first"}
    assert all(set(d) == {"name", "relative_weight", "shapley", "performance", "quadrant"} for d in shape["drivers"])
    assert shape["act_first"] == "reliability"


def test_equally_important_drivers_name_no_act_first():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(200, 1))

    result = key_drivers(x[:, 0] + rng.normal(size=200), x, ["only"])

    assert result.act_first is None
    assert result.driver("only").quadrant in {POSSIBLE_OVERKILL, LOW_PRIORITY}


# --- missing values and bad input ----------------------------------------------------------------------------


def test_missing_answers_drop_the_whole_response():
    y, x = correlated_survey(n=300)
    y_gappy, x_gappy = y.copy(), x.copy()
    y_gappy[[3, 50]] = np.nan
    x_gappy[[7, 50, 120], [0, 2, 4]] = np.nan
    complete = np.ones(300, dtype=bool)
    complete[[3, 7, 50, 120]] = False

    gappy = key_drivers(y_gappy, x_gappy, NAMES)
    only_complete = key_drivers(y[complete], x[complete], NAMES)

    assert (gappy.n, gappy.n_dropped) == (296, 4)
    assert gappy.r2 == pytest.approx(only_complete.r2, abs=1e-12)
    np.testing.assert_allclose(by_name(gappy, "shapley"), by_name(only_complete, "shapley"), atol=1e-12)
    np.testing.assert_allclose(by_name(gappy, "performance"), by_name(only_complete, "performance"), atol=1e-12)


def test_too_few_complete_responses_are_refused():
    y, x = correlated_survey(n=8)
    x[:3, 1] = np.nan

    with pytest.raises(DriverDataError, match=r"Only 5 complete responses.*at least 7 are needed for 5 drivers"):
        key_drivers(y, x, NAMES)


def test_small_samples_are_warned_about():
    y, x = correlated_survey(n=40)

    result = key_drivers(y, x, NAMES)

    assert any("Only 40 complete responses for 5 drivers" in warning for warning in result.warnings)


def test_a_driver_everyone_rated_the_same_is_named():
    y, x = correlated_survey(n=100)
    x[:, 3] = 4.0

    with pytest.raises(DriverDataError, match="'price' has the same value in every complete response"):
        key_drivers(y, x, NAMES)


def test_collinear_drivers_are_named():
    y, x = correlated_survey(n=100)
    x[:, 4] = x[:, 0] + x[:, 1]

    with pytest.raises(DriverDataError, match="perfectly collinear") as error:
        key_drivers(y, x, NAMES)
    assert all(name in str(error.value) for name in ("'ease'", "'support'", "'onboarding'"))
    assert "'price'" not in str(error.value)


def test_ratings_outside_the_given_scale_are_refused():
    y, x = correlated_survey(n=50)
    x = np.clip(np.rint(x + 3), 1, 5)
    x[10, 2] = 6

    with pytest.raises(DriverDataError, match="'reliability' has a rating of 6, outside the scale 1-5"):
        key_drivers(y, x, NAMES, scale=(1, 5))


def test_a_driver_rated_lower_by_loyal_customers_is_flagged():
    y, x = correlated_survey(n=300)
    x[:, 0] = -x[:, 0]  # e.g. "waiting time" where a high rating means a long wait

    result = key_drivers(y, x, NAMES)

    assert result.driver("ease").correlation < 0
    assert any("check the scale direction): ease" in warning for warning in result.warnings)


# --- reading a CSV ------------------------------------------------------------------------------------------


def test_csv_reader_keeps_the_columns_asked_for_and_reads_blanks_as_missing(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text('id,nps,speed,comment,price\n1,9,4,great,5\n2,NA,3,,4\n3,7,,slow,n/a\n4, 10 ,5,"a, b",-\n')

    table = read_ratings_csv(path, "nps", ["price", "speed"])

    assert table.names == ("price", "speed")
    np.testing.assert_array_equal(table.outcome, [9, np.nan, 7, 10])
    np.testing.assert_array_equal(table.drivers, [[5, 4], [4, 3], [np.nan, np.nan], [np.nan, 5]])


def test_csv_reader_names_the_line_and_column_of_a_non_number(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps,speed\n9,4\n8,fast\n")

    with pytest.raises(DriverDataError, match="Line 3, column 'speed': 'fast' is not a number"):
        read_ratings_csv(path, "nps", ["speed"])


def test_csv_reader_refuses_infinite_ratings(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps,speed\n9,4\n8,inf\n")

    with pytest.raises(DriverDataError, match="Line 3, column 'speed': 'inf' is not a finite number"):
        read_ratings_csv(path, "nps", ["speed"])


def test_csv_reader_names_missing_columns(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps,speed\n9,4\n")

    with pytest.raises(
        DriverDataError, match=r"Columns not found in .*: 'price', 'support'\. Columns in the file: nps"
    ):
        read_ratings_csv(path, "nps", ["speed", "price", "support"])


def test_results_do_not_depend_on_how_the_responses_are_streamed(monkeypatch):
    y, x = correlated_survey(n=500)
    x = np.clip(np.rint(x + 3), 1, 5)
    x[:, 1] = np.minimum(x[:, 1], 4)
    x[480, 1] = 5  # the only top rating of this driver arrives in the last chunk
    x[[10, 200], 3] = np.nan
    whole = key_drivers(y, x, NAMES)

    monkeypatch.setattr("outsidein.insights.analysis.drivers._CHUNK_ROWS", 7)
    streamed = key_drivers(y, x, NAMES)

    assert streamed.r2 == pytest.approx(whole.r2, abs=1e-12)
    for attribute in ("shapley", "relative_weight", "performance", "top_box"):
        np.testing.assert_allclose(by_name(streamed, attribute), by_name(whole, attribute), atol=1e-12)
    assert streamed.driver("support").top_box == pytest.approx(1 / 498)
