"""Uploads beyond the size limit are measured, not stored.

Django writes an uploaded file to a temporary file before any view runs, so a size check in a view comes after
the disk has taken the whole upload. ``SizeLimitedUploadHandler`` stands first among the upload handlers: it
passes each chunk on while the file is within ``OUTSIDEIN_IMPORT_LIMITS["MAX_UPLOAD_BYTES"]`` and, once it is
past it, stops passing them on and only counts. The view then receives an empty stand-in that knows the file's
real size, and the usual check (``core.datafiles.check_upload_size``) refuses it with the size and the limit, as
for any other oversized file.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from outsidein.core.datafiles import ImportLimits


class OversizedUpload(UploadedFile[bytes]):
    """What is left of an upload over the limit: its name and its size, no content."""

    def __init__(self, name: str | None, content_type: str | None, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, charset)


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = ImportLimits.current().upload_bytes
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        # None keeps the chunk from the handlers after this one: nothing past the limit reaches the disk.
        return raw_data if self.received <= self.limit else None

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if self.received <= self.limit:
            return None  # the next handler (memory or temporary file) completes the file as usual
        return OversizedUpload(self.file_name, self.content_type, self.received, self.charset)
