"""Whether a score changed more than noise between two periods: a z test for shares, Welch's t test for means."""

from __future__ import annotations

import math
from collections.abc import Sequence

from outsidein.insights.analysis.scores.estimates import (
    _MEAN_METRICS,
    ALPHA,
    CsatEstimate,
    ScoreChange,
    ScoreEstimate,
    SeriesPoint,
    _z,
)


def last_full_change(series: Sequence[SeriesPoint], *, alpha: float = ALPHA) -> ScoreChange | None:
    """The change from the period before the last complete one to that one (a period in progress never counts)."""
    full = [p for p in series if not p.partial and p.estimate.n > 0]
    if len(full) < 2:
        return None
    return compare_periods(full[-2].estimate, full[-1].estimate, alpha=alpha)


def compare_periods(before: ScoreEstimate, after: ScoreEstimate, *, alpha: float = ALPHA) -> ScoreChange:
    """Is the change from ``before`` to ``after`` more than noise? (Two independent samples.)

    Shares (NPS, CSAT top-2-box): z = difference / sqrt(se_before^2 + se_after^2), two-sided normal p-value.
    Means (CSAT mean, CES): Welch's t test, with Welch-Satterthwaite degrees of freedom.
    """
    if isinstance(before, CsatEstimate) or isinstance(after, CsatEstimate):
        raise TypeError("CSAT has two numbers: compare .top2_box or .mean")
    if before.metric != after.metric:
        raise ValueError(f"Cannot compare {before.label} with {after.label}")
    metric = before.metric
    difference = after.value - before.value
    variance = before.standard_error**2 + after.standard_error**2
    se = math.sqrt(variance) if not math.isnan(variance) else math.nan
    warning = (
        " ".join(
            f"{name.capitalize()}: {est.warning}" for name, est in (("before", before), ("after", after)) if est.warning
        )
        or None
    )

    df: float | None = None
    if metric in _MEAN_METRICS:
        test = "Welch t"
        df = _welch_df(before, after)
    else:
        test = "two-sample z"

    if math.isnan(se) or (df is not None and math.isnan(df)):
        statistic = p_value = margin = math.nan
    elif se == 0:
        # Both periods unanimous: nothing varies, so any difference at all is not sampling noise.
        statistic = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        p_value = 1.0 if difference == 0 else 0.0
        margin = 0.0
    else:
        from scipy import stats

        statistic = difference / se
        if df is None:
            p_value = float(2 * stats.norm.sf(abs(statistic)))
            margin = _z(1 - alpha) * se
        else:
            p_value = float(2 * stats.t.sf(abs(statistic), df))
            margin = float(stats.t.ppf(1 - alpha / 2, df)) * se
    return ScoreChange(
        metric=metric,
        before=before,
        after=after,
        difference=difference,
        standard_error=se,
        margin_of_error=margin,
        test=test,
        statistic=statistic,
        df=df,
        p_value=p_value,
        alpha=alpha,
        warning=warning,
    )


def _welch_df(a: ScoreEstimate, b: ScoreEstimate) -> float:
    va, vb = a.standard_error**2, b.standard_error**2
    if a.n < 2 or b.n < 2 or math.isnan(va) or math.isnan(vb):
        return math.nan
    if va + vb == 0:
        return float(a.n + b.n - 2)
    return (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))


