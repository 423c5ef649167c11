"""`outsidein sentiment FILE.csv --text-column COL --out OUT.csv`: add a sentiment score (-1..1) per row."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.feedback.sentiment import label, score_text

ENCODING = "utf-8-sig"  # plain UTF-8, with or without the byte-order mark spreadsheets add
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (OWASP "CSV injection"); numbers stay numbers."""
    if cell.startswith(_FORMULA_STARTS):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def open_text_csv(path: str) -> TextIO:
    if not Path(path).is_file():
        raise CommandError(f"No such file: {path}")
    return open(path, newline="", encoding=ENCODING)  # the caller closes it


def column_position(header: list[str] | None, column: str, path: str) -> int:
    if header is None:
        raise CommandError(f"{path} is empty: it needs a header row naming its columns.")
    names = [name.strip() for name in header]
    if column not in names:
        raise CommandError(
            f"Column {column!r} not found in {path}. Columns in the file: {', '.join(repr(n) for n in names)}."
        )
    return names.index(column)


@contextmanager
def decoding_errors(path: str) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path} is not valid UTF-8 (byte {error.start} of the bad stretch: {error.reason}). "
            "Save it as UTF-8 (in a spreadsheet: CSV UTF-8) and run the command again."
        ) from None
    except csv.Error as error:
        raise CommandError(f"{path} is not a readable CSV file: {error}") from None


def write_atomically(out: str, write: Callable[[Any], None]) -> None:
    """Write through a temporary file beside OUT so a failure never leaves a half-written OUT behind."""
    target = Path(out)
    if not target.parent.is_dir():
        raise CommandError(f"Cannot write {out}: the folder {target.parent} does not exist.")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed or removed
        "w", encoding="utf-8", newline="", dir=target.parent, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            write(csv.writer(handle))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def add_output_column(header: list[str], name: str) -> tuple[list[str], int]:
    """The output header and where ``name`` goes: replaced in place when the input already has it."""
    names = [h.strip() for h in header]
    if name in names:
        return list(header), names.index(name)
    return [*header, name], len(header)


def fill_row(row: list[str], width: int, position: int, value: str) -> list[str]:
    cells = [neutralise(cell) for cell in row] + [""] * max(0, width - len(row))
    cells[position] = value
    return cells


class Command(BaseCommand):
    help = (
        "Add a 'sentiment' column (score from -1, most negative, to 1, most positive; VADER) to a UTF-8 CSV. "
        "Every input column is kept; rows with an empty text get an empty score. Cells that a spreadsheet "
        "would run as formulas are prefixed with an apostrophe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV file with a header row")
        parser.add_argument("--text-column", required=True, help="column holding the text to score")
        parser.add_argument("--out", required=True, help="CSV file to write (the input plus 'sentiment')")

    def handle(self, *args: Any, **options: Any) -> None:
        path, column, out = options["file"], options["text_column"], options["out"]
        counts = {"negative": 0, "neutral": 0, "positive": 0, "empty": 0}

        def write(writer: Any) -> None:
            with open_text_csv(path) as source, decoding_errors(path):
                reader = csv.reader(source)
                header = next(reader, None)
                position = column_position(header, column, path)
                assert header is not None  # column_position refuses a file without one
                out_header, out_position = add_output_column(header, "sentiment")
                writer.writerow(out_header)
                for row in reader:
                    if not row:
                        continue
                    text = row[position] if position < len(row) else ""
                    score = score_text(text)
                    if score != score:  # NaN: blank text
                        counts["empty"] += 1
                        value = ""
                    else:
                        counts[label(score)] += 1
                        value = f"{round(score, 4):.4f}"
                    writer.writerow(fill_row(row, len(out_header), out_position, value))

        write_atomically(out, write)
        scored = counts["negative"] + counts["neutral"] + counts["positive"]
        self.stdout.write(
            f"Scored {scored:,} rows into {out}: {counts['positive']:,} positive, {counts['neutral']:,} neutral, "
            f"{counts['negative']:,} negative"
            + (f"; {counts['empty']:,} with no text left blank." if counts["empty"] else ".")
        )
