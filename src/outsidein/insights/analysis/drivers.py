"""Key driver analysis: which rated attributes drive the outcome, and how well the company does on each.

Importance is the share of the outcome's explained variance (R^2 of an OLS of the outcome on all drivers)
that each driver accounts for, computed two ways that both add up to R^2:

- relative weights (Johnson 2000, Multivariate Behavioral Research 35(1)): the drivers are replaced by
  their closest orthogonal counterparts, the outcome is regressed on those, and the explained variance is
  carried back to the drivers through the squared loadings;
- Shapley values of R^2 (= general dominance weights, Budescu 1993): each driver's incremental R^2
  averaged over every order of entering the drivers. Exact over all 2^p subsets up to
  ``EXACT_SHAPLEY_LIMIT`` drivers, estimated from seeded random orders beyond.

Everything after one pass over the responses works on the (p+1) x (p+1) correlation matrix of outcome
and drivers, so a million responses cost little more than that one pass.
Responses missing the outcome or any driver are left out (listwise deletion), so importance and
performance describe the same respondents. docs/analytics/scores-and-drivers.md has the formulas.
"""

from __future__ import annotations

import csv
import math
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from os import PathLike

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

# 2^12 = 4,096 subsets take a few milliseconds; 2^p grows too fast to go much further exactly.
EXACT_SHAPLEY_LIMIT = 12
# Random orders for p > EXACT_SHAPLEY_LIMIT, drawn as forward/reverse (antithetic) pairs. With 30 drivers
# this keeps the sampling standard error of every share below 0.1% of R^2, in well under a second.
DEFAULT_PERMUTATIONS = 20_000
DEFAULT_SEED = 2000
# Fewer complete responses than this per driver (and than MIN_RESPONSES overall) gives a warning.
MIN_RESPONSES_PER_DRIVER = 10
MIN_RESPONSES = 30
# Below this smallest eigenvalue of the driver correlation matrix the drivers are treated as collinear.
COLLINEARITY_TOLERANCE = 1e-9

_CHUNK_ROWS = 65_536
_PERMUTATION_BATCH = 1_024

ACT_FIRST = "act first"
KEEP_UP = "keep up"
POSSIBLE_OVERKILL = "possible overkill"
LOW_PRIORITY = "low priority"

# Cells read as "no answer" in a CSV, compared case-insensitively after stripping spaces.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})


class DriverDataError(ValueError):
    """Input a key driver analysis cannot use; the message names the column, driver or row."""


@dataclass(frozen=True)
class DriverImportance:
    """One driver: importance on two measures (shares of R^2), performance and its quadrant.

    ``relative_weight`` and ``shapley`` are raw shares of R^2 (each set sums to R^2); the ``_pct`` fields
    are the same as percentages of R^2. ``performance`` is the mean rating, ``top_box`` the share (0..1) of
    ratings at the top of the scale. ``shapley_se`` is the sampling standard error (0 when exact).
    ``correlation`` is the plain correlation with the outcome: importance is unsigned, and a negative
    correlation usually means a reversed scale.
    """

    name: str
    relative_weight: float
    relative_weight_pct: float
    shapley: float
    shapley_pct: float
    shapley_se: float
    performance: float
    top_box: float
    correlation: float
    quadrant: str

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "relative_weight": self.relative_weight,
            "shapley": self.shapley,
            "performance": self.performance,
            "quadrant": self.quadrant,
        }


