"""Upload limits: a file over a limit is refused, naming the limit and what it found, before a page or an import
is built on it, quickly and in bounded memory; a file within them is previewed without reading all of it.

The files are built here: a CSV and an XLSX with 200,000 header columns, an XLSX of a million rows that does not
declare its size, and XLSX archives whose texts unpack a thousandfold (zip bombs)."""

import io
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from outsidein.feedback import imports, services
from outsidein.feedback.models import BatchStatus, FeedbackItem, ImportBatch

MB = 1 << 20
COLUMNS_MESSAGE = "names 200,000 columns; at most 1,000 are supported"


def url(workspace, path: str) -> str:
    return f"/w/{workspace.slug}/voice/{path}"


@contextmanager
def measured():
    """Seconds and peak traced memory (MB) of the block: ``figures`` is filled in when it ends."""
    figures: dict[str, float] = {}
    tracemalloc.start()
    began = time.perf_counter()
    try:
        yield figures
    finally:
        figures["seconds"] = time.perf_counter() - began
        figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()


def wide_csv(columns: int = 200_000) -> bytes:
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def workbook_with(path: Path, replace: dict[str, bytes | None] | None = None, stream: dict | None = None) -> Path:
    """A real workbook (written by openpyxl), with some of its parts replaced: bytes, or chunks written one by one
    (``stream``: part name -> iterable of bytes) so that a huge part never sits in memory."""
    book = Workbook()
    book.active.append(["comment", "nps"])
    book.active.append(["placeholder", 9])
    plain = io.BytesIO()
    book.save(plain)
    replace, stream = replace or {}, stream or {}
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            if part.filename in stream:
                with target.open(part.filename, "w", force_zip64=True) as handle:
                    for chunk in stream[part.filename]:
                        handle.write(chunk)
            else:
                target.writestr(part.filename, replace.get(part.filename) or source.read(part.filename))
        for name, chunks in stream.items():
            if name not in source.namelist():
                with target.open(name, "w", force_zip64=True) as handle:
                    for chunk in chunks:
                        handle.write(chunk)
    return path


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def wide_sheet(columns: int = 16_384) -> bytes:
    cells = "".join(f'<c r="{column_letters(i)}1" t="inlineStr"><is><t>c{i}</t></is></c>'
                    for i in range(1, columns + 1))
    return SHEET_HEAD + f'<row r="1">{cells}</row>'.encode() + SHEET_TAIL


def long_sheet_chunks(rows: int):
    """A sheet of ``rows`` rows after its header, with no <dimension>: openpyxl cannot know its size up front."""
    yield SHEET_HEAD + (b'<row r="1"><c r="A1" t="inlineStr"><is><t>comment</t></is></c>'
                        b'<c r="B1" t="inlineStr"><is><t>nps</t></is></c></row>')
    step = 50_000
    for first in range(2, rows + 2, step):
        yield "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Row {n * 7919 % 1_000_003}</t></is></c>'
                      f'<c r="B{n}"><v>{n % 11}</v></c></row>'
                      for n in range(first, min(first + step, rows + 2))).encode()
    yield SHEET_TAIL


