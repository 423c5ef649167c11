"""Feedback files, read as every imported file is (``core.imports.readers``)."""

from __future__ import annotations

from outsidein.core.imports.readers import FORMATS, DataFile, Record, as_cell, detect_format, media_path
from outsidein.feedback.models import ImportBatch

__all__ = ["FORMATS", "FeedbackFile", "Record", "as_cell", "detect_format", "media_path"]


class FeedbackFile(DataFile):
    """A feedback file: a batch's stored one, or a file on this machine (the command line)."""

    @classmethod
    def of_batch(cls, batch: ImportBatch) -> FeedbackFile:
        """A batch's stored file, read in the encoding found when it was stored (the one its mapping page shows)."""
        return cls(media_path(batch.stored_file), batch.file_format, encoding=batch.encoding)
