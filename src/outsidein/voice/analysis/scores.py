"""NPS, CSAT and CES with honest error bars.

Every score here is the mean of one number per response, which keeps the statistics uniform:

- NPS: a promoter (9-10) counts +100, a passive (7-8) 0, a detractor (0-6) -100. The mean is the NPS in
  points (-100..100) and the plug-in variance of that per-response number is the multinomial variance of
  the promoter-detractor difference, p+ + p- - (p+ - p-)^2 (times 100^2).
- CSAT top-2-box: a response of 4 or 5 counts 100, anything else 0; the mean is the share in percent.
- CSAT mean (1-5) and CES mean (1-7): the rating itself.

Shares (NPS, top-2-box) use the normal approximation (Wald); means use Student's t with n - 1 degrees of
freedom. Two periods are compared as independent samples: a z test for shares, Welch's t test for means.
The formulas, thresholds and their reasons are written out in docs/analytics/scores-and-drivers.md.

Inputs are plain sequences or NumPy arrays so that a queryset's ``values_list`` can be passed straight in;
``None`` and NaN are treated as "no answer" and dropped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal

import numpy as np

CONFIDENCE = 0.95
ALPHA = 0.05
# Below this many responses the normal/t approximations behind the margin of error are themselves shaky
# (an NPS from 20 answers moves by 5 points when one person changes their mind), so results carry a warning.
MIN_SAMPLE = 30
# NPS classes: 9-10 promoters, 0-6 detractors (7-8 passives).
PROMOTER_MIN = 9
DETRACTOR_MAX = 6

Metric = Literal["nps", "csat", "csat_mean", "ces"]
Period = Literal["week", "month", "quarter", "year"]

# (lowest, highest) allowed answer per metric.
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "csat_mean": (1, 5), "ces": (1, 7)}
LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT (top-2-box)", "csat_mean": "CSAT (mean)", "ces": "CES"}
_MEAN_METRICS = frozenset({"csat_mean", "ces"})

VERDICT_NOISE = "within noise"
VERDICT_CHANGE = "more than noise"
VERDICT_NO_DATA = "not enough data"


@dataclass(frozen=True)
class ScoreEstimate:
    """One score with its uncertainty.

    ``value`` is in NPS points for NPS, in percent for CSAT top-2-box, and on the rating scale for means.
    ``sd`` is the per-response standard deviation the standard error comes from (``sd / sqrt(n)``).
    """

    metric: str
    n: int
    value: float
    standard_error: float
    margin_of_error: float
    sd: float
    warning: str | None = None

    @property
    def low(self) -> float:
        return self.value - self.margin_of_error

    @property
    def high(self) -> float:
        return self.value + self.margin_of_error

    @property
    def label(self) -> str:
        return LABELS.get(self.metric, self.metric)


@dataclass(frozen=True)
class NpsEstimate(ScoreEstimate):
    """NPS with the counts behind it; ``variance`` is the variance of the estimate in NPS points squared."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def variance(self) -> float:
        return self.standard_error**2

    @property
    def promoter_share(self) -> float:
        return self.promoters / self.n if self.n else math.nan

    @property
    def detractor_share(self) -> float:
        return self.detractors / self.n if self.n else math.nan


@dataclass(frozen=True)
class CsatEstimate:
    """CSAT is reported two ways: the top-2-box share (4 or 5, in percent) and the mean rating."""

    n: int
    top2_box: ScoreEstimate
    mean: ScoreEstimate

    @property
    def warning(self) -> str | None:
        return self.top2_box.warning


@dataclass(frozen=True)
class ScoreChange:
    """The change from ``before`` to ``after`` (two independent samples) and whether it is more than noise."""

    metric: str
    before: ScoreEstimate
    after: ScoreEstimate
    difference: float
    standard_error: float
    margin_of_error: float
    test: str
    statistic: float
    df: float | None
    p_value: float
    alpha: float
    warning: str | None = None

    @property
    def significant(self) -> bool:
        return bool(self.p_value < self.alpha)

    @property
    def verdict(self) -> str:
        if math.isnan(self.p_value):
            return VERDICT_NO_DATA
        return VERDICT_CHANGE if self.significant else VERDICT_NOISE


@dataclass(frozen=True)
class SeriesPoint:
    """One bucket of a score series: a period (None when not bucketed by time) and a group (None for all)."""

    period: str | None
    start: date | None
    group: Hashable | None
    estimate: ScoreEstimate
    # The period is still in progress: what it shows so far is not a result yet.
    partial: bool = False

    @property
    def few(self) -> bool:
        """Answered, but by too few for the margin of error to be trusted."""
        return 0 < self.estimate.n < MIN_SAMPLE