def shared_string_bomb_chunks(characters: int):
    yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           b"<si><t>")
    block = b"a" * MB
    for _ in range(characters // MB):
        yield block
    yield b"a" * (characters % MB) + b"</t></si></sst>"


def upload(owner_client, workspace, name: str, content: bytes):
    return owner_client.post(url(workspace, "imports/"), {"file": SimpleUploadedFile(name, content),
                                                          "source_name": "Survey", "source": "survey"})


# --- columns ---------------------------------------------------------------------------------------------

def test_a_csv_with_200000_columns_is_refused_on_its_mapping_page_quickly(owner_client, workspace):
    content = wide_csv()
    assert 1.5 * MB < len(content) < 2 * MB
    assert upload(owner_client, workspace, "wide.csv", content).status_code == 302
    batch = ImportBatch.objects.get()
    with measured() as figures:
        answer = owner_client.get(batch.get_absolute_url())
    assert answer.status_code == 422
    assert "The header " + COLUMNS_MESSAGE in answer.content.decode()
    assert figures["seconds"] < 2 and figures["peak_mb"] < 100, figures
    # Posting a mapping for it is refused the same way, not a server error.
    answer = owner_client.post(url(workspace, f"imports/{batch.pk}/map/"), {"col_0": "text"})
    assert answer.status_code == 422 and COLUMNS_MESSAGE in answer.content.decode()


def test_the_import_and_the_command_line_refuse_it_too(workspace, owner, tmp_path):
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("wide.csv", wide_csv()),
                                          source_name="S")
    with measured() as figures:
        services.start_import(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and COLUMNS_MESSAGE in batch.error
    assert figures["seconds"] < 2, figures
    path = tmp_path / "wide.csv"
    path.write_bytes(wide_csv())
    with pytest.raises(CommandError, match=COLUMNS_MESSAGE):
        call_command("import", "feedback", str(path), "--source", "S", "--map", "c0=text", "--no-progress",
                     stdout=StringIO(), stderr=StringIO())
    assert not FeedbackItem.objects.exists()


def test_an_xlsx_whose_first_row_names_too_many_columns_is_refused_quickly(owner_client, workspace, tmp_path):
    # Excel's widest sheet (16,384 columns, a 25 KB workbook) against a limit of 1,000.
    path = workbook_with(tmp_path / "wide.xlsx", replace={SHEET: wide_sheet()})
    assert path.stat().st_size < 400 << 10
    upload(owner_client, workspace, "wide.xlsx", path.read_bytes())
    batch = ImportBatch.objects.get()
    with measured() as figures:
        answer = owner_client.get(batch.get_absolute_url())
    assert answer.status_code == 422
    assert "The first row names 16,384 columns; at most 1,000 are supported" in answer.content.decode()
    assert figures["seconds"] < 2 and figures["peak_mb"] < 100, figures


def test_the_column_limit_comes_from_the_settings(workspace, owner, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_COLUMNS": 3}
    for name, content in (("s.csv", b"a,b,c,d\n1,2,3,4\n"), ("s.jsonl", b'{"a": 1, "b": 2, "c": 3, "d": 4}\n')):
        batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile(name, content), source_name=name)
        with pytest.raises(imports.FileRejected, match=r"names? 4 columns; at most 3 are supported"):
            imports.FeedbackFile(imports.media_path(batch.stored_file), batch.file_format).preview()


# --- rows --------------------------------------------------------------------------------------------------

def test_a_million_row_workbook_without_a_declared_size_is_previewed_without_reading_it_all(workspace, owner,
                                                                                            tmp_path):
    path = workbook_with(tmp_path / "long.xlsx", stream={SHEET: long_sheet_chunks(1_000_000)})
    sheet = zipfile.ZipFile(path).getinfo(SHEET)
    assert sheet.file_size > 80 * MB and sheet.file_size / sheet.compress_size < 100  # within the ratio limit
    batch = services.batch_for_local_file(workspace, owner, path, source_name="Long")
    with measured() as figures:
        columns, head = imports.FeedbackFile(path, batch.file_format).preview()
    assert columns == ["comment", "nps"] and len(head) == 5
    assert head[0].line == 2 and head[0].cells == [f"Row {2 * 7919 % 1_000_003}", "2"]
    assert figures["seconds"] < 2 and figures["peak_mb"] < 100, figures


def test_the_preview_reads_as_many_rows_as_the_settings_say(workspace, owner, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "PREVIEW_ROWS": 2}
    content = b"comment\n" + b"".join(b"row %d\n" % i for i in range(100))
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("s.csv", content), source_name="S")
    _, head = imports.FeedbackFile(imports.media_path(batch.stored_file), "csv").preview()
    assert [r.cells for r in head] == [["row 0"], ["row 1"]]


# --- XLSX bombs ------------------------------------------------------------------------------------------

