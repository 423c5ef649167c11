"""Imported files read one record at a time: CSV over a text stream, XLSX read-only, one JSON object per line.

Every import reads its file through ``DataFile`` (feedback, accounts and persons), so every one reads the same
formats within the same limits and names the same line for a record.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, Self

from outsidein.core import datafiles, filestore
from outsidein.core.datafiles import FileRejected

FORMATS = ("csv", "xlsx", "jsonl")


class Record(NamedTuple):
    """One record of a file: its line (as a spreadsheet or editor shows it) and its cells in column order.

    Cells are text, except dates and times an Excel sheet holds as such. ``error`` says why a record
    could not even be read (then ``cells`` is empty).
    """

    line: int
    cells: list[Any]
    error: str = ""


def detect_format(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise FileRejected(f"“{file_name}” is not a CSV, XLSX or JSON Lines file (.csv, .xlsx, .jsonl).")


def media_path(stored: str) -> Path:
    """Where to read a stored import file on this machine (fetched from the shared store when kept there)."""
    return filestore.path_of(stored)


# --- reading -------------------------------------------------------------------------------------------

def _csv_records(handle: io.TextIOBase, limits: datafiles.ImportLimits | None = None
                 ) -> tuple[list[str], Iterator[Record]]:
    limits = limits or datafiles.ImportLimits.current()
    datafiles.set_csv_cell_limit(limits)
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected("The file is empty: it needs a header row and at least one row.") from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRejected(f"The header row holds a column name longer than {limits.cell_chars:,} characters; "
                               "it is not a CSV header. Nothing was imported.") from exc
        raise FileRejected(f"The header row cannot be read as CSV: {exc}.") from exc
    datafiles.check_columns(len(header), limits)
    columns = [c.strip() for c in header]
    if not any(columns):
        raise FileRejected("The first row is blank: it must name the columns.")

    width = len(columns)

    def records() -> Iterator[Record]:
        for line, row, reason in datafiles.csv_rows(reader, limits):
            if reason:
                yield Record(line, [], reason)
                continue
            if len(row) != width:
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    yield Record(line, [], f"This row has {len(row)} cells but the header names {width} columns.")
                    continue
                row = (row + [""] * width)[:width]
            yield Record(line, row)

    return columns, records()


def _xlsx_records(path: Path, limits: datafiles.ImportLimits | None = None) -> tuple[list[str], Iterator[Record], Any]:
    limits = limits or datafiles.ImportLimits.current()
    workbook, sheet = datafiles.open_workbook(path, limits)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(c not in (None, "") for c in header):
        workbook.close()
        raise FileRejected("The file is empty: its first sheet needs a header row and at least one row.")
    columns = ["" if c is None else str(c).strip() for c in header]
    width = len(columns)

    def records() -> Iterator[Record]:
        for line, row in enumerate(rows, start=2):
            if len(row) > width and any(c not in (None, "") for c in row[width:]):
                yield Record(line, [], f"This row has cells beyond the {width} named columns.")
                continue
            cells = [as_cell(v) for v in row[:width]]
            yield Record(line, cells + [""] * (width - len(cells)))
        workbook.close()

    return columns, records(), sheet


def as_cell(value: Any) -> Any:
    """A sheet or JSON value as the text a CSV would hold (dates and times stay as they are)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = as_cell(value)
    return flat


def _jsonl_records(handle: io.TextIOBase, sample: int = 50, limits: datafiles.ImportLimits | None = None
                   ) -> tuple[list[str], Iterator[Record]]:
    limits = limits or datafiles.ImportLimits.current()

    def parsed() -> Iterator[Record | tuple[int, dict[str, Any]]]:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Record(line, [], f"This line is not valid JSON ({exc.msg}, column {exc.colno}).")
                continue
            if not isinstance(obj, dict):
                yield Record(line, [], "This line is not a JSON object ({\"field\": value, …}).")
                continue
            yield line, _flatten(obj)

    stream = parsed()
    head: list[Record | tuple[int, dict[str, Any]]] = []
    for item in stream:
        head.append(item)
        if len(head) >= sample:
            break
    if not head:
        raise FileRejected("The file is empty: it needs at least one JSON object per line.")
    # The columns are the keys of the first objects; later objects are read through the same columns.
    columns = list(dict.fromkeys(k for item in head if not isinstance(item, Record) for k in item[1]))
    datafiles.check_columns(len(columns), limits, "The first objects name")

    def records() -> Iterator[Record]:
        for item in itertools.chain(head, stream):
            if isinstance(item, Record):
                yield item
            else:
                line, flat = item
                yield Record(line, [flat.get(c, "") for c in columns])

    return columns, records()


class DataFile:
    """An uploaded or local file to import: its columns and its records, read lazily.

    ``encoding`` is the one found when the file was stored (kept on the import's row); without it the file's
    encoding is detected, once, when it is first needed.
    """

    def __init__(self, path: Path, fmt: str, encoding: str = "") -> None:
        if fmt not in FORMATS:
            raise FileRejected(f"Unknown file format “{fmt}”; use one of {', '.join(FORMATS)}.")
        self.path, self.format = path, fmt
        self.limits = datafiles.ImportLimits.current()
        self._given_encoding = encoding
        self._encoding: datafiles.TextEncoding | None = None
        self._handle: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    @property
    def encoding(self) -> datafiles.TextEncoding | None:
        """The text encoding the file is read in, with its number of lines (None for a workbook)."""
        if self.format == "xlsx":
            return None
        if self._encoding is None:
            if self.path.stat().st_size == 0:
                raise FileRejected("The file is empty: it needs a header row and at least one row.")
            self._encoding = (datafiles.read_file_as(self.path, self._given_encoding) if self._given_encoding
                              else datafiles.detect_file_encoding(self.path))
        return self._encoding

    def measure(self) -> int | None:
        """Number of records, to show progress (checks the encoding of text files on the way)."""
        encoding = self.encoding
        if encoding is None:
            return None
        lines = encoding.lines
        return max(lines - 1, 0) if self.format == "csv" else lines

    def open(self) -> tuple[list[str], Iterator[Record]]:
        self.close()
        if self.format == "xlsx":
            columns, records, sheet = _xlsx_records(self.path, self.limits)
            self._handle = sheet.parent
            return columns, records
        encoding = self.encoding
        assert encoding is not None  # a text file's
        try:
            self._handle = self.path.open(encoding=encoding.reading_name, errors="strict", newline="")
        except OSError as exc:
            raise FileRejected(f"The file cannot be read: {exc.strerror}.") from exc
        if self.format == "csv":
            return _csv_records(self._handle, self.limits)
        return _jsonl_records(self._handle, limits=self.limits)

    def preview(self, limit: int | None = None) -> tuple[list[str], list[Record]]:
        """The columns and the first records (as many as the limits' preview rows): never the whole file."""
        limit = self.limits.preview_rows if limit is None else limit
        columns, records = self.open()
        try:
            head = list(itertools.islice(records, limit))
        finally:
            self.close()
        return columns, head