def _z(confidence: float = CONFIDENCE) -> float:
    from scipy import stats  # scipy.stats takes ~0.5 s to import: loaded by the first score, not at start-up

    return float(stats.norm.ppf(0.5 + confidence / 2))


def _t(confidence: float, df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, df)) if df >= 1 else math.nan


def _answers(scores: Sequence[Any] | np.ndarray, metric: str) -> np.ndarray:
    """Answered scores as floats; refuses values a respondent could not have given on this scale."""
    values = np.asarray(scores, dtype=float).ravel()
    values = values[~np.isnan(values)]
    _check_scale(values, metric)
    return values


def _check_scale(values: np.ndarray, metric: str) -> None:
    low, high = SCALES[metric]
    finite = values[~np.isnan(values)]
    bad = finite[(finite < low) | (finite > high) | (finite != np.round(finite))]
    if bad.size:
        raise ValueError(f"{LABELS[metric]} answers must be whole numbers from {low} to {high}; got {bad[0]:g}")


def _sample_warning(n: int, metric: str, sd: float) -> str | None:
    label = LABELS[metric]
    if n == 0:
        return "No responses."
    if n < MIN_SAMPLE:
        return (
            f"Only {n} responses: below {MIN_SAMPLE} the margin of error is itself unreliable, "
            f"so read this {label} as indicative."
        )
    if sd == 0:
        return f"Every response gives the same {label}, so the margin of error shows as 0; it is not."
    return None


def _from_mean_of(
    metric: str, n: int, value: float, sd: float, *, use_t: bool, confidence: float, **extra: Any
) -> dict[str, Any]:
    se = math.nan if n == 0 else sd / math.sqrt(n)
    quantile = _t(confidence, n - 1) if use_t else _z(confidence)
    return dict(
        metric=metric,
        n=n,
        value=value,
        standard_error=se,
        margin_of_error=quantile * se,
        sd=sd,
        warning=_sample_warning(n, metric, sd),
        **extra,
    )


def nps(scores: Sequence[Any] | np.ndarray, *, confidence: float = CONFIDENCE) -> NpsEstimate:
    """Net Promoter Score (0-10 answers) in points, with the multinomial standard error."""
    return estimate_from_counts("nps", _value_counts(_answers(scores, "nps")), confidence=confidence)


def _value_counts(values: np.ndarray) -> dict[int, int]:
    answers, counts = np.unique(values.astype(np.int64), return_counts=True)
    return dict(zip(answers.tolist(), counts.tolist(), strict=True))


def _share(metric: str, hits: int, n: int, confidence: float) -> ScoreEstimate:
    if n == 0:
        value = sd = math.nan
    else:
        p = hits / n
        value, sd = 100.0 * p, 100.0 * math.sqrt(p * (1 - p))
    return ScoreEstimate(**_from_mean_of(metric, n, value, sd, use_t=False, confidence=confidence))


def _mean(metric: str, values: np.ndarray, confidence: float) -> ScoreEstimate:
    return _mean_from_counts(metric, _value_counts(values), confidence)


def csat(scores: Sequence[Any] | np.ndarray, *, confidence: float = CONFIDENCE) -> CsatEstimate:
    """CSAT (1-5 answers): top-2-box share in percent and the mean rating."""
    values = _answers(scores, "csat")
    n = int(values.size)
    top2 = _share("csat", int(np.count_nonzero(values >= 4)), n, confidence)
    return CsatEstimate(n=n, top2_box=top2, mean=_mean("csat_mean", values, confidence))


def ces(scores: Sequence[Any] | np.ndarray, *, confidence: float = CONFIDENCE) -> ScoreEstimate:
    """Customer Effort Score (1-7 answers) as the mean rating."""
    return _mean("ces", _answers(scores, "ces"), confidence)


def estimate(metric: Metric, scores: Sequence[Any] | np.ndarray, *, confidence: float = CONFIDENCE) -> ScoreEstimate:
    """One headline estimate per metric: ``"csat"`` is the top-2-box share, ``"csat_mean"`` the mean."""
    if metric == "nps":
        return nps(scores, confidence=confidence)
    if metric == "csat":
        return csat(scores, confidence=confidence).top2_box
    if metric == "csat_mean":
        return csat(scores, confidence=confidence).mean
    if metric == "ces":
        return ces(scores, confidence=confidence)
    raise ValueError(f"Unknown metric {metric!r}; expected one of {', '.join(SCALES)}")


# --- from answer counts -----------------------------------------------------------------------------------
# The score pages read how many responses gave each answer (a GROUP BY in the database, or the score
# rollup), never the responses themselves: every estimate above follows from those counts exactly.

Counts = Mapping[int, int]


