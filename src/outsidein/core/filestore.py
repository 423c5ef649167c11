"""Files an import keeps (the uploaded file, its rejected-rows report), readable from every machine.

On one machine the files live under MEDIA_ROOT and nothing more is needed. With several machines
(``OUTSIDEIN_FILE_STORE=database``, the default on PostgreSQL) every file is also kept in the database, in pieces
of a mebibyte (``SharedFile``), and MEDIA_ROOT holds only this machine's copies: a worker started on another
machine, with another data directory, finds the upload missing from its own and fetches it once, and a page served
by any web process finds the report a worker wrote. A stored name is relative to MEDIA_ROOT; an absolute one is a
file given on the command line, read in place on the machine it was given on.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from outsidein.core.models import SharedFile, SharedFileChunk

PIECE_BYTES = 1 << 20


def shared() -> bool:
    return getattr(settings, "FILE_STORE", "files") == "database"


def _local(stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


def save(relative: str, chunks: Iterable[bytes]) -> Path:
    """Write a file under MEDIA_ROOT (an upload as it streams in) and keep it for every machine; its local path."""
    path = _local(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    publish(relative)
    return path


def publish(relative: str) -> None:
    """Keep the local file at ``relative`` for every machine, replacing what was kept under that name before."""
    if not shared() or Path(relative).is_absolute():
        return
    path = _local(relative)
    # One transaction: another machine sees the whole file or none of it, never the first pieces of it.
    with transaction.atomic(), path.open("rb") as handle:
        SharedFile.objects.filter(name=relative).delete()
        stat = path.stat()
        # Kept with the file's own time, which a fetched copy takes too: a copy is current when both agree.
        kept = SharedFile.objects.create(name=relative, size=stat.st_size,
                                         saved_at=datetime.fromtimestamp(stat.st_mtime, UTC))
        seq = 0
        while piece := handle.read(PIECE_BYTES):
            SharedFileChunk.objects.create(file=kept, seq=seq, data=piece)
            seq += 1


def path_of(stored: str) -> Path:
    """A local path to read the stored file from: this machine's copy, fetched first when it is missing or is not
    the file kept now (a report written again by a resumed import)."""
    path = _local(stored)
    if not shared() or Path(stored).is_absolute():
        return path
    kept = SharedFile.objects.filter(name=stored).values_list("pk", "size", "saved_at").first()
    if kept is None or (path.exists() and _same(path, kept[1], kept[2])):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it and moved into place: two processes fetching at once each finish their own copy.
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with part.open("wb") as handle:
            pieces = SharedFileChunk.objects.filter(file_id=kept[0]).order_by("seq").values_list("data", flat=True)
            for piece in pieces.iterator(chunk_size=4):
                handle.write(piece)
        os.utime(part, (kept[2].timestamp(), kept[2].timestamp()))
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return path


def _same(path: Path, size: int, saved_at: datetime) -> bool:
    stat = path.stat()
    return stat.st_size == size and abs(stat.st_mtime - saved_at.timestamp()) < 0.001


def discard(relative: str) -> None:
    """Forget a file everywhere (an upload refused after it was written)."""
    _local(relative).unlink(missing_ok=True)
    if shared():
        SharedFile.objects.filter(name=relative).delete()
