"""Feedback imports from CSV, XLSX and JSON Lines files: streamed, validated row by row, idempotent.

A file is read one record at a time (csv over a text stream, openpyxl in read-only mode, one JSON object
per line) and written in chunks, so memory does not grow with the file. Each record is checked on its
own: a bad one is written to the batch's rejected-rows CSV with its line and the reason, and the good
ones are kept. Re-running a file creates nothing twice: an item with an external id is unique per
workspace and source name, one without is unique by the hash of its content, and the writers skip
conflicts (``ON CONFLICT DO NOTHING`` / ``INSERT OR IGNORE``) and count them as duplicates.

On PostgreSQL the chunks go through COPY into a temporary staging table and one
``INSERT … SELECT … ON CONFLICT DO NOTHING``; elsewhere through ``bulk_create(ignore_conflicts=True)``.

The package's modules, in the order a file goes through them: ``readers`` (the file's records), ``mapping``
(which column holds which field), ``rows`` (one record's values), ``writers`` (the ``FeedbackWriter`` every
write goes through: chunks into the database, the set-based import's checked rows, the webhook's items),
``report`` (the rejected rows), ``job`` (the whole import of a batch); ``webhook`` takes items sent one by one.
This module names what the rest of the product uses.
"""

from outsidein.core.datafiles import FileRejected
from outsidein.core.imports import RejectedRows, RowError
from outsidein.feedback.imports.job import run_import
from outsidein.feedback.imports.mapping import (
    CONTENT_FIELDS,
    FIELDS,
    SINGLE_FIELDS,
    ColumnLayout,
    check_mapping,
    complete_mapping,
    driver_name,
    guess_mapping,
    parse_mapping_option,
)
from outsidein.feedback.imports.readers import FORMATS, FeedbackFile, Record, detect_format, media_path
from outsidein.feedback.imports.rows import (
    COLUMNS,
    MAX_CELL_CHARS,
    AccountDirectory,
    FeedbackRow,
    RowParser,
    SentimentScorer,
    parse_received_at,
    parse_source,
)
from outsidein.feedback.imports.webhook import import_records
from outsidein.feedback.imports.writers import (
    CHUNK_ROWS,
    COPY_CHUNK_ROWS,
    CopyWriter,
    FeedbackWriter,
    ItemWriter,
    OrmWriter,
    make_writer,
)

__all__ = [
    "CHUNK_ROWS", "COLUMNS", "CONTENT_FIELDS", "COPY_CHUNK_ROWS", "FIELDS", "FORMATS", "MAX_CELL_CHARS",
    "SINGLE_FIELDS", "AccountDirectory", "ColumnLayout", "CopyWriter", "FeedbackFile", "FeedbackRow", "FeedbackWriter",
    "FileRejected", "ItemWriter", "OrmWriter",
    "Record", "RejectedRows", "RowError", "RowParser", "SentimentScorer", "check_mapping", "complete_mapping",
    "detect_format", "driver_name", "guess_mapping", "import_records", "make_writer", "media_path",
    "parse_mapping_option", "parse_received_at", "parse_source", "run_import",
]
