"""Running a plan: the parts staged side by side, checked, scored and inserted, and the outcome counted."""

from __future__ import annotations

import codecs
import csv
import math
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from pathlib import Path

from django.db import DataError, OperationalError, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from psycopg import errors as pg_errors

from outsidein.core import datafiles
from outsidein.feedback.bulk_csv.cutting import READ_BYTES, NotForCopy, Part, bare_quote, cut
from outsidein.feedback.bulk_csv.plan import Plan, literal, lookup_tables
from outsidein.feedback.imports.writers import CopyWriter
from outsidein.feedback.models import ImportBatch
from outsidein.feedback.sentiment import score_texts

PARALLEL_MIN_BYTES = 8 << 20  # below this, one part: a second connection costs more than it saves
PARTS = max(1, min(2, os.cpu_count() or 1))
INSERT_CHUNK_ROWS = 250_000
SENTIMENT_BATCH = 5_000
# --- running it ------------------------------------------------------------------------------------------


def usable(batch: ImportBatch) -> bool:
    return connection.vendor == "postgresql" and batch.file_format == "csv"


class PartRun:
    """One part of the file on one connection: staged and checked first, then (if every part was) loaded."""

    def __init__(self, plan: Plan, part: Part, path: Path, default_received_at: datetime,
                 report_row: Callable[[int, str, list[str]], list[str]], encoding: str = "utf-8") -> None:
        self.plan, self.part, self.path, self.encoding = plan, part, path, encoding
        self.default_received_at, self.report_row = default_received_at, report_row
        self.progress = 0.0  # 0..1 of this part's work
        self.error: BaseException | None = None
        self.report: Path | None = None
        self.pages = 0
        self.lookups, self.lookup_statements = lookup_tables(plan.batch.workspace_id, str(part.number))
        self.temporary = [part.stage, part.checked, part.sentiment, *self.lookups]

    def stage_and_check(self) -> None:
        part, plan, lookups = self.part, self.plan, self.lookups
        with connection.cursor() as cursor:
            self._drop(cursor)
            for statement in self.lookup_statements:
                cursor.execute(statement)
            cursor.execute(plan.create_stage(part))
            length, sent, carry = part.end - part.start, 0, b"\n"
            # UTF-8 goes to the server as it is; a file in another encoding is decoded on the way (its parts are cut
            # at newlines, which are whole characters in every encoding an import takes).
            decoder = None if self.encoding == "utf-8" else codecs.getincrementaldecoder(self.encoding)()
            try:
                with cursor.cursor.copy(plan.copy(part)) as copy, self.path.open("rb") as handle:
                    handle.seek(part.start)
                    while sent < length and (chunk := handle.read(min(READ_BYTES, length - sent))):
                        window = carry + chunk
                        if b'"' in chunk:
                            part.quoted = True
                            if bare_quote(window):
                                raise NotForCopy("a quote inside an unquoted cell")
                        carry = window[-2:]
                        sent += len(chunk)
                        copy.write(chunk if decoder is None else decoder.decode(chunk, final=sent >= length))
                        self.progress = 0.3 * sent / max(length, 1)
            except (pg_errors.DataError, pg_errors.BadCopyFileFormat, pg_errors.CharacterNotInRepertoire,
                    pg_errors.UntranslatableCharacter, UnicodeDecodeError) as exc:
                raise NotForCopy(str(exc).splitlines()[0]) from exc
            try:
                with transaction.atomic():
                    cursor.execute(f"SET LOCAL TimeZone TO {literal(plan.tz_name)}")
                    cursor.execute(plan.check(part, lookups, trusting=True))
            except DataError:  # an impossible date: PostgreSQL's input refused the statement
                cursor.execute(plan.check(part, lookups, trusting=False))
            cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE blank), count(*) FILTER (WHERE reason IS NOT "
                           f"NULL), pg_relation_size('{part.checked}') / current_setting('block_size')::int "
                           f"FROM {part.checked}")
            part.records, part.counts["blank"], part.counts["rejected"], self.pages = cursor.fetchone()
        self.progress = 0.5

    def load(self, report_dir: Path) -> None:
        """Sentiment for the distinct texts, the good rows into the feedback table, the rejected to a report."""
        self._score_texts()
        self._insert()
        if self.part.counts["rejected"]:
            self._write_rejected(report_dir)
        self.progress = 1.0

    def _score_texts(self) -> None:
        part = self.part
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {part.sentiment} (text text PRIMARY KEY, score float8)")
        with transaction.atomic():
            # A server-side cursor: the texts come in batches, however many distinct ones the file holds.
            with connection.connection.cursor(name=f"voice_import_texts_{part.number}") as texts, \
                    connection.cursor() as cursor:
                texts.execute(f"SELECT DISTINCT text FROM {part.checked} "
                              "WHERE reason IS NULL AND NOT blank AND text <> ''")
                while batch := [row[0] for row in texts.fetchmany(SENTIMENT_BATCH)]:
                    scores = score_texts(batch)
                    with cursor.cursor.copy(f"COPY {part.sentiment} (text, score) FROM STDIN") as copy:
                        for text, score in zip(batch, scores, strict=True):
                            copy.write_row((text, None if math.isnan(score) else float(score)))
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {part.sentiment}")
        self.progress = 0.6

    def _insert(self) -> None:
        part, valid = self.part, self.part.records - self.part.counts["blank"] - self.part.counts["rejected"]
        if valid <= 0:
            return
        step = max(1, math.ceil(self.pages * INSERT_CHUNK_ROWS / max(part.records, 1)))
        select = self.plan.select(part)
        # Written as every chunk of a file import is: one INSERT … SELECT that skips conflicts and counts the rollup.
        writer = CopyWriter(self.plan.batch)
        created = 0
        for first in range(0, self.pages + 1, step):
            bounds = (self.default_received_at, f"({first},0)", f"({first + step},0)")
            for attempt in (1, 2):
                try:
                    created += writer.write_selected(select, bounds)
                    break
                except OperationalError as exc:
                    # Two parts holding the same records in crossed order; the other part has committed by now.
                    if attempt == 2 or not isinstance(exc.__cause__, pg_errors.DeadlockDetected):
                        raise
            self.progress = 0.6 + 0.4 * min(1.0, (first + step) / max(self.pages, 1))
        part.counts["created"] = created
        part.counts["duplicate"] = valid - created

    def _write_rejected(self, report_dir: Path) -> None:
        """Rejected records with their line numbers (a quoted cell holding line breaks moves the lines after it)."""
        part, plan = self.part, self.plan
        breaks: list[tuple[int, int]] = []
        if part.quoted:
            with connection.cursor() as cursor:
                cursor.execute(plan.line_breaks(part))
                breaks = cursor.fetchall()
        records = [rec for rec, _ in breaks]
        shifts = [0, *accumulate(nl for _, nl in breaks)]
        self.report = report_dir / f"part-{part.number}.csv"
        with transaction.atomic(), connection.connection.cursor(name=f"voice_import_rejected_{part.number}") as rows, \
                self.report.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            rows.execute(plan.rejected(part))
            while batch := rows.fetchmany(2_000):
                for rec, reason, *cells in batch:
                    line = part.first_line + rec - 1 + shifts[bisect_left(records, rec)]
                    writer.writerow(self.report_row(line, reason, ["" if c is None else c for c in cells]))

    def cleanup(self) -> None:
        with connection.cursor() as cursor:
            self._drop(cursor)

    def _drop(self, cursor: CursorWrapper) -> None:
        for table in self.temporary:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


