"""Chunks of parsed rows written to the database: bulk_create anywhere, COPY through a staging table on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Count, Max

from outsidein.feedback import rollups
from outsidein.feedback.imports.rows import COLUMNS, FeedbackRow
from outsidein.feedback.models import FeedbackItem, ImportBatch

CHUNK_ROWS = 2_000
COPY_CHUNK_ROWS = 20_000
# --- writing ---------------------------------------------------------------------------------------------


class OrmWriter:
    """bulk_create with conflicts skipped; counts what it created from the batch's new ids (works on any database)."""

    chunk_rows = CHUNK_ROWS

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        # A resumed import already has items: only those above its last one are this run's.
        self.watermark = FeedbackItem.objects.filter(batch=batch).aggregate(top=Max("id"))["top"] or 0

    def write(self, rows: list[FeedbackRow], checkpoint: Checkpoint | None = None) -> int:
        with transaction.atomic():
            FeedbackItem.objects.bulk_create([FeedbackItem(**r._asdict()) for r in rows],
                                             ignore_conflicts=True, batch_size=CHUNK_ROWS)
            fresh = FeedbackItem.objects.filter(batch=self.batch, pk__gt=self.watermark)
            new = fresh.aggregate(n=Count("id"), top=Max("id"))
            if new["n"]:
                rollups.add_items(self.batch.workspace, fresh.filter(pk__lte=new["top"]))
            _save_resume_point(self.batch.pk, checkpoint, new["n"])
        self.watermark = new["top"] or self.watermark
        return new["n"]

    def close(self) -> None:
        pass


class CopyWriter:
    """PostgreSQL: COPY a chunk (as CSV) into a temporary staging table, then one INSERT … ON CONFLICT DO NOTHING.

    The chunk is formatted by the csv module (C code) rather than row by row through the driver; with
    QUOTE_NOTNULL an empty string is quoted and stays a string, and None stays unquoted, which COPY reads
    as NULL.
    """

    chunk_rows = COPY_CHUNK_ROWS
    STAGE = "voice_feedback_stage"

    def __init__(self, batch: ImportBatch) -> None:
        self.workspace, self.batch_id = batch.workspace, batch.pk
        self.table = FeedbackItem._meta.db_table
        self.columns = ", ".join(COLUMNS)
        self._names: dict[str, str] = {}
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.STAGE} AS SELECT {self.columns} FROM {self.table} "
                           "WITH NO DATA")

    def _json(self, ratings: dict[str, float]) -> str:
        if not ratings:
            return "{}"
        names = self._names
        parts = []
        for name, value in ratings.items():
            quoted = names.get(name)
            if quoted is None:
                quoted = names[name] = json.dumps(name)
            parts.append(f"{quoted}:{value!r}")
        return "{" + ",".join(parts) + "}"

    def write(self, rows: list[FeedbackRow], checkpoint: Checkpoint | None = None) -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
        as_json = self._json
        writer.writerows(r._replace(driver_ratings=as_json(r.driver_ratings)) for r in rows)
        with transaction.atomic(), connection.cursor() as cursor:
            # A crash can lose the last chunks of an import but never corrupt anything, and an import re-run
            # adds exactly what is missing, so the chunk need not wait for its WAL to reach the disk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            with cursor.cursor.copy(f"COPY {self.STAGE} ({self.columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
            cursor.execute(rollups.with_rollup(
                f"INSERT INTO {self.table} ({self.columns}) SELECT {self.columns} FROM {self.STAGE} "
                "ON CONFLICT DO NOTHING", self.workspace))
            created = cursor.fetchone()[0]
            cursor.execute(f"TRUNCATE {self.STAGE}")
            _save_resume_point(self.batch_id, checkpoint, created)
        return created

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")


# Given how many rows a chunk created, where the import stands once the chunk is committed (ImportBatch.resume_point).
Checkpoint = Callable[[int], dict[str, int]]


def _save_resume_point(batch_id: int, checkpoint: Checkpoint | None, created: int) -> None:
    """In the chunk's own transaction, so the point never runs ahead of or behind what is committed."""
    if checkpoint is not None:
        ImportBatch.objects.filter(pk=batch_id).update(resume_point=checkpoint(created))


def make_writer(batch: ImportBatch):
    return CopyWriter(batch) if connection.vendor == "postgresql" else OrmWriter(batch)


