"""The loop of every row-by-row import: records in file order, each handled or rejected, the handled ones written
in chunks, the job's progress and counts kept as it goes."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from outsidein.core.datafiles import FileRejected
from outsidein.core.imports.readers import Record
from outsidein.core.imports.report import RejectedRows
from outsidein.core.progress import Progress

T = TypeVar("T")


class RowError(ValueError):
    """One record cannot be imported; the message names the field and the value."""


class RowStream(Generic[T]):
    """Reads records and hands each to ``handle`` (its cells to a row to write, or None when there is nothing to
    write: a blank record, or one ``handle`` saved itself); a ``RowError`` or a record that could not be read
    goes to the rejected rows with its line. ``write`` takes each chunk of up to ``chunk_rows`` rows with the
    number of records read so far, after the rejected rows before it are on disk.

    ``counts`` are the job's counters, shown with its progress: the handler and the writer keep theirs in it,
    the stream keeps ``rows_rejected``. ``done`` is how many records have been read, also after an error.
    """

    def __init__(self, handle: Callable[[list[Any]], T | None], write: Callable[[list[T], int], object], *,
                 chunk_rows: int, rejected: RejectedRows, progress: Progress, counts: dict[str, int]) -> None:
        self.handle, self.write, self.chunk_rows = handle, write, chunk_rows
        self.rejected, self.progress, self.counts = rejected, progress, counts
        self.done = 0

    def run(self, records: Iterator[Record], skip: int = 0) -> int:
        """Every record after the first ``skip`` (those a stopped run committed); returns the records read."""
        self.done = sum(1 for _ in itertools.islice(records, skip))
        pending: list[T] = []
        handle, rejected, counts, progress, chunk_rows = (self.handle, self.rejected, self.counts, self.progress,
                                                         self.chunk_rows)

        def flush() -> None:
            if pending:
                rejected.flush()  # on disk before the point that counts its rows is committed
                self.write(pending, self.done)
                pending.clear()

        # The plain loop of files with millions of rows: no call per record beyond the handler's.
        try:
            for record in records:
                self.done += 1
                if record.error:
                    rejected.add(record, record.error)
                    counts["rows_rejected"] = rejected.count
                    continue
                try:
                    row = handle(record.cells)
                except RowError as exc:
                    rejected.add(record, str(exc))
                    counts["rows_rejected"] = rejected.count
                    continue
                if row is not None:
                    pending.append(row)
                    if len(pending) >= chunk_rows:
                        flush()
                        progress.advance(self.done, **counts)
                if not self.done % 1000:
                    progress.advance(self.done, **counts)
            flush()
        except FileRejected:
            flush()  # the rows read before the file went bad are kept
            raise
        finally:
            counts["rows_rejected"] = rejected.count
        return self.done