@dataclass
class Outcome:
    records: int
    created: int
    duplicate: int
    rejected: int
    reports: list[tuple[Path, int]]  # rejected rows of each part, in the report's form, and how many


def load(plan: Plan, path: Path, *, default_received_at: datetime, report_dir: Path,
         report_row: Callable[[int, str, list[str]], list[str]], on_progress: Callable[[float], None]) -> Outcome:
    """Import a CSV file set-based; raises NotForCopy (before writing anything) if COPY cannot read it."""
    parallel = path.stat().st_size >= PARALLEL_MIN_BYTES and PARTS > 1 and not connection.in_atomic_block
    encoding = codecs.lookup(plan.batch.encoding or datafiles.detect_file_encoding(path).name).name
    runs = [PartRun(plan, part, path, default_received_at, report_row, encoding)
            for part in cut(path, PARTS if parallel else 1)]
    if parallel:
        _side_by_side(runs, report_dir, on_progress)
    else:
        for run in runs:
            try:
                with transaction.atomic():  # a COPY that fails leaves the caller's transaction usable
                    run.stage_and_check()
                on_progress(0.5)
                run.load(report_dir)
            finally:
                run.cleanup()
    totals = {name: sum(run.part.counts[name] for run in runs) for name in ("created", "duplicate", "rejected")}
    reports = [(run.report, run.part.counts["rejected"]) for run in runs if run.report]
    return Outcome(records=sum(run.part.records for run in runs), reports=reports, **totals)


def _side_by_side(runs: list[PartRun], report_dir: Path, on_progress: Callable[[float], None]) -> None:
    """Each part on a thread and connection of its own; nothing is loaded unless every part was checked."""
    checked = threading.Barrier(len(runs))

    def work(run: PartRun) -> None:
        try:
            try:
                run.stage_and_check()
            except BaseException as exc:
                run.error = exc
            checked.wait()
            if not any(r.error for r in runs):
                run.load(report_dir)
        except BaseException as exc:
            run.error = run.error or exc
        finally:
            try:
                run.cleanup()
            finally:
                connections.close_all()

    threads = [threading.Thread(target=work, args=(run,), name=f"feedback-import-{run.part.number}") for run in runs]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        on_progress(sum(run.progress for run in runs) / len(runs))
        time.sleep(0.25)
    for thread in threads:
        thread.join()
    errors = [run.error for run in runs if run.error]
    not_for_copy = [e for e in errors if isinstance(e, NotForCopy)]
    if not_for_copy:
        raise not_for_copy[0]
    if errors:
        raise errors[0]
