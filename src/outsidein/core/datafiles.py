"""Reading the data files people import (CSV, JSON Lines, XLSX) within limits, in the encoding they were saved in.

Every import (feedback, accounts and persons, from a page or the command line) reads its file through this
module, so one set of limits guards them all (``OUTSIDEIN_IMPORT_LIMITS`` in settings). A file over a limit
is refused with a message naming the limit and what was found, before a page or an import is built on it,
and in bounded time and memory: the checks stream, and an XLSX archive is judged from its directory (how
large each part unpacks, and from how little) before openpyxl unpacks anything.

Text files are UTF-8 (with or without a byte order mark) on the fast path. A file that is not is read in
the encoding it was most likely saved in: a confident guess of charset-normalizer for non-Latin text (Cyrillic,
Greek, Japanese…), otherwise Windows-1252, which is what spreadsheets on Western Windows machines write
and a superset of the printable Latin-1. A guess is only taken if the whole file decodes under it.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.parsers import expat
from xml.parsers.expat import XMLParserType

from django.conf import settings

from outsidein.core.jobs import JobFailed

MB = 1 << 20
SCAN_BYTES = 1 << 20
SAMPLE_BYTES = 128 << 10


class FileRejected(JobFailed):
    """The whole file cannot be imported (unreadable, over a limit, not text in any encoding it could be in…)."""


@dataclass(frozen=True)
class ImportLimits:
    """What one imported file may hold; from ``settings.OUTSIDEIN_IMPORT_LIMITS``."""

    upload_bytes: int
    columns: int
    preview_rows: int
    cell_chars: int
    xlsx_unpacked_bytes: int
    xlsx_ratio: int
    xlsx_shared_strings_bytes: int

    @classmethod
    def current(cls) -> ImportLimits:
        given = settings.OUTSIDEIN_IMPORT_LIMITS
        return cls(upload_bytes=given["MAX_UPLOAD_BYTES"], columns=given["MAX_COLUMNS"],
                   preview_rows=given["PREVIEW_ROWS"], cell_chars=given["MAX_CELL_CHARS"],
                   xlsx_unpacked_bytes=given["MAX_XLSX_UNPACKED_BYTES"], xlsx_ratio=given["MAX_XLSX_RATIO"],
                   xlsx_shared_strings_bytes=given["MAX_XLSX_SHARED_STRINGS_BYTES"])


def _size(count: int) -> str:
    return f"{count / MB:,.1f} MB" if count < 10 * MB else f"{count / MB:,.0f} MB"


def check_upload_size(size: int, limits: ImportLimits | None = None) -> None:
    limits = limits or ImportLimits.current()
    if size > limits.upload_bytes:
        raise FileRejected(f"The file is {_size(size)}; at most {_size(limits.upload_bytes)} can be uploaded. "
                           "Split it, or import it with the command line (outsidein import).")


def check_columns(count: int, limits: ImportLimits, what: str = "The header names") -> None:
    if count > limits.columns:
        raise FileRejected(f"{what} {count:,} columns; at most {limits.columns:,} are supported. "
                           "Nothing was imported.")


def too_long_cell(limits: ImportLimits) -> str:
    return (f"A cell of this row is longer than {limits.cell_chars:,} characters, the most an imported file may "
            "hold in one cell.")


# --- text encodings --------------------------------------------------------------------------------------

ENCODING_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251",
                   "cp1253": "Windows-1253", "cp1254": "Windows-1254", "cp1255": "Windows-1255",
                   "cp1256": "Windows-1256", "cp1257": "Windows-1257", "koi8-r": "KOI8-R", "cp932": "Shift JIS",
                   "shift_jis": "Shift JIS", "euc_jp": "EUC-JP", "gb18030": "GB 18030", "gbk": "GBK", "big5": "Big5",
                   "euc_kr": "EUC-KR", "cp949": "Korean (CP949)"}
# Guesses taken on the multibyte decoding alone: Western text seldom forms valid sequences of these.
MULTIBYTE = {"cp932", "shift_jis", "euc_jp", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950", "euc_kr",
             "cp949", "johab"}
# Bytes whose meaning the line counts and the CSV readers rely on (every encoding taken keeps them ASCII).
_STRUCTURE = "\n\r,;\t\" "


def encoding_label(name: str) -> str:
    return ENCODING_LABELS.get(codecs.lookup(name).name, name.upper()) if name else ""


@dataclass(frozen=True)
class TextEncoding:
    """The encoding a text file is read in, and its number of lines (counted on the way)."""

    name: str
    lines: int

    @property
    def label(self) -> str:
        return encoding_label(self.name)

    @property
    def reading_name(self) -> str:
        """The codec to read with: UTF-8 drops a byte order mark at the start."""
        return "utf-8-sig" if self.name == "utf-8" else self.name


@dataclass(frozen=True)
class _BadByte:
    line: int
    offset: int
    byte: int


def _scan(stream: BinaryIO, encoding: str, chunk_size: int = SCAN_BYTES) -> tuple[int, _BadByte | None]:
    """Lines of the stream, and where it first stops decoding in ``encoding`` (None if it never does)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = offset = 0
    last = b""
    while chunk := stream.read(chunk_size):
        # The decoder holds back the start of a character cut by the chunk's end: an error's position counts
        # from those bytes, which hold no newline.
        held = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = max(exc.start - held, 0)
            return lines, _BadByte(lines + chunk.count(b"\n", 0, at) + 1, offset - held + exc.start,
                                   exc.object[exc.start])
        lines += chunk.count(b"\n")
        offset += len(chunk)
        last = chunk[-1:]
    if last and last != b"\n":
        lines += 1
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return lines, _BadByte(lines, offset - len(exc.object) + exc.start, exc.object[exc.start])
    return lines, None


