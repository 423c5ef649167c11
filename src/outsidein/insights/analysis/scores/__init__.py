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

``estimates`` computes one score with its error bars, ``significance`` compares two, ``series`` lays them out
over time and by group. This module names what the rest of the product uses.
"""

from outsidein.insights.analysis.scores.estimates import (
    ALPHA,
    CONFIDENCE,
    DETRACTOR_MAX,
    LABELS,
    MIN_SAMPLE,
    PROMOTER_MIN,
    SCALES,
    VERDICT_CHANGE,
    VERDICT_NO_DATA,
    VERDICT_NOISE,
    Counts,
    CsatEstimate,
    Metric,
    NpsEstimate,
    Period,
    ScoreChange,
    ScoreEstimate,
    SeriesPoint,
    ces,
    csat,
    estimate,
    estimate_from_counts,
    nps,
)
from outsidein.insights.analysis.scores.series import period_label, period_start, score_series, series_from_counts
from outsidein.insights.analysis.scores.significance import compare_periods, last_full_change

__all__ = [
    "ALPHA", "CONFIDENCE", "DETRACTOR_MAX", "LABELS", "MIN_SAMPLE", "PROMOTER_MIN", "SCALES", "VERDICT_CHANGE",
    "VERDICT_NOISE", "VERDICT_NO_DATA", "Counts", "CsatEstimate", "Metric", "NpsEstimate", "Period", "ScoreChange",
    "ScoreEstimate", "SeriesPoint", "ces", "compare_periods", "csat", "estimate", "estimate_from_counts",
    "last_full_change", "nps", "period_label", "period_start", "score_series", "series_from_counts",
]
