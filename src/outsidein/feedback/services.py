"""Writes of feedback: uploading a feedback file, mapping its columns, starting and running its import."""

import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.tasks import Task, TaskResult

from outsidein.core import datafiles, filestore, jobs
from outsidein.feedback import imports, rollups
from outsidein.feedback.models import ColumnMapping, FeedbackItem, ImportBatch, Source
from outsidein.workspaces.models import User, Workspace


def _safe_name(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(name).name)
    return stem[-120:] or "upload"


def upload_feedback_file(workspace: Workspace, user: User | None, uploaded: UploadedFile[bytes], *, source_name: str,
                         source: str = Source.SURVEY) -> ImportBatch:
    """Store an uploaded file (in chunks: it may be large) and open a batch for it, waiting for its mapping."""
    name = uploaded.name or ""  # an upload always has a name and a size
    try:
        fmt = imports.detect_format(name)
        datafiles.check_upload_size(uploaded.size or 0)
    except imports.FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    relative = f"imports/{workspace.pk}/{uuid.uuid4().hex}-{_safe_name(name)}"
    path = filestore.save(relative, uploaded.chunks())  # a worker on another machine reads it from the store
    return ImportBatch.objects.create(
        workspace=workspace, source_name=source_name.strip()[:100], source=source, file_name=name[:255],
        stored_file=relative, file_format=fmt, encoding=_encoding(path, fmt), created_by=user,
    )


def _encoding(path: Path, fmt: str) -> str:
    """The text encoding of a stored file, found once; blank for a workbook, or for a file in none (its mapping
    page and its import then say why it cannot be read)."""
    if fmt == "xlsx":
        return ""
    try:
        return datafiles.detect_file_encoding(path).name
    except imports.FileRejected:
        return ""


def batch_for_local_file(workspace: Workspace, user: User | None, path: Path, *, source_name: str,
                         source: str = Source.SURVEY, mapping: dict[str, str] | None = None) -> ImportBatch:
    """A batch for a file already on this machine (the command line): read in place, never copied."""
    fmt = imports.detect_format(path.name)
    return ImportBatch.objects.create(
        workspace=workspace, source_name=source_name.strip()[:100], source=source, file_name=path.name[:255],
        stored_file=str(path.resolve()), file_format=fmt, encoding=_encoding(path, fmt), created_by=user,
        mapping=mapping or saved_mapping(workspace, source_name) or {},
    )


def saved_mapping(workspace: Workspace, source_name: str) -> dict[str, str] | None:
    row = ColumnMapping.objects.filter(workspace=workspace, source_name=source_name.strip()).first()
    return dict(row.mapping) if row else None


def save_mapping(workspace: Workspace, source_name: str, mapping: dict[str, str]) -> ColumnMapping:
    row, _ = ColumnMapping.objects.update_or_create(workspace=workspace, source_name=source_name.strip()[:100],
                                                    defaults={"mapping": mapping})
    return row


@transaction.atomic
def confirm_mapping(batch: ImportBatch, mapping: dict[str, str], columns: list[str], *,
                    encoding: str | None = None) -> ImportBatch:
    """Check the mapping against the file's columns, keep it for this source, and put it on the batch, with the
    encoding its file was read in when the mapping page showed it (when one was found)."""
    try:
        clean = imports.check_mapping(mapping, columns)
    except imports.FileRejected as exc:
        raise ValidationError(str(exc)) from exc
    save_mapping(batch.workspace, batch.source_name, clean)
    batch.mapping = clean
    fields = ["mapping"]
    if encoding and encoding != batch.encoding:
        batch.encoding = encoding
        fields.append("encoding")
    batch.save(update_fields=fields)
    return batch


def start_import(batch: ImportBatch) -> TaskResult[..., Any]:
    """Queue the import for a worker; the batch page follows its progress."""
    return jobs.start_on(batch, _import_task())


def _import_task() -> Task[[int], int]:
    from outsidein.feedback.tasks import import_feedback

    return import_feedback


@transaction.atomic
def create_feedback(workspace: Workspace, items: list[FeedbackItem]) -> list[FeedbackItem]:
    """Save new feedback items in one go, counted in the score rollup in the same transaction."""
    for item in items:
        if item.workspace_id != workspace.pk:
            raise ValidationError("Every feedback item must belong to the workspace it is saved in.")
    created = FeedbackItem.objects.bulk_create(items, batch_size=1000)
    ids = [item.pk for item in created]  # SQLite and PostgreSQL both return the new ids
    for at in range(0, len(ids), 5_000):
        rollups.add_items(workspace, FeedbackItem.objects.filter(pk__in=ids[at:at + 5_000]))
    return created