@dataclass(frozen=True)
class KeyDriverResult:
    """The analysis; ``drivers`` are ordered by Shapley share, most important first."""

    r2: float
    drivers: tuple[DriverImportance, ...]
    act_first: str | None
    n: int
    n_dropped: int
    scale: tuple[float, float]
    shapley_method: str
    permutations: int
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The published shape, exactly: ``{"r2", "drivers": [...], "act_first"}`` where each driver is
        ``{"name", "relative_weight", "shapley", "performance", "quadrant"}``.
        """
        return {
            "r2": self.r2,
            "drivers": [driver.as_dict() for driver in self.drivers],
            "act_first": self.act_first,
        }

    def driver(self, name: str) -> DriverImportance:
        for driver in self.drivers:
            if driver.name == name:
                return driver
        raise KeyError(name)


# --- the statistics on a correlation matrix (outcome first, then the drivers) -----------------------------


def _eigen(corr: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    eigenvalues, eigenvectors = np.linalg.eigh(corr[1:, 1:])
    return eigenvalues, eigenvectors


def r_squared(corr: NDArray[np.float64]) -> float:
    """R^2 of the OLS of the outcome (row/column 0) on all drivers: r_yx' R_xx^-1 r_yx."""
    r = corr[0, 1:]
    return float(r @ np.linalg.solve(corr[1:, 1:], r))


def relative_weights(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Johnson's (2000) raw relative weights; they sum to R^2.

    With R_xx = V diag(lambda) V', the correlations between drivers and their orthogonal counterparts are
    Lambda = V diag(sqrt(lambda)) V', the outcome's weights on the counterparts are
    beta = V diag(1/sqrt(lambda)) V' r_yx, and driver j's weight is sum_k Lambda_jk^2 beta_k^2.
    """
    eigenvalues, vectors = _eigen(corr)
    root = np.sqrt(eigenvalues)
    loadings = (vectors * root) @ vectors.T
    beta: NDArray[np.float64] = (vectors / root) @ (vectors.T @ corr[0, 1:])
    return (loadings**2) @ (beta**2)


def subset_r_squared(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """R^2 for every subset of drivers, indexed by bit mask (bit j set = driver j in the model)."""
    p = corr.shape[0] - 1
    r, rxx = corr[0, 1:], corr[1:, 1:]
    r2 = np.zeros(1 << p)
    for size in range(1, p + 1):
        members = np.array(list(combinations(range(p), size)), dtype=np.int64)
        blocks = rxx[members[:, :, None], members[:, None, :]]
        rs = r[members]
        beta = np.linalg.solve(blocks, rs[..., None])[..., 0]
        r2[(np.int64(1) << members).sum(axis=1)] = (rs * beta).sum(axis=1)
    return r2


def shapley_exact(corr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Shapley values of R^2 from all 2^p subsets: phi_j = sum_S |S|!(p-|S|-1)!/p! [R2(S+j) - R2(S)]."""
    p = corr.shape[0] - 1
    r2 = subset_r_squared(corr)
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = np.bitwise_count(masks).astype(np.int64)
    weight = np.array([math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)])
    values = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        values[j] = (weight[sizes[without]] * (r2[without | (1 << j)] - r2[without])).sum()
    return values


