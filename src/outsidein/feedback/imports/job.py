"""The import of a batch's file, set-based (COPY) or row by row, then the placing of its new items among the themes."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from django.utils import timezone

from outsidein.core.datafiles import FileRejected
from outsidein.core.imports import RejectedRows, RowStream
from outsidein.core.jobs import tracked
from outsidein.core.progress import Progress
from outsidein.feedback import after_import, bulk_csv
from outsidein.feedback.imports.mapping import ColumnLayout, check_mapping, guess_mapping
from outsidein.feedback.imports.readers import FeedbackFile, Record, media_path
from outsidein.feedback.imports.rows import FeedbackRow, RowParser, SentimentScorer
from outsidein.feedback.imports.writers import make_writer
from outsidein.feedback.models import FeedbackItem, ImportBatch

logger = logging.getLogger(__name__)


# --- the import ---------------------------------------------------------------------------------------

def run_import(batch: ImportBatch, *also: Progress) -> ImportBatch:
    """Import the batch's file, then do the work other areas registered on new items (feedback.after_import:
    placing them among the themes): the body of the background job, and of the command line import.

    The job covers every step: the batch stays running (in each step's phase) until the last one is done, so its
    page follows it to the end and a worker that dies meanwhile leaves a stopped job, not a done one.
    """
    with tracked(batch, *also) as progress:
        _import(batch, progress)
        batch.refresh_from_db(fields=["rows_created"])
        if batch.rows_created:
            after_import.run_steps(batch, progress)
    batch.refresh_from_db()
    return batch


def _carried_over(batch: ImportBatch) -> int:
    """Items a stopped set-based run of this batch committed. The run again meets them as conflicts; they are
    counted as created (they are this batch's), not as duplicates of an earlier import."""
    return FeedbackItem.objects.filter(batch=batch).count() if batch.resumes else 0


def _import(batch: ImportBatch, progress: Progress) -> None:
    with FeedbackFile.of_batch(batch) as feedback_file:
        total = feedback_file.measure()
        progress.start(total)
        columns, records = feedback_file.open()
        mapping = check_mapping(batch.mapping or guess_mapping(columns), columns)
        if mapping != batch.mapping:
            batch.mapping = mapping
            ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
        layout = ColumnLayout(columns, mapping)
        if bulk_csv.usable(batch):
            feedback_file.close()
            try:
                _import_set_based(batch, progress, layout, total or 0, _carried_over(batch))
                return
            except bulk_csv.NotForCopy as exc:
                # The row-by-row reader names what is wrong with each row COPY could not read.
                logger.info("Import %s: read row by row (%s)", batch.pk, exc)
            columns, records = feedback_file.open()
        parser = RowParser(batch.workspace, source_name=batch.source_name, source=batch.source, layout=layout,
                           batch=batch)
        _import_row_by_row(batch, progress, parser, records, batch.resume_point if batch.resumes else {})


def _import_set_based(batch: ImportBatch, progress: Progress, layout: ColumnLayout, total: int,
                      carried: int = 0) -> None:
    plan = bulk_csv.Plan(batch, layout, tz_name=timezone.get_current_timezone().key)
    rejected = _rejected_rows(batch, layout.columns)
    with tempfile.TemporaryDirectory(prefix=f"import-{batch.pk}-") as scratch:
        outcome = bulk_csv.load(plan, media_path(batch.stored_file), default_received_at=batch.created_at,
                                report_dir=Path(scratch), report_row=RejectedRows.report_row,
                                on_progress=lambda share: progress.advance(int(share * total)))
        for report, rows in outcome.reports:
            rejected.append_report(report, rows)
    counts = {"rows_created": carried + outcome.created, "rows_duplicate": max(0, outcome.duplicate - carried),
              "rows_rejected": outcome.rejected}
    ImportBatch.objects.filter(pk=batch.pk).update(rejected_report=rejected.close(), rows_total=outcome.records,
                                                   **counts)
    progress.advance(outcome.records, **counts)
    if outcome.records == 0:
        raise FileRejected("The file has a header row but no rows to import.")


def _import_row_by_row(batch: ImportBatch, progress: Progress, parser: RowParser, records: Iterator[Record],
                       resume_point: Mapping[str, int] | None = None) -> None:
    """Records in file order, committed in chunks; each chunk commits the point the import has reached with it,
    and a run that resumes a stopped one skips the records before that point and goes on from its counts."""
    point = resume_point or {}
    writer = make_writer(batch)
    scorer = SentimentScorer()
    rejected = _rejected_rows(batch, parser.columns, keep=point.get("rejected", 0))
    counts = {"rows_created": point.get("created", 0), "rows_duplicate": point.get("duplicate", 0),
              "rows_rejected": rejected.count}

    def write(rows: list[FeedbackRow], done: int) -> None:
        scorer.fill(rows)
        created = writer.write(rows, lambda created: {
            "records": done, "created": counts["rows_created"] + created,
            "duplicate": counts["rows_duplicate"] + len(rows) - created, "rejected": rejected.count})
        counts["rows_created"] += created
        counts["rows_duplicate"] += len(rows) - created

    stream = RowStream(parser.parse, write, chunk_rows=writer.chunk_rows, rejected=rejected, progress=progress,
                       counts=counts)
    try:
        stream.run(records, skip=point.get("records", 0))
    finally:
        writer.close()
        report = rejected.close()
        ImportBatch.objects.filter(pk=batch.pk).update(rejected_report=report, rows_total=stream.done, **counts)
        progress.advance(stream.done, **counts)
    if stream.done == 0:
        raise FileRejected("The file has a header row but no rows to import.")


def _rejected_rows(batch: ImportBatch, columns: list[str], *, keep: int = 0) -> RejectedRows:
    """The batch's report of rejected rows (``ImportBatch.rejected_report`` once the import is done)."""
    return RejectedRows(f"imports/rejected/batch-{batch.pk}.csv", columns, keep=keep)