def _check_counts(counts: Counts, metric: str) -> None:
    low, high = SCALES[metric]
    for value, n in counts.items():
        if n and not (low <= value <= high):
            raise ValueError(f"{LABELS[metric]} answers must be whole numbers from {low} to {high}; got {value}")
        if n < 0:
            raise ValueError(f"A count of {LABELS[metric]} answers cannot be negative; got {n} for {value}")


def _mean_from_counts(metric: str, counts: Counts, confidence: float) -> ScoreEstimate:
    n = sum(counts.values())
    value = math.nan if n == 0 else sum(v * c for v, c in counts.items()) / n
    sd = math.sqrt(sum(c * (v - value) ** 2 for v, c in counts.items()) / (n - 1)) if n >= 2 else math.nan
    return ScoreEstimate(**_from_mean_of(metric, n, value, sd, use_t=True, confidence=confidence))


def estimate_from_counts(metric: Metric, counts: Counts, *, confidence: float = CONFIDENCE) -> ScoreEstimate:
    """The estimate of ``metric`` from how many responses gave each answer, e.g. ``{9: 120, 10: 80, 3: 40}``."""
    scale = "csat" if metric == "csat_mean" else metric
    if scale not in SCALES:
        raise ValueError(f"Unknown metric {metric!r}; expected one of {', '.join(SCALES)}")
    counts = {int(v): int(c) for v, c in counts.items() if c}
    _check_counts(counts, scale)
    n = sum(counts.values())
    if metric == "nps":
        promoters = sum(c for v, c in counts.items() if v >= PROMOTER_MIN)
        detractors = sum(c for v, c in counts.items() if v <= DETRACTOR_MAX)
        if n == 0:
            value = sd = math.nan
        else:
            p_plus, p_minus = promoters / n, detractors / n
            value = 100.0 * (promoters - detractors) / n
            # max() guards the tiny negative values rounding can produce when everyone is in one class.
            sd = 100.0 * math.sqrt(max(p_plus + p_minus - (p_plus - p_minus) ** 2, 0.0))
        fields = _from_mean_of("nps", n, value, sd, use_t=False, confidence=confidence)
        return NpsEstimate(**fields, promoters=promoters, passives=n - promoters - detractors, detractors=detractors)
    if metric == "csat":
        return _share("csat", sum(c for v, c in counts.items() if v >= 4), n, confidence)
    return _mean_from_counts(metric, counts, confidence)


def period_start(day: date, period: Period) -> date:
    """The first day of the week (Monday), month, quarter or year holding ``day``."""
    return _bucket_starts(np.array([day], dtype="datetime64[D]"), period)[0].astype(object)


def series_from_counts(buckets: Mapping[date, Counts], metric: Metric, *, period: Period, today: date | None = None,
                       fill_gaps: bool = True, confidence: float = CONFIDENCE) -> list[SeriesPoint]:
    """A score per period from answer counts keyed by each period's first day.

    With ``today`` the period holding it is marked partial (still in progress). With ``fill_gaps`` every
    period from the first to the last gets a point, so an empty one shows as n = 0 instead of vanishing.
    """
    if not buckets:
        return []
    starts = sorted(buckets)
    if fill_gaps:
        axis = [d.astype(object) for d in _all_starts(np.datetime64(starts[0], "D"), np.datetime64(starts[-1], "D"),
                                                      period)]
    else:
        axis = starts
    current = period_start(today, period) if today is not None else None
    return [SeriesPoint(period=period_label(start, period), start=start, group=None,
                        estimate=estimate_from_counts(metric, buckets.get(start, {}), confidence=confidence),
                        partial=start == current)
            for start in axis]


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


# --- series over time and by group ----------------------------------------------------------------------


def _to_days(timestamps: Sequence[Any] | np.ndarray, tz: tzinfo | None) -> np.ndarray:
    """Calendar days (datetime64[D]); aware datetimes move to ``tz`` first, so buckets follow local dates."""
    if isinstance(timestamps, np.ndarray) and np.issubdtype(timestamps.dtype, np.datetime64):
        return timestamps.astype("datetime64[D]")

    def day(value: Any) -> Any:
        if value is None:
            return np.datetime64("NaT", "D")
        if isinstance(value, datetime):
            if tz is not None and value.tzinfo is not None:
                value = value.astimezone(tz)
            return value.date()
        if isinstance(value, date):
            return value
        return np.datetime64(value, "D")

    return np.array([day(value) for value in timestamps], dtype="datetime64[D]")


