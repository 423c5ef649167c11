"""Where feedback items are written: one interface (``FeedbackWriter``) for the file imports and the webhook.

``OrmWriter`` (bulk_create, any database) and ``CopyWriter`` (COPY through a staging table, PostgreSQL) write the
chunks of a file import, row by row or set-based; ``ItemWriter`` writes the webhook's items one at a time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Count, Max

from outsidein.feedback import rollups
from outsidein.feedback.imports.rows import COLUMNS, FeedbackRow
from outsidein.feedback.models import FeedbackItem, ImportBatch

CHUNK_ROWS = 2_000
COPY_CHUNK_ROWS = 20_000

# Given how many rows a chunk created, where the import stands once the chunk is committed (ImportBatch.resume_point).
Checkpoint = Callable[[int], dict[str, int]]


class FeedbackWriter(Protocol):
    """Writes feedback items, skipping those that exist already (same external id in the source, or the same
    content without one), and keeps the score rollup and tallies in step in the same transaction.

    ``write`` takes rows parsed in Python and returns how many items it created and, given a checkpoint, commits
    the point the import has reached with them. ``chunk_rows``: how many rows a write should take at most.
    The file import and the webhook write through it; the set-based import writes its checked rows with
    ``CopyWriter.write_selected``, the INSERT that ``CopyWriter.write`` itself ends in.
    """

    chunk_rows: int

    def write(self, rows: Sequence[FeedbackRow], checkpoint: Checkpoint | None = None) -> int: ...

    def close(self) -> None: ...


_TABLE = FeedbackItem._meta.db_table
_COLUMN_LIST = ", ".join(COLUMNS)
# --- writing ---------------------------------------------------------------------------------------------


class OrmWriter:
    """bulk_create with conflicts skipped; counts what it created from the batch's new ids (works on any database)."""

    chunk_rows = CHUNK_ROWS

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        # A resumed import already has items: only those above its last one are this run's.
        self.watermark = FeedbackItem.objects.filter(batch=batch).aggregate(top=Max("id"))["top"] or 0

    def write(self, rows: Sequence[FeedbackRow], checkpoint: Checkpoint | None = None) -> int:
        return self._counted(lambda: FeedbackItem.objects.bulk_create(
            [FeedbackItem(**r._asdict()) for r in rows], ignore_conflicts=True, batch_size=CHUNK_ROWS), checkpoint)

    def _counted(self, insert: Callable[[], object], checkpoint: Checkpoint | None) -> int:
        with transaction.atomic():
            insert()
            fresh = FeedbackItem.objects.filter(batch=self.batch, pk__gt=self.watermark)
            new = fresh.aggregate(n=Count("id"), top=Max("id"))
            if new["n"]:
                rollups.add_items(self.batch.workspace, fresh.filter(pk__lte=new["top"]))
            _save_resume_point(self.batch.pk, checkpoint, new["n"])
        self.watermark = new["top"] or self.watermark
        return int(new["n"])

    def close(self) -> None:
        pass


class CopyWriter:
    """PostgreSQL: COPY a chunk (as CSV) into a temporary staging table, then one INSERT … ON CONFLICT DO NOTHING.

    The chunk is formatted by the csv module (C code) rather than row by row through the driver; with
    QUOTE_NOTNULL an empty string is quoted and stays a string, and None stays unquoted, which COPY reads
    as NULL. The staging table is made with the first chunk: rows selected on the server need none.
    """

    chunk_rows = COPY_CHUNK_ROWS
    STAGE = "voice_feedback_stage"

    def __init__(self, batch: ImportBatch) -> None:
        self.workspace, self.batch_id = batch.workspace, batch.pk
        self._names: dict[str, str] = {}
        self._staged = False

    def _stage(self) -> None:
        if not self._staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
                cursor.execute(f"CREATE TEMPORARY TABLE {self.STAGE} AS SELECT {_COLUMN_LIST} FROM {_TABLE} "
                               "WITH NO DATA")
            self._staged = True

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

    def write(self, rows: Sequence[FeedbackRow], checkpoint: Checkpoint | None = None) -> int:
        self._stage()
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
        as_json = self._json
        # COPY reads the ratings as the JSON text of their column.
        writer.writerows(r._replace(driver_ratings=as_json(r.driver_ratings)) for r in rows)  # type: ignore[arg-type]
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {self.STAGE} ({_COLUMN_LIST}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
            created = self._insert(cursor, f"SELECT {_COLUMN_LIST} FROM {self.STAGE}", (), checkpoint)
            cursor.execute(f"TRUNCATE {self.STAGE}")
        return created

    def write_selected(self, select: str, params: Sequence[Any] = (), checkpoint: Checkpoint | None = None) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            return self._insert(cursor, select, params, checkpoint)

    def _insert(self, cursor: Any, select: str, params: Sequence[Any], checkpoint: Checkpoint | None) -> int:
        # A crash can lose the last chunks of an import but never corrupt anything, and an import re-run adds
        # exactly what is missing, so the chunk need not wait for its WAL to reach the disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # The rollup and tallies are updated by the same statement, from the rows it really inserted.
        cursor.execute(rollups.with_rollup(
            f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) {select} ON CONFLICT DO NOTHING", self.workspace), params)
        created = int(cursor.fetchone()[0])
        _save_resume_point(self.batch_id, checkpoint, created)
        return created

    def close(self) -> None:
        if self._staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            self._staged = False


class ItemWriter:
    """The webhook's items, one at a time: each is looked up by its key and created unless it exists, counted in
    the rollup by ``feedback.signals`` as any single item is. ``outcomes`` holds, per row written, "created" or
    "duplicate" and the item's id."""

    chunk_rows = 1

    def __init__(self) -> None:
        self.outcomes: list[tuple[str, int]] = []

    def write(self, rows: Sequence[FeedbackRow], checkpoint: Checkpoint | None = None) -> int:
        created = 0
        for row in rows:
            existing = FeedbackItem.objects.filter(workspace_id=row.workspace_id, source_name=row.source_name)
            existing = (existing.filter(external_id=row.external_id) if row.external_id
                        else existing.filter(external_id="", content_hash=row.content_hash))
            found = existing.values_list("pk", flat=True).first()
            if found is not None:
                self.outcomes.append(("duplicate", found))
                continue
            with transaction.atomic():
                item = FeedbackItem.objects.create(**row._asdict())
            self.outcomes.append(("created", item.pk))
            created += 1
        return created

    def close(self) -> None:
        pass


def _save_resume_point(batch_id: int, checkpoint: Checkpoint | None, created: int) -> None:
    """In the chunk's own transaction, so the point never runs ahead of or behind what is committed."""
    if checkpoint is not None:
        ImportBatch.objects.filter(pk=batch_id).update(resume_point=checkpoint(created))


def make_writer(batch: ImportBatch) -> FeedbackWriter:
    """The writer of a file import: COPY on PostgreSQL, bulk_create elsewhere."""
    return CopyWriter(batch) if connection.vendor == "postgresql" else OrmWriter(batch)