def _ascii_before(stream: BinaryIO, end: int) -> bool:
    stream.seek(0)
    while end > 0 and (chunk := stream.read(min(SCAN_BYTES, end))):
        if not chunk.isascii():
            return False
        end -= len(chunk)
    return True


def _sample(stream: BinaryIO, around: int) -> bytes:
    """Whole lines around the first byte UTF-8 could not read: what the guess is made from."""
    start = max(around - SAMPLE_BYTES // 4, 0)
    stream.seek(start)
    sample = stream.read(SAMPLE_BYTES)
    if start and b"\n" in sample:
        sample = sample[sample.index(b"\n") + 1:]
    if len(sample) > SAMPLE_BYTES // 2 and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n") + 1]
    return sample


def _keeps_structure(name: str) -> bool:
    try:
        return _STRUCTURE.encode(name) == _STRUCTURE.encode("ascii") and not name.startswith(("iso2022", "utf_7"))
    except (LookupError, UnicodeError):
        return False


def _mostly_non_latin(text: str) -> bool:
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    foreign = sum(1 for ch in letters if not unicodedata.name(ch, "LATIN").startswith("LATIN"))
    return bool(letters) and foreign * 2 > len(letters)


def guess_encoding(sample: bytes) -> str | None:
    """charset-normalizer's guess for a sample, when it is one to trust over Windows-1252; else None."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.2:
        return None
    name = codecs.lookup(best.encoding).name
    if not _keeps_structure(name):
        return None
    if not _mostly_non_latin(str(best)):
        # Latin text: Windows-1252, whatever other code page also fits. On a few lines the guess cannot tell
        # Spanish "Núñez" in Windows-1252 from Polish in Windows-1250, and Western files are the common case.
        return None
    if name in MULTIBYTE or best.coherence >= 0.2:
        return name
    return None


def _not_readable(bad: _BadByte) -> FileRejected:
    return FileRejected(
        f"The file is not UTF-8 text: line {bad.line} holds a byte (0x{bad.byte:02X}) that UTF-8 cannot read, and "
        "it does not read as Windows-1252 either. Save it as “CSV UTF-8” and import it again. Nothing was imported."
    )


def detect_encoding(stream: BinaryIO) -> TextEncoding:
    """The encoding to read a text file in (UTF-8 unless it is not valid UTF-8), checked over the whole file."""
    lines, bad = _scan(stream, "utf-8")
    if bad is None:
        return TextEncoding("utf-8", lines)
    if not _ascii_before(stream, bad.offset):
        # UTF-8 accents before the bad byte: the file mixes encodings, and reading it in any one of them would
        # garble the rest.
        raise FileRejected(
            f"The file mixes encodings: it is UTF-8 text up to line {bad.line}, which holds a byte "
            f"(0x{bad.byte:02X}) that UTF-8 cannot read. Save it as “CSV UTF-8” and import it again. "
            "Nothing was imported.")
    guess = guess_encoding(_sample(stream, bad.offset))
    for candidate in dict.fromkeys(filter(None, (guess, "cp1252"))):
        lines, still_bad = _scan(stream, candidate)
        if still_bad is None:
            return TextEncoding(candidate, lines)
    raise _not_readable(bad)


def read_as(stream: BinaryIO, name: str) -> TextEncoding:
    """The file checked to read in an encoding found before (it may have been replaced since)."""
    lines, bad = _scan(stream, name)
    if bad is None:
        return TextEncoding(codecs.lookup(name).name, lines)
    if codecs.lookup(name).name == "utf-8":
        raise _not_readable(bad)
    raise FileRejected(f"The file does not read as {encoding_label(name)}: line {bad.line} holds a byte "
                       f"(0x{bad.byte:02X}) it cannot have. Save it as “CSV UTF-8” and import it again.")


def _with_file(path: Path, read: Callable[..., TextEncoding], *args: Any) -> TextEncoding:
    try:
        with path.open("rb") as stream:
            return read(stream, *args)
    except OSError as exc:
        raise FileRejected(f"The file cannot be read: {exc.strerror}.") from exc


def detect_file_encoding(path: Path) -> TextEncoding:
    return _with_file(path, detect_encoding)


def read_file_as(path: Path, name: str) -> TextEncoding:
    return _with_file(path, read_as, name)


def set_csv_cell_limit(limits: ImportLimits) -> None:
    # The csv module's limit is the process's; every import reads with the same one.
    csv.field_size_limit(limits.cell_chars)


def csv_rows(reader: Any, limits: ImportLimits) -> Iterator[tuple[int, Any, str]]:
    """(line, row, "") for each row of a csv reader or DictReader, or (line, None, reason) for one it cannot read.

    The line is the one the row starts on, as an editor or a spreadsheet shows it: the line after the previous
    row's last, or for a DictReader (which skips blank lines) its last line less the line breaks in its cells.
    """
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (too_long_cell(limits) if "field larger than field limit" in str(exc)
                      else f"This row cannot be read as CSV: {exc}.")
            yield previous_end + 1, None, reason
        else:
            line = (reader.line_num - sum(str(v).count("\n") for v in row.values() if v) if isinstance(row, dict)
                    else previous_end + 1)
            yield line, row, ""
        previous_end = reader.line_num


# --- XLSX archives ----------------------------------------------------------------------------------------

def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Stop(Exception):
    pass


def _parse(stream: IO[bytes], parser: XMLParserType) -> None:
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        raise FileRejected("The file is not an Excel workbook (.xlsx) that can be read.") from exc


def _check_shared_strings(stream: IO[bytes], limits: ImportLimits) -> None:
    """Refuse a workbook with a text longer than a cell may be, before openpyxl holds it in memory."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    state = {"depth": 0, "length": 0}

    def start(name: str, _attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            state["length"] = 0
        elif local == "t":
            state["depth"] += 1

    def end(name: str) -> None:
        if _local(name) == "t":
            state["depth"] -= 1

    def text(data: str) -> None:
        if state["depth"]:
            state["length"] += len(data)
            if state["length"] > limits.cell_chars:
                raise FileRejected(f"A text in the workbook is longer than {limits.cell_chars:,} characters; at "
                                   f"most {limits.cell_chars:,} are supported in one cell. Nothing was imported.")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    _parse(stream, parser)


def header_width(stream: IO[bytes]) -> int:
    """The number of columns the first row of a sheet's XML names, read up to the end of that row only."""
    parser = expat.ParserCreate()
    state = {"rows": 0, "width": 0, "next": 1}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            state["rows"] += 1
            if state["rows"] > 1:
                raise _Stop
        elif local == "c" and state["rows"] == 1:
            column = state["next"]
            if ref := attrs.get("r"):
                letters = ref.rstrip("0123456789").upper()
                column = 0
                for letter in letters:
                    column = column * 26 + ord(letter) - 64
            state["width"], state["next"] = max(state["width"], column), column + 1

    def end(name: str) -> None:
        if _local(name) == "row":
            raise _Stop

    parser.StartElementHandler, parser.EndElementHandler = start, end
    _parse(stream, parser)
    return state["width"]


def check_workbook(path: Path, limits: ImportLimits) -> None:
    """Refuse an XLSX whose parts unpack absurdly (a zip bomb) or hold an over-long text, from its directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(p.file_size for p in parts)
            if unpacked > limits.xlsx_unpacked_bytes:
                raise FileRejected(f"The workbook unpacks to {_size(unpacked)}; at most "
                                   f"{_size(limits.xlsx_unpacked_bytes)} are supported. Nothing was imported.")
            for part in parts:
                ratio = part.file_size / max(part.compress_size, 1)
                # Small parts may compress well by chance; only a large one unpacking absurdly is a bomb.
                if part.file_size > MB and ratio > limits.xlsx_ratio:
                    raise FileRejected(
                        f"The workbook part {part.filename} unpacks to {_size(part.file_size)} from "
                        f"{_size(part.compress_size)} ({ratio:,.0f} times); at most {limits.xlsx_ratio:,} times is "
                        "supported, so it is not read. Nothing was imported.")
                if _local(part.filename.rpartition("/")[2]).lower() == "sharedstrings.xml":
                    if part.file_size > limits.xlsx_shared_strings_bytes:
                        raise FileRejected(
                            f"The workbook's texts (sharedStrings.xml) unpack to {_size(part.file_size)}; at most "
                            f"{_size(limits.xlsx_shared_strings_bytes)} are supported. Nothing was imported.")
                    if part.file_size > limits.cell_chars:  # smaller, no text in it can be too long
                        with archive.open(part) as stream:
                            _check_shared_strings(stream, limits)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected("The file is not an Excel workbook (.xlsx) that can be read.") from exc


def open_workbook(path: Path, limits: ImportLimits) -> tuple[Any, Any]:
    """The workbook in openpyxl's read-only mode, after ``check_workbook``; its first sheet's header is checked."""
    from openpyxl import load_workbook

    check_workbook(path, limits)
    _bound_sheet_size_lookup()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected("The file is not an Excel workbook (.xlsx) that can be read.") from exc
    if not workbook.worksheets:
        workbook.close()
        raise FileRejected("The workbook has no sheet to import.")
    sheet = workbook.worksheets[0]
    try:
        with workbook._archive.open(sheet._worksheet_path) as stream:
            check_columns(header_width(stream), limits, "The first row names")
    except BaseException:
        workbook.close()
        raise
    return workbook, sheet


_bounded = False


def _bound_sheet_size_lookup() -> None:
    """openpyxl looks for a read-only sheet's declared size and, when there is none, parses the whole sheet to
    find out (a minute for five million rows, on every preview). The declaration comes before the sheet's
    data or not at all, so the lookup stops there."""
    global _bounded
    if _bounded:
        return
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG

    def size_from_head(sheet: Any) -> None:
        with sheet._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    try:
                        bounds = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        return
                    if None not in bounds:
                        sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds
                    return
                if element.tag == DATA_TAG:
                    return

    ReadOnlyWorksheet._get_size = size_from_head
    _bounded = True