def _bucket_starts(days: np.ndarray, period: Period) -> np.ndarray:
    if period == "week":
        # Day 0 of the epoch (1970-01-01) was a Thursday; ISO weeks start on Monday.
        count = days.astype(np.int64)
        return (count - (count + 3) % 7).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    if period == "month":
        return months.astype("datetime64[D]")
    if period == "quarter":
        month_count = months.astype(np.int64)
        return (month_count - month_count % 3).astype("datetime64[M]").astype("datetime64[D]")
    if period == "year":
        return days.astype("datetime64[Y]").astype("datetime64[D]")
    raise ValueError(f"Unknown period {period!r}; expected week, month, quarter or year")


def _all_starts(first: np.datetime64, last: np.datetime64, period: Period) -> np.ndarray:
    if period == "week":
        return np.arange(first, last + np.timedelta64(1, "D"), np.timedelta64(7, "D"))
    unit, step = {"month": ("M", 1), "quarter": ("M", 3), "year": ("Y", 1)}[period]
    lo, hi = first.astype(f"datetime64[{unit}]"), last.astype(f"datetime64[{unit}]")
    return np.arange(lo, hi + np.timedelta64(1, unit), np.timedelta64(step, unit)).astype("datetime64[D]")


def period_label(start: date, period: Period) -> str:
    """ "2024-W05", "2024-03", "2024-Q1" or "2024"."""
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


def _ordered(keys: list[Hashable]) -> list[Hashable]:
    present = [key for key in keys if key is not None]
    try:
        present.sort()  # type: ignore[call-arg]
    except TypeError:
        present.sort(key=str)
    return present + ([None] if None in keys else [])


def score_series(
    timestamps: Sequence[Any] | np.ndarray | None,
    scores: Sequence[Any] | np.ndarray,
    metric: Metric,
    *,
    period: Period | None = "month",
    groups: Sequence[Hashable] | np.ndarray | None = None,
    tz: tzinfo | None = None,
    fill_gaps: bool = True,
    confidence: float = CONFIDENCE,
) -> list[SeriesPoint]:
    """Estimates with margins per period (week/month/quarter/year) and per group (segment, account, ...).

    ``timestamps``, ``scores`` and ``groups`` are parallel sequences, e.g. the columns of
    ``queryset.values_list("received_at", "nps", "account__segment__name")``. With ``period=None`` there is
    one bucket for all time (a comparison by group). With ``fill_gaps`` every group gets every period from
    the first to the last response, so empty periods show as n = 0 instead of vanishing from a chart.
    Responses without a score, or without a time when bucketing by time, are left out.
    Points are ordered by group (None last), then by period.
    """
    values = np.asarray(scores, dtype=float).ravel()
    _check_scale(values, metric)
    n = values.size
    keep = ~np.isnan(values)

    if groups is None:
        group_keys: list[Hashable] = [None]
        codes = np.zeros(n, dtype=np.int64)
    else:
        if len(groups) != n:
            raise ValueError("groups and scores must have the same length")
        index: dict[Hashable, int] = {}
        codes = np.fromiter((index.setdefault(g, len(index)) for g in groups), dtype=np.int64, count=n)
        group_keys = list(index)

    if period is None:
        starts = np.zeros(n, dtype="datetime64[D]")
    else:
        if timestamps is None or len(timestamps) != n:
            raise ValueError("timestamps and scores must have the same length")
        days = _to_days(timestamps, tz)
        keep &= ~np.isnat(days)
        starts = _bucket_starts(np.where(keep, days, np.datetime64(0, "D")), period)

    values, codes, starts = values[keep], codes[keep], starts[keep]
    if period is None:
        axis = np.zeros(1, dtype="datetime64[D]")
    elif values.size == 0:
        axis = np.array([], dtype="datetime64[D]")
    elif fill_gaps:
        axis = _all_starts(starts.min(), starts.max(), period)
    else:
        axis = np.unique(starts)

    # One stable sort by (group, period) turns every bucket into a contiguous slice.
    slot = codes * max(axis.size, 1) + np.searchsorted(axis, starts)
    order = np.argsort(slot, kind="stable")
    slot, values = slot[order], values[order]
    bounds = np.searchsorted(slot, np.arange(len(group_keys) * axis.size + 1))

    position = {key: i for i, key in enumerate(group_keys)}
    points: list[SeriesPoint] = []
    for group in _ordered(group_keys):
        g = position[group]
        for t, start64 in enumerate(axis):
            s = g * axis.size + t
            chunk = values[bounds[s] : bounds[s + 1]]
            if chunk.size == 0 and not fill_gaps:
                continue
            start = start64.astype(object) if period is not None else None
            points.append(
                SeriesPoint(
                    period=period_label(start, period) if period is not None else None,
                    start=start,
                    group=group,
                    estimate=estimate(metric, chunk, confidence=confidence),
                )
            )
    return points
