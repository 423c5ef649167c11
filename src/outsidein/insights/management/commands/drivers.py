"""`outsidein drivers FILE.csv --outcome COL --drivers A,B,C [--json]`: key driver analysis of a CSV."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.insights.analysis.drivers import (
    DriverDataError,
    KeyDriverResult,
    key_drivers,
    read_ratings_csv,
)

_SCALE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[-,]\s*(-?\d+(?:\.\d+)?)\s*$")


def _scale(text: str) -> tuple[float, float]:
    match = _SCALE.match(text)
    if not match:
        raise CommandError(f"--scale must look like 1-5 or 1,5; got {text!r}")
    low, high = float(match[1]), float(match[2])
    if not low < high:
        raise CommandError(f"--scale must go from low to high; got {text!r}")
    return low, high


def format_table(result: KeyDriverResult, outcome: str) -> str:
    """The analysis as a plain-text table, most important driver first."""
    headers = ("Driver", "Rel. weight", "Shapley", "Mean", "Top box", "Quadrant")
    rows = [
        (
            d.name,
            f"{d.relative_weight_pct:.1f}%",
            f"{d.shapley:.4f}",
            f"{d.performance:.2f}",
            f"{100 * d.top_box:.0f}%",
            d.quadrant,
        )
        for d in result.drivers
    ]
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers))]
    numeric = {1, 2, 3, 4}

    def line(cells: tuple[Any, ...]) -> str:
        return "  ".join(
            str(cell).rjust(width) if i in numeric else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    low, high = result.scale
    shapley_note = (
        "exact"
        if result.shapley_method == "exact"
        else f"estimated from {result.permutations:,} random orders"
    )
    lines = [
        f"Key drivers of {outcome}",
        "",
        line(headers),
        line(tuple("-" * width for width in widths)),
        *(line(row) for row in rows),
        "",
        f"Rel. weight: Johnson's relative weight as % of R². Shapley: share of R² (general dominance, "
        f"{shapley_note}); the shares add up to R².",
        f"Mean and Top box: ratings on the {low:g}-{high:g} scale, on the responses used.",
        f"R² = {result.r2:.4f} from {result.n:,} complete responses"
        + (f" ({result.n_dropped:,} left out for missing answers)." if result.n_dropped else "."),
        f"Act first: {result.act_first if result.act_first else 'no driver stands out in importance'}",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Key driver analysis of a CSV of survey responses: each driver's importance (relative weights and "
        "Shapley shares of R²), its performance and quadrant, and the driver to act on first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file with a header row, one response per row")
        parser.add_argument(
            "--outcome", required=True, help="column with the outcome, e.g. likelihood to recommend"
        )
        parser.add_argument("--drivers", required=True, help="comma-separated driver rating columns")
        parser.add_argument(
            "--scale", help="driver rating scale such as 1-5 (default: lowest to highest rating found)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        drivers = [name.strip() for name in options["drivers"].split(",") if name.strip()]
        if not drivers:
            raise CommandError("--drivers needs at least one column name")
        scale = _scale(options["scale"]) if options["scale"] else None
        try:
            table = read_ratings_csv(options["file"], options["outcome"], drivers)
            result = key_drivers(table.outcome, table.drivers, table.names, scale=scale)
        except FileNotFoundError:
            raise CommandError(f"No such file: {options['file']}") from None
        except DriverDataError as error:
            raise CommandError(str(error)) from None

        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(format_table(result, options["outcome"]))
