"""What every file import shares: the readers (``DataFile``: CSV, XLSX, JSON Lines within the import limits), the
rejected-rows report, ``RowError`` and the row-by-row loop (``RowStream``). The areas build their imports on
them: feedback (``feedback/imports/``) and accounts and persons (``customers/imports.py``)."""

from outsidein.core.datafiles import FileRejected
from outsidein.core.imports.readers import FORMATS, DataFile, Record, as_cell, detect_format, media_path
from outsidein.core.imports.report import RejectedRows, first_rejected
from outsidein.core.imports.stream import RowError, RowStream

__all__ = ["FORMATS", "DataFile", "FileRejected", "Record", "RejectedRows", "RowError", "RowStream", "as_cell",
           "detect_format", "first_rejected", "media_path"]
