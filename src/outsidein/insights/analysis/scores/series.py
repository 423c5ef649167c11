"""Scores over time (per week, month, quarter or year) and by group, from answers or from answer counts."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from outsidein.insights.analysis.scores.estimates import (
    CONFIDENCE,
    Answers,
    Counts,
    Metric,
    Period,
    SeriesPoint,
    _check_scale,
    estimate,
    estimate_from_counts,
)

# When each response came: datetimes or dates (None when unknown), ISO date strings, or datetime64 values.
Timestamps = Sequence[date | str | None] | NDArray[np.datetime64]
# The calendar unit and step of each period longer than a week.
_STEPS: dict[str, tuple[Literal["M", "Y"], int]] = {"month": ("M", 1), "quarter": ("M", 3), "year": ("Y", 1)}


def period_start(day: date, period: Period) -> date:
    """The first day of the week (Monday), month, quarter or year holding ``day``."""
    start: date = _bucket_starts(np.array([day], dtype="datetime64[D]"), period)[0].astype(object)
    return start


def series_from_counts(buckets: Mapping[date, Counts], metric: Metric, *, period: Period, today: date | None = None,
                       fill_gaps: bool = True, confidence: float = CONFIDENCE) -> list[SeriesPoint]:
    """A score per period from answer counts keyed by each period's first day.

    With ``today`` the period holding it is marked partial (still in progress). With ``fill_gaps`` every
    period from the first to the last gets a point, so an empty one shows as n = 0 instead of vanishing.
    """
    if not buckets:
        return []
    starts = sorted(buckets)
    axis: list[date]
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


# --- series over time and by group ----------------------------------------------------------------------


def _to_days(timestamps: Timestamps, tz: tzinfo | None) -> NDArray[np.datetime64]:
    """Calendar days (datetime64[D]); aware datetimes move to ``tz`` first, so buckets follow local dates."""
    if isinstance(timestamps, np.ndarray) and np.issubdtype(timestamps.dtype, np.datetime64):
        return timestamps.astype("datetime64[D]")

    def day(value: date | str | None) -> date | np.datetime64:
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


def _bucket_starts(days: NDArray[np.datetime64], period: Period) -> NDArray[np.datetime64]:
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


def _all_starts(first: np.datetime64, last: np.datetime64, period: Period) -> NDArray[np.datetime64]:
    if period == "week":
        return np.arange(first, last + np.timedelta64(1, "D"), np.timedelta64(7, "D"))
    unit, step = _STEPS[period]
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
        # Hashable says nothing of order: keys of one kind (names, ids) compare; mixed kinds raise TypeError
        # and are ordered by their text below.
        present.sort()  # type: ignore[call-arg]
    except TypeError:
        present.sort(key=str)
    return present + ([None] if None in keys else [])


def score_series(
    timestamps: Timestamps | None,
    scores: Answers,
    metric: Metric,
    *,
    period: Period | None = "month",
    groups: Sequence[Hashable] | NDArray[np.generic] | None = None,
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
    values = np.asarray(scores, dtype=np.float64).ravel()
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
            start: date | None = None
            label: str | None = None
            if period is not None:
                day: date = start64.astype(object)
                start, label = day, period_label(day, period)
            points.append(
                SeriesPoint(
                    period=label,
                    start=start,
                    group=group,
                    estimate=estimate(metric, chunk, confidence=confidence),
                )
            )
    return points
