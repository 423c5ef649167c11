"""Figures per theme for a page: size, sentiment and trend, from the members' scores and times."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, overload

import numpy as np
from numpy.typing import NDArray

from outsidein.insights.analysis.themes.model import UNASSIGNED

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    pass


# One value per item: a sequence (None where unknown) or a NumPy array.
Floats = Sequence[float | None] | NDArray[np.floating]
# When each item came: datetimes (naive ones read as UTC), datetime64 or epoch seconds; None where unknown.
Moment = datetime | np.datetime64 | float | None
Moments = Sequence[Moment] | NDArray[np.datetime64]


# -- figures per theme -------------------------------------------------------------------------------
@dataclass
class ThemeSummary:
    theme_id: int
    size: int
    average_sentiment: float | None  # mean of the items that have a score
    recent_count: int  # items in the last window
    previous_count: int  # items in the window before it
    trend: float | None  # change in the theme's share of all items, recent window minus previous window
    revenue_at_stake: float | None  # sum of the revenues of the distinct accounts that raised the theme
    accounts: int


def summarise_themes(
    theme_ids: Sequence[int] | NDArray[np.integer],
    *,
    sentiment: Floats | None = None,
    timestamps: Moments | None = None,
    account_ids: Sequence[Hashable] | NDArray[np.generic] | None = None,
    revenue: Floats | None = None,
    now: Moment = None,
    window_days: float = 30.0,
) -> list[ThemeSummary]:
    """Size, average sentiment, trend and revenue at stake per theme, from per-item arrays.

    ``timestamps`` accept datetimes (aware ones are compared in UTC), ``numpy.datetime64`` or epoch seconds.
    The trend compares the theme's share of all items in the last ``window_days`` before ``now`` (default:
    the latest timestamp) with its share in the window before; shares, not counts, so a quiet month does
    not look like an improving theme. ``revenue`` is the revenue of each item's account; each account counts
    once per theme however many items it raised. Unassigned items (``UNASSIGNED``) get no summary.
    """
    ids = np.asarray(theme_ids, dtype=np.int64)
    n = len(ids)
    scores = _float_array(sentiment, n)
    seconds = _seconds(timestamps, n)
    money = _float_array(revenue, n)
    accounts = list(account_ids) if account_ids is not None else None
    if accounts is not None and len(accounts) != n:
        raise ValueError("account_ids must have one entry per item")

    recent = previous = None
    if seconds is not None and np.isfinite(seconds).any():
        end = _seconds([now], 1)[0] if now is not None else np.nanmax(seconds)
        width = window_days * 86_400.0
        recent = (seconds > end - width) & (seconds <= end)
        previous = (seconds > end - 2 * width) & (seconds <= end - width)

    summaries = []
    for theme_id in sorted(set(ids.tolist()) - {UNASSIGNED}):
        member = ids == theme_id
        average = None
        if scores is not None and np.isfinite(scores[member]).any():
            average = float(np.nanmean(scores[member]))
        trend, recent_count, previous_count = None, 0, 0
        if recent is not None and previous is not None:
            recent_count = int((member & recent).sum())
            previous_count = int((member & previous).sum())
            if recent.any() and previous.any():
                trend = recent_count / int(recent.sum()) - previous_count / int(previous.sum())
        at_stake, distinct = None, 0
        if accounts is not None:
            per_account: dict[Hashable, float] = {}
            for i in np.flatnonzero(member):
                account = accounts[i]
                if account is None or account == "":
                    continue
                value = money[i] if money is not None else np.nan
                per_account[account] = max(per_account.get(account, 0.0), 0.0 if np.isnan(value) else value)
            distinct = len(per_account)
            if money is not None:
                at_stake = float(sum(per_account.values()))
        summaries.append(
            ThemeSummary(
                theme_id=int(theme_id),
                size=int(member.sum()),
                average_sentiment=average,
                recent_count=recent_count,
                previous_count=previous_count,
                trend=trend,
                revenue_at_stake=at_stake,
                accounts=distinct,
            )
        )
    return summaries


@overload
def _float_array(values: None, n: int) -> None: ...
@overload
def _float_array(values: Floats, n: int) -> NDArray[np.float64]: ...
def _float_array(values: Floats | None, n: int) -> NDArray[np.float64] | None:
    if values is None:
        return None
    array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if len(array) != n:
        raise ValueError("every per-item array must have one entry per item")
    return array


@overload
def _seconds(values: None, n: int) -> None: ...
@overload
def _seconds(values: Moments, n: int) -> NDArray[np.float64]: ...
def _seconds(values: Moments | None, n: int) -> NDArray[np.float64] | None:
    """Epoch seconds (NaN where missing) from datetimes, datetime64 or numbers."""
    if values is None:
        return None
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        out = array.astype("datetime64[ms]").astype(np.float64) / 1000.0
        out[np.isnat(array)] = np.nan
    else:
        out = np.array([_one_second(v) for v in values], dtype=np.float64)
    if len(out) != n:
        raise ValueError("timestamps must have one entry per item")
    return out


def _one_second(value: Moment) -> float:
    if value is None:
        return np.nan
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return np.nan
        seconds: float = value.astype("datetime64[ms]").astype(np.float64) / 1000.0
        return seconds
    return float(value)
