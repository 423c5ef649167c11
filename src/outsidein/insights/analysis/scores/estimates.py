"""Estimates of NPS, CSAT and CES with their error bars, from the answers or from the count of each answer."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypedDict, overload

import numpy as np
from numpy.typing import NDArray

# Named again here (``as``) so that ``scores`` hands them on with the rest.
from outsidein.feedback.rules import DETRACTOR_MAX as DETRACTOR_MAX
from outsidein.feedback.rules import PROMOTER_MIN as PROMOTER_MIN

CONFIDENCE = 0.95
ALPHA = 0.05
# Below this many responses the normal/t approximations behind the margin of error are themselves shaky
# (an NPS from 20 answers moves by 5 points when one person changes their mind), so results carry a warning.
MIN_SAMPLE = 30
# NPS classes (feedback.rules): 9-10 promoters, 0-6 detractors (7-8 passives).

Metric = Literal["nps", "csat", "csat_mean", "ces"]
Period = Literal["week", "month", "quarter", "year"]
# Answers as given: a queryset's ``values_list`` (None where a response left it blank) or a NumPy array.
Answers = Sequence[float | None] | NDArray[np.number]

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

    @property
    def first_day(self) -> date:
        """``start`` of a point of a series over time, where every point has one (not of a comparison by group)."""
        assert self.start is not None, "a point of a comparison by group has no period"
        return self.start


def _z(confidence: float = CONFIDENCE) -> float:
    from scipy import stats  # scipy.stats takes ~0.5 s to import: loaded by the first score, not at start-up

    return float(stats.norm.ppf(0.5 + confidence / 2))


def _t(confidence: float, df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, df)) if df >= 1 else math.nan


def _answers(scores: Answers, metric: str) -> NDArray[np.float64]:
    """Answered scores as floats; refuses values a respondent could not have given on this scale."""
    values = np.asarray(scores, dtype=np.float64).ravel()
    values = values[~np.isnan(values)]
    _check_scale(values, metric)
    return values


def _check_scale(values: NDArray[np.float64], metric: str) -> None:
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


class _EstimateFields(TypedDict):
    """The fields every ``ScoreEstimate`` has, as ``_from_mean_of`` works them out."""

    metric: str
    n: int
    value: float
    standard_error: float
    margin_of_error: float
    sd: float
    warning: str | None


def _from_mean_of(metric: str, n: int, value: float, sd: float, *, use_t: bool, confidence: float) -> _EstimateFields:
    se = math.nan if n == 0 else sd / math.sqrt(n)
    quantile = _t(confidence, n - 1) if use_t else _z(confidence)
    return _EstimateFields(
        metric=metric,
        n=n,
        value=value,
        standard_error=se,
        margin_of_error=quantile * se,
        sd=sd,
        warning=_sample_warning(n, metric, sd),
    )


def nps(scores: Answers, *, confidence: float = CONFIDENCE) -> NpsEstimate:
    """Net Promoter Score (0-10 answers) in points, with the multinomial standard error."""
    return estimate_from_counts("nps", _value_counts(_answers(scores, "nps")), confidence=confidence)


def _value_counts(values: NDArray[np.float64]) -> dict[int, int]:
    answers, counts = np.unique(values.astype(np.int64), return_counts=True)
    return dict(zip(answers.tolist(), counts.tolist(), strict=True))


def _share(metric: str, hits: int, n: int, confidence: float) -> ScoreEstimate:
    if n == 0:
        value = sd = math.nan
    else:
        p = hits / n
        value, sd = 100.0 * p, 100.0 * math.sqrt(p * (1 - p))
    return ScoreEstimate(**_from_mean_of(metric, n, value, sd, use_t=False, confidence=confidence))


def _mean(metric: str, values: NDArray[np.float64], confidence: float) -> ScoreEstimate:
    return _mean_from_counts(metric, _value_counts(values), confidence)


def csat(scores: Answers, *, confidence: float = CONFIDENCE) -> CsatEstimate:
    """CSAT (1-5 answers): top-2-box share in percent and the mean rating."""
    values = _answers(scores, "csat")
    n = int(values.size)
    top2 = _share("csat", int(np.count_nonzero(values >= 4)), n, confidence)
    return CsatEstimate(n=n, top2_box=top2, mean=_mean("csat_mean", values, confidence))


def ces(scores: Answers, *, confidence: float = CONFIDENCE) -> ScoreEstimate:
    """Customer Effort Score (1-7 answers) as the mean rating."""
    return _mean("ces", _answers(scores, "ces"), confidence)


def estimate(metric: Metric, scores: Answers, *, confidence: float = CONFIDENCE) -> ScoreEstimate:
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


@overload
def estimate_from_counts(metric: Literal["nps"], counts: Counts, *, confidence: float = CONFIDENCE) -> NpsEstimate: ...
@overload
def estimate_from_counts(metric: Metric, counts: Counts, *, confidence: float = CONFIDENCE) -> ScoreEstimate: ...
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