def test_a_shared_string_unpacking_to_419_million_characters_is_refused_before_it_is_read(owner_client, workspace,
                                                                                         tmp_path):
    path = workbook_with(tmp_path / "bomb.xlsx",
                         stream={"xl/sharedStrings.xml": shared_string_bomb_chunks(419 * 1_000_000)})
    assert path.stat().st_size < 1 * MB
    upload(owner_client, workspace, "bomb.xlsx", path.read_bytes())
    batch = ImportBatch.objects.get()
    with measured() as figures:
        answer = owner_client.get(batch.get_absolute_url())
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "xl/sharedStrings.xml unpacks to 400 MB" in html and "at most 100 times is supported" in html
    assert figures["seconds"] < 2 and figures["peak_mb"] < 100, figures
    with measured() as figures:
        services.start_import(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "unpacks to 400 MB" in batch.error
    assert figures["seconds"] < 2 and figures["peak_mb"] < 100, figures


def test_the_workbooks_texts_are_capped_by_size_and_by_the_longest_text(workspace, owner, tmp_path, settings):
    limits = settings.OUTSIDEIN_IMPORT_LIMITS
    # Within the ratio (the test allows any), but more texts than the workbook may hold …
    settings.OUTSIDEIN_IMPORT_LIMITS = {**limits, "MAX_XLSX_RATIO": 1_000_000, "MAX_XLSX_SHARED_STRINGS_BYTES": 8 * MB}
    path = workbook_with(tmp_path / "texts.xlsx", stream={"xl/sharedStrings.xml": shared_string_bomb_chunks(9 * MB)})
    with pytest.raises(imports.FileRejected, match=r"texts \(sharedStrings.xml\) unpack to 9.0 MB; at most 8.0 MB"):
        imports.FeedbackFile(path, "xlsx").preview()
    # … or one text longer than a cell may be: found while streaming, before openpyxl holds it.
    settings.OUTSIDEIN_IMPORT_LIMITS = {**limits, "MAX_XLSX_RATIO": 1_000_000, "MAX_CELL_CHARS": 2 * MB}
    with measured() as figures, pytest.raises(imports.FileRejected,
                                              match="A text in the workbook is longer than 2,097,152 characters"):
        imports.FeedbackFile(path, "xlsx").preview()
    assert figures["peak_mb"] < 20, figures


def test_a_workbook_unpacking_beyond_the_total_limit_is_refused(workspace, owner, tmp_path, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_XLSX_UNPACKED_BYTES": 1 * MB}
    path = workbook_with(tmp_path / "big.xlsx", stream={"xl/media/filler.bin": [b"x" * (2 * MB)]})
    with pytest.raises(imports.FileRejected, match=r"The workbook unpacks to 2\.0 MB; at most 1\.0 MB are supported"):
        imports.FeedbackFile(path, "xlsx").preview()


# --- cells and uploads ---------------------------------------------------------------------------------

def test_a_cell_beyond_the_read_limit_rejects_its_row_and_keeps_the_others(workspace, owner, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_CELL_CHARS": 1_000}
    content = f"comment,nps\nBefore,9\n{'x' * 5_000},5\nAfter,7\n".encode()
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("s.csv", content), source_name="S")
    services.start_import(batch)
    batch.refresh_from_db()
    assert (batch.rows_created, batch.rows_rejected) == (2, 1)
    with imports.media_path(batch.rejected_report).open(encoding="utf-8") as handle:
        line = handle.read().splitlines()[1]
    assert line.startswith("3,") and "longer than 1,000 characters" in line


def test_an_upload_over_the_size_limit_is_refused_and_nothing_is_stored(owner_client, workspace, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_UPLOAD_BYTES": 1 * MB}
    answer = upload(owner_client, workspace, "big.csv", b"comment\n" + b"Fine\n" * 300_000)
    assert answer.status_code == 422
    assert "The file is 1.4 MB; at most 1.0 MB can be uploaded" in answer.content.decode()
    assert not ImportBatch.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "imports").rglob("*.csv"))


class _DiskSpy(TemporaryFileUploadHandler):
    """The temporary-file handler, counting what reaches it (the bytes that would be written to disk)."""

    written = 0

    def receive_data_chunk(self, raw_data, start):
        type(self).written += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def test_an_upload_past_the_size_limit_never_reaches_the_disk(owner_client, workspace, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_UPLOAD_BYTES": 1 * MB}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through the temporary file
    settings.FILE_UPLOAD_HANDLERS = ["outsidein.core.uploads.SizeLimitedUploadHandler",
                                     f"{__name__}._DiskSpy"]
    _DiskSpy.written = 0
    answer = upload(owner_client, workspace, "big.csv", b"comment\n" + b"Fine\n" * 2_000_000)  # 10 MB
    assert answer.status_code == 422
    assert "The file is 9.5 MB; at most 1.0 MB can be uploaded" in answer.content.decode()
    assert _DiskSpy.written <= 1 * MB
    assert not ImportBatch.objects.exists()

    _DiskSpy.written = 0
    answer = upload(owner_client, workspace, "small.csv", b"comment\nFine\n")
    assert answer.status_code == 302 and _DiskSpy.written == len(b"comment\nFine\n")