def shapley_sampled(
    corr: NDArray[np.float64], *, permutations: int = DEFAULT_PERMUTATIONS, seed: int = DEFAULT_SEED
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Shapley values of R^2 estimated from random entry orders, and their standard errors.

    For one order, the Cholesky factor L of the correlation matrix with the drivers in that order and the
    outcome last gives every incremental R^2 at once: L[y, k]^2 is what the k-th driver adds. Each order's
    increments add up to R^2, so the averages do too; they are rescaled by a rounding-sized factor so the
    shares sum to R^2 exactly. Orders come in forward/reverse pairs, which lowers the variance; the
    standard error is taken over pairs.
    """
    p = corr.shape[0] - 1
    pairs = max(1, permutations // 2)
    rng = np.random.default_rng(seed)
    total = np.zeros(p)
    total_sq = np.zeros(p)
    done = 0
    while done < pairs:
        batch = min(_PERMUTATION_BATCH, pairs - done)
        forward = rng.permuted(np.tile(np.arange(p), (batch, 1)), axis=1)
        pair_mean = (_order_increments(corr, forward) + _order_increments(corr, forward[:, ::-1])) / 2
        total += pair_mean.sum(axis=0)
        total_sq += (pair_mean**2).sum(axis=0)
        done += batch
    values = total / pairs
    variance = np.maximum(total_sq / pairs - values**2, 0.0) * pairs / max(pairs - 1, 1)
    values *= r_squared(corr) / values.sum()
    return values, np.sqrt(variance / pairs)


def _order_increments(corr: NDArray[np.float64], orders: NDArray[np.int64]) -> NDArray[np.float64]:
    """Incremental R^2 of each driver (columns in driver order) for each entry order (rows)."""
    batch, p = orders.shape
    index = np.concatenate([orders + 1, np.zeros((batch, 1), dtype=orders.dtype)], axis=1)
    factor = np.linalg.cholesky(corr[index[:, :, None], index[:, None, :]])
    increments = np.empty((batch, p))
    np.put_along_axis(increments, orders, factor[:, p, :p] ** 2, axis=1)
    return increments


# --- from responses to the correlation matrix ------------------------------------------------------------


@dataclass(frozen=True)
class _Summary:
    n: int
    n_dropped: int
    corr: NDArray[np.float64]
    means: NDArray[np.float64]
    top_box: NDArray[np.float64]
    scale: tuple[float, float]


def _chunks(y: NDArray[np.number], x: NDArray[np.number]) -> Iterator[NDArray[np.float64]]:
    for start in range(0, y.shape[0], _CHUNK_ROWS):
        block = np.column_stack((y[start : start + _CHUNK_ROWS], x[start : start + _CHUNK_ROWS])).astype(
            np.float64, copy=False
        )
        yield block[np.isfinite(block).all(axis=1)]


def _summarise(y: NDArray[np.number], x: NDArray[np.number], names: list[str],
               scale: tuple[float, float] | None) -> _Summary:
    """One streaming pass: counts, means, co-moments (merged per chunk, Chan et al.) and the driver range.

    Centring each chunk on its own mean before the cross-product keeps the co-moments accurate whatever
    the level of the ratings. Top-box counts are kept against each driver's highest rating so far, so the
    scale need not be known before the pass.
    """
    width = x.shape[1] + 1
    n = 0
    mean = np.zeros(width)
    comoment = np.zeros((width, width))
    column_low = np.full(width - 1, np.inf)
    column_high = np.full(width - 1, -np.inf)
    at_high = np.zeros(width - 1)
    for block in _chunks(y, x):
        m = block.shape[0]
        if m == 0:
            continue
        block_mean = block.mean(axis=0)
        centred = block - block_mean
        delta = block_mean - mean
        total = n + m
        comoment += centred.T @ centred + np.outer(delta, delta) * (n * m / total)
        mean += delta * (m / total)
        n = total
        ratings = block[:, 1:]
        column_low = np.minimum(column_low, ratings.min(axis=0))
        block_high = ratings.max(axis=0)
        block_at_high = (ratings == block_high).sum(axis=0)
        at_high = np.where(
            block_high > column_high,
            block_at_high,
            at_high + np.where(block_high == column_high, block_at_high, 0),
        )
        column_high = np.maximum(column_high, block_high)

    p = width - 1
    if n < p + 2:
        raise DriverDataError(
            f"Only {n} complete responses (outcome and every driver answered); "
            f"at least {p + 2} are needed for {p} drivers."
        )
    if scale is None:
        low, high = float(column_low.min()), float(column_high.max())
    else:
        low, high = float(scale[0]), float(scale[1])
        outside = np.flatnonzero((column_low < low) | (column_high > high))
        if outside.size:
            j = int(outside[0])
            value = column_low[j] if column_low[j] < low else column_high[j]
            raise DriverDataError(f"Driver {names[j]!r} has a rating of {value:g}, outside the scale {low:g}-{high:g}.")

    variance = np.diag(comoment)
    flat = [("the outcome" if i == 0 else repr(names[i - 1])) for i in np.flatnonzero(variance <= 0)]
    if flat:
        raise DriverDataError(
            f"{', '.join(flat)} has the same value in every complete response, so it cannot explain anything."
        )
    sd = np.sqrt(variance)
    corr = comoment / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    top_box = np.where(column_high == high, at_high, 0) / n
    return _Summary(n=n, n_dropped=int(y.shape[0] - n), corr=corr, means=mean, top_box=top_box, scale=(low, high))


def _check_collinearity(corr: NDArray[np.float64], names: Sequence[str]) -> None:
    eigenvalues, vectors = _eigen(corr)
    if eigenvalues[0] < COLLINEARITY_TOLERANCE:
        weights = np.abs(vectors[:, 0])
        involved = [names[j] for j in np.argsort(-weights) if weights[j] > 0.1]
        raise DriverDataError(
            f"Drivers {', '.join(repr(name) for name in involved)} are perfectly collinear "
            "(one is a combination of the others); drop one of them."
        )


def key_drivers(
    y: Sequence[float] | NDArray[np.number],
    x: NDArray[np.number],
    names: Sequence[str],
    *,
    scale: tuple[float, float] | None = None,
    exact_limit: int = EXACT_SHAPLEY_LIMIT,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
) -> KeyDriverResult:
    """Key driver analysis of outcome ``y`` (n) on driver ratings ``x`` (n x p, NaN = not answered).

    ``scale`` is the drivers' rating scale (lowest, highest); when None it is the lowest and highest rating
    found among the drivers. Importance is the Shapley share of R^2; a driver is a key driver when its
    importance is above the average (R^2 / p); ``act_first`` is the key driver with the lowest mean rating.
    """
    y, x = np.asarray(y), np.asarray(x)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise DriverDataError(
            f"Expected an outcome of n values and an n x p driver matrix; got {y.shape} and {x.shape}."
        )
    names = [str(name) for name in names]
    if len(names) != x.shape[1]:
        raise DriverDataError(f"{x.shape[1]} driver columns but {len(names)} driver names.")
    if len(set(names)) != len(names):
        raise DriverDataError("Driver names must be unique.")
    if not names:
        raise DriverDataError("At least one driver is needed.")

    p = len(names)
    # Every matrix product here has at most p + 1 columns: threads cost more to coordinate than they save,
    # and on a busy two-core machine multi-threaded BLAS made the analysis five to ten times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        summary = _summarise(y, x, names, scale)
        corr = summary.corr
        _check_collinearity(corr, names)
        r2 = r_squared(corr)
        raw_weights = relative_weights(corr)
        if p <= exact_limit:
            shapley, shapley_se = shapley_exact(corr), np.zeros(p)
            method, used_permutations = "exact", 0
        else:
            shapley, shapley_se = shapley_sampled(corr, permutations=permutations, seed=seed)
            method, used_permutations = "sampled", 2 * max(1, permutations // 2)

    performance = summary.means[1:]
    # Importance is the Shapley share: general dominance rests on every submodel, whereas relative weights
    # are a close approximation whose derivation has been questioned (Thomas et al. 2014); both are shown.
    # A driver is key when it explains more than an equal share would; the tolerance stops rounding from
    # splitting drivers that are exactly equal.
    key = shapley > r2 / p + 1e-12 * max(r2, 1e-300)
    well_done = performance >= performance.mean()
    quadrants = np.where(
        key, np.where(well_done, KEEP_UP, ACT_FIRST), np.where(well_done, POSSIBLE_OVERKILL, LOW_PRIORITY)
    )
    act_first = None
    if key.any():
        candidates = np.flatnonzero(key)
        act_first = names[min(candidates, key=lambda j: (performance[j], -shapley[j]))]

    drivers = [
        DriverImportance(
            name=names[j],
            relative_weight=float(raw_weights[j]),
            relative_weight_pct=float(100 * raw_weights[j] / r2) if r2 > 0 else math.nan,
            shapley=float(shapley[j]),
            shapley_pct=float(100 * shapley[j] / r2) if r2 > 0 else math.nan,
            shapley_se=float(shapley_se[j]),
            performance=float(performance[j]),
            top_box=float(summary.top_box[j]),
            correlation=float(corr[0, j + 1]),
            quadrant=str(quadrants[j]),
        )
        for j in np.argsort(-shapley, kind="stable")
    ]

    warnings = []
    enough = max(MIN_RESPONSES, MIN_RESPONSES_PER_DRIVER * p)
    if summary.n < enough:
        warnings.append(
            f"Only {summary.n} complete responses for {p} drivers; below {enough} the importances are unstable."
        )
    reversed_scale = [d.name for d in drivers if d.correlation < 0]
    if reversed_scale:
        warnings.append(
            "Rated lower by more loyal customers (check the scale direction): " + ", ".join(reversed_scale) + "."
        )
    return KeyDriverResult(
        r2=r2,
        drivers=tuple(drivers),
        act_first=act_first,
        n=summary.n,
        n_dropped=summary.n_dropped,
        scale=summary.scale,
        shapley_method=method,
        permutations=used_permutations,
        warnings=tuple(warnings),
    )


# --- reading a CSV of responses --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingsTable:
    """Outcome and driver columns read from a file; NaN where a response left a rating blank."""

    outcome: NDArray[np.float64]
    drivers: NDArray[np.float64]
    names: tuple[str, ...]


def read_ratings_csv(
    path: str | PathLike[str], outcome: str, drivers: Sequence[str], *, encoding: str = "utf-8-sig"
) -> RatingsTable:
    """Stream the outcome and driver columns of a CSV into NumPy arrays (memory: 8 bytes per cell kept).

    Blank cells and NA, N/A, NaN, null, none and "-" are "no answer". Anything else that is not a number
    raises DriverDataError naming the line and the column.
    """
    wanted = [outcome, *drivers]
    if outcome in drivers:
        raise DriverDataError(f"{outcome!r} is both the outcome and a driver.")
    repeated = sorted({name for name in drivers if list(drivers).count(name) > 1})
    if repeated:
        raise DriverDataError(f"Driver listed twice: {', '.join(repeated)}.")
    width = len(wanted)
    cells = array("d")
    try:
        with open(path, newline="", encoding=encoding) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise DriverDataError(f"{path} is empty.")
            header = [column.strip() for column in header]
            missing = [name for name in wanted if name not in header]
            if missing:
                raise DriverDataError(
                    f"Column{'s' if len(missing) > 1 else ''} not found in {path}: "
                    f"{', '.join(repr(name) for name in missing)}. Columns in the file: {', '.join(header)}."
                )
            positions = [header.index(name) for name in wanted]
            pick = itemgetter(*positions)
            needed = max(positions) + 1
            for row in reader:
                if not row:
                    continue
                # Fast path: a full row of plain numbers. Anything else (blanks, text, short rows,
                # infinities) takes the careful path below, which knows what to say about it.
                if len(row) >= needed:
                    try:
                        values = [float(text) for text in pick(row)] if width > 1 else [float(pick(row))]
                    except ValueError:
                        pass
                    else:
                        if not math.isinf(sum(values)):
                            cells.extend(values)
                            continue
                cells.extend(_careful_row(row, positions, wanted, reader.line_num))
    except UnicodeDecodeError as error:
        label = encoding.removesuffix("-sig").upper()
        raise DriverDataError(f"{path} is not {label} text ({error.reason}).") from None
    except csv.Error as error:
        raise DriverDataError(f"{path} is not a readable CSV file: {error}.") from None
    table = np.frombuffer(cells, dtype=np.float64).reshape(-1, width)
    return RatingsTable(outcome=table[:, 0], drivers=table[:, 1:], names=tuple(drivers))


def _careful_row(row: list[str], positions: list[int], wanted: list[str], line: int) -> list[float]:
    values = []
    for position, name in zip(positions, wanted, strict=True):
        text = row[position] if position < len(row) else ""
        try:
            value = float(text)
        except ValueError:
            if text.strip().lower() not in MISSING_TOKENS:
                raise DriverDataError(f"Line {line}, column {name!r}: {text!r} is not a number.") from None
            value = math.nan
        if math.isinf(value):
            raise DriverDataError(f"Line {line}, column {name!r}: {text!r} is not a finite number.")
        values.append(value)
    return values
