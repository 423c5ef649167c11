"""The rejected rows of an import as a CSV: line, reason and the row's cells (every import writes one)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from outsidein.core import filestore
from outsidein.core.exports import safe_cell
from outsidein.core.imports.readers import Record, media_path


class RejectedRows:
    """The rejected rows of an import as a CSV (line, reason, the row's cells), written as they come, at
    ``relative`` under MEDIA_ROOT; the cells are made safe to open in a spreadsheet."""

    CELL_PREVIEW = 2_000  # a 10 MB cell does not belong in the report

    def __init__(self, relative: str, columns: list[str], *, keep: int = 0) -> None:
        """``keep``: a resumed import keeps the first rows of the report (those of its committed records)."""
        self.relative, self.columns = relative, columns
        self.count = keep
        self._handle: Any = None
        self._writer: Any = None
        if keep:
            self._open()

    @classmethod
    def report_row(cls, line: int, reason: str, values: Iterable[Any]) -> list[str]:
        cells = []
        for value in values:
            text = value.isoformat() if isinstance(value, (datetime, date)) else str(value)
            if len(text) > cls.CELL_PREVIEW:
                text = text[:cls.CELL_PREVIEW] + f"… ({len(text):,} characters)"
            cells.append(safe_cell(text))
        return [str(line), safe_cell(reason), *cells]

    def _open(self) -> None:
        if self._writer is None:
            path = media_path(self.relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.count and path.exists():
                self._keep_first(path, self.count)
                self._handle = path.open("a", encoding="utf-8", newline="")
                self._writer = csv.writer(self._handle)
                return
            self._handle = path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["line", "reason", *self.columns])

    @staticmethod
    def _keep_first(path: Path, rows: int) -> None:
        """The header and the first ``rows`` rows; a stopped run may have written more before it died."""
        part = path.with_suffix(".part")
        with path.open(encoding="utf-8", newline="") as old, part.open("w", encoding="utf-8", newline="") as new:
            csv.writer(new).writerows(itertools.islice(csv.reader(old), rows + 1))
        part.replace(path)

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()

    def add(self, record: Record, reason: str) -> None:
        self._open()
        self._writer.writerow(self.report_row(record.line, reason, record.cells))
        self.count += 1

    def append_report(self, path: Path, rows: int) -> None:
        """Rows another reader already wrote in this report's form (``bulk_csv``'s parts), in order."""
        if not rows:
            return
        self._open()
        self._handle.flush()
        with path.open(encoding="utf-8", newline="") as part:
            while chunk := part.read(1 << 20):
                self._handle.write(chunk)
        self.count += rows

    def close(self) -> str:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if not self.count:
            return ""
        filestore.publish(self.relative)  # the import's page may be served by another machine
        return self.relative




def first_rejected(stored: str, limit: int) -> list[tuple[str, str]]:
    """(line, reason) of the first ``limit`` rows of a stored rejected-rows report, as an import's page lists
    them; nothing when there is no report (yet)."""
    if not stored:
        return []
    path = media_path(stored)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["line"], row["reason"]) for row in itertools.islice(csv.DictReader(handle), limit)]
