"""Key driver analysis on 1,000,000 synthetic survey responses x 30 driver ratings.

    .venv/bin/python bench/drivers.py [--rows 1000000] [--drivers 30] [--repeat 3] [--csv]

Responses are generated with a fixed seed: driver ratings 1-5 share an 'overall impression' factor, the
outcome (0-10, likelihood to recommend) depends on the drivers with unequal weights, and 0.1% of ratings
are left blank (3% of responses) so listwise deletion is exercised. Prints the best of --repeat timings
of the whole analysis (one pass over the responses, relative weights, Shapley values, performance,
quadrants) and, for reference, of the exact Shapley computation at the 12-driver cut-off.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from outsidein.insights.analysis.drivers import (
    EXACT_SHAPLEY_LIMIT,
    _summarise,
    key_drivers,
    read_ratings_csv,
    shapley_exact,
)


def synthetic_survey(rows: int, drivers: int, seed: int = 20) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    impression = rng.normal(size=(rows, 1))
    centre = rng.uniform(2.8, 4.2, size=drivers)
    x = np.rint(centre + 0.6 * impression + rng.normal(size=(rows, drivers)) * 0.9)
    np.clip(x, 1, 5, out=x)
    weights = rng.gamma(1.0, size=drivers)
    y = np.rint((x - 3) @ (weights / weights.sum()) * 3 + 7 + 0.8 * impression[:, 0] + rng.normal(size=rows))
    np.clip(y, 0, 10, out=y)
    x[rng.random(size=x.shape) < 0.001] = np.nan
    return y, x, [f"driver_{j + 1:02d}" for j in range(drivers)]


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--drivers", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--csv", action="store_true", help="also time reading the responses from a CSV, as `outsidein drivers` does"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    y, x, names = synthetic_survey(args.rows, args.drivers)
    generated = time.perf_counter() - start

    total, result = best_of(args.repeat, lambda: key_drivers(y, x, names, scale=(1, 5)))
    with threadpool_limits(limits=1, user_api="blas"):  # as key_drivers does
        data_pass, summary = best_of(args.repeat, lambda: _summarise(y, x, names, (1, 5)))
        corner = summary.corr[: EXACT_SHAPLEY_LIMIT + 1, : EXACT_SHAPLEY_LIMIT + 1]
        exact, _ = best_of(args.repeat, lambda: shapley_exact(corner))

    shares = np.array([d.shapley for d in result.drivers])
    errors = np.array([d.shapley_se for d in result.drivers])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )
    print(f"responses: {args.rows:,} x {args.drivers} drivers (generated in {generated:.1f} s)")
    print(f"complete responses used: {result.n:,} ({result.n_dropped:,} dropped for blanks)")
    print(f"R²: {result.r2:.4f}; act first: {result.act_first}")
    print(
        f"Shapley: {result.shapley_method} from {result.permutations:,} orders; "
        f"sum of shares - R² = {shares.sum() - result.r2:.1e}; "
        f"largest standard error = {errors.max():.1e} ({100 * errors.max() / result.r2:.3f}% of R²)"
    )
    print(f"key driver analysis, best of {args.repeat}: {total:.2f} s")
    print(f"  of which the pass over the responses: {data_pass:.2f} s")
    print(f"exact Shapley at the cut-off ({EXACT_SHAPLEY_LIMIT} drivers, 4,096 subsets): {1000 * exact:.1f} ms")
    if args.csv:
        time_csv(y, x, names)


def time_csv(y: np.ndarray, x: np.ndarray, names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        np.savetxt(
            path, np.column_stack((y, x)), fmt="%.0f", delimiter=",", header=",".join(["nps", *names]), comments=""
        )
        size = path.stat().st_size
        start = time.perf_counter()
        table = read_ratings_csv(path, "nps", names)
        reading = time.perf_counter() - start
    rows = table.outcome.shape[0]
    print(f"reading the CSV ({size / 1e6:.0f} MB, {rows:,} rows): {reading:.2f} s, {rows / reading:,.0f} rows/s")


if __name__ == "__main__":
    main()
