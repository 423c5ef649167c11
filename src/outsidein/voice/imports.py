"""Feedback imports from CSV, XLSX and JSON Lines files: streamed, validated row by row, idempotent.

A file is read one record at a time (csv over a text stream, openpyxl in read-only mode, one JSON object
per line) and written in chunks, so memory does not grow with the file. Each record is checked on its
own: a bad one is written to the batch's rejected-rows CSV with its line and the reason, and the good
ones are kept. Re-running a file creates nothing twice: an item with an external id is unique per
workspace and source name, one without is unique by the hash of its content, and the writers skip
conflicts (``ON CONFLICT DO NOTHING`` / ``INSERT OR IGNORE``) and count them as duplicates.

On PostgreSQL the chunks go through COPY into a temporary staging table and one
``INSERT … SELECT … ON CONFLICT DO NOTHING``; elsewhere through ``bulk_create(ignore_conflicts=True)``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import logging
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from outsidein.core import datafiles
from outsidein.core.datafiles import FileRejected
from outsidein.core.exports import safe_cell
from outsidein.core.jobs import Progress, tracked
from outsidein.customers.models import Account, Person
from outsidein.voice import bulk_csv, rollups, rules
from outsidein.voice.analysis.sentiment import score_texts
from outsidein.voice.models import FeedbackItem, ImportBatch, Source
from outsidein.voice.rules import RowError

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "jsonl")
CHUNK_ROWS = 2_000
COPY_CHUNK_ROWS = 20_000
MAX_CELL_CHARS = rules.MAX_CELL_CHARS

# Fields a column can be mapped to. "driver" keeps the column's own name as the driver's name.
FIELDS: dict[str, str] = {
    "text": "Text (comment, ticket body, review)",
    "nps": "NPS: likelihood to recommend, 0–10",
    "csat": "CSAT: satisfaction, 1–5",
    "ces": "CES: customer effort, 1–7",
    "driver": "Driver rating (named after the column)",
    "received_at": "Received at (date or date and time)",
    "external_id": "External id (makes re-runs idempotent)",
    "account": "Account (external id or name)",
    "person_email": "Person e-mail",
    "person_external_id": "Person external id",
    "source": "Source kind (survey, support ticket, review, sales note)",
}
CONTENT_FIELDS = ("text", "nps", "csat", "ces", "driver")
SINGLE_FIELDS = tuple(f for f in FIELDS if f != "driver")
DRIVER_PREFIXES = ("driver_", "driver:", "drivers.", "driver_ratings.", "rating_")

# Column names a file from a survey or helpdesk tool commonly uses for each field.
_GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "comment", "comments", "feedback", "verbatim", "body", "message", "review", "note", "notes",
             "description", "open_text", "answer"),
    "nps": ("nps", "nps_score", "likelihood_to_recommend", "recommend", "ltr", "score"),
    "csat": ("csat", "csat_score", "satisfaction", "overall_satisfaction"),
    "ces": ("ces", "ces_score", "effort", "customer_effort"),
    "received_at": ("received_at", "date", "created_at", "created", "submitted_at", "timestamp", "responded_at",
                    "response_date", "time"),
    "external_id": ("external_id", "id", "response_id", "ticket_id", "review_id"),
    "account": ("account", "account_external_id", "account_id", "company", "customer", "account_name"),
    "person_email": ("email", "e-mail", "person_email", "respondent_email", "contact_email"),
    "person_external_id": ("person_external_id", "contact_id", "person_id", "respondent_id"),
    "source": ("source", "kind", "channel", "type"),
}


_WORD_GUESSES: dict[str, tuple[str, ...]] = {
    "nps": ("recommend", "nps"),
    "csat": ("satisf", "csat"),
    "ces": ("effort",),
    "received_at": ("date", "submitted", "timestamp", "created", "received"),
    "text": ("comment", "feedback", "verbatim", "open_text", "why", "tell_us"),
    "person_email": ("email", "e_mail"),
}


class Record(NamedTuple):
    """One record of a file: its line (as a spreadsheet or editor shows it) and its cells in column order.

    Cells are text, except dates and times an Excel sheet holds as such. ``error`` says why a record
    could not even be read (then ``cells`` is empty).
    """

    line: int
    cells: list[Any]
    error: str = ""


def _normal(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def detect_format(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise FileRejected(f"“{file_name}” is not a CSV, XLSX or JSON Lines file (.csv, .xlsx, .jsonl).")


def media_path(stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


# --- reading -------------------------------------------------------------------------------------------

def _csv_records(handle: io.TextIOBase, limits: datafiles.ImportLimits | None = None
                 ) -> tuple[list[str], Iterator[Record]]:
    limits = limits or datafiles.ImportLimits.current()
    datafiles.set_csv_cell_limit(limits)
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected("The file is empty: it needs a header row and at least one row.") from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRejected(f"The header row holds a column name longer than {limits.cell_chars:,} characters; "
                               "it is not a CSV header. Nothing was imported.") from exc
        raise FileRejected(f"The header row cannot be read as CSV: {exc}.") from exc
    datafiles.check_columns(len(header), limits)
    columns = [c.strip() for c in header]
    if not any(columns):
        raise FileRejected("The first row is blank: it must name the columns.")

    width = len(columns)

    def records() -> Iterator[Record]:
        for line, row, reason in datafiles.csv_rows(reader, limits):
            if reason:
                yield Record(line, [], reason)
                continue
            if len(row) != width:
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    yield Record(line, [], f"This row has {len(row)} cells but the header names {width} columns.")
                    continue
                row = (row + [""] * width)[:width]
            yield Record(line, row)

    return columns, records()


def _xlsx_records(path: Path, limits: datafiles.ImportLimits | None = None) -> tuple[list[str], Iterator[Record], Any]:
    limits = limits or datafiles.ImportLimits.current()
    workbook, sheet = datafiles.open_workbook(path, limits)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(c not in (None, "") for c in header):
        workbook.close()
        raise FileRejected("The file is empty: its first sheet needs a header row and at least one row.")
    columns = ["" if c is None else str(c).strip() for c in header]
    width = len(columns)

    def records() -> Iterator[Record]:
        for line, row in enumerate(rows, start=2):
            if len(row) > width and any(c not in (None, "") for c in row[width:]):
                yield Record(line, [], f"This row has cells beyond the {width} named columns.")
                continue
            cells = [_cell(v) for v in row[:width]]
            yield Record(line, cells + [""] * (width - len(cells)))
        workbook.close()

    return columns, records(), sheet


def _cell(value: Any) -> Any:
    """A sheet or JSON value as the text a CSV would hold (dates and times stay as they are)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = _cell(value)
    return flat


def _jsonl_records(handle: io.TextIOBase, sample: int = 50, limits: datafiles.ImportLimits | None = None
                   ) -> tuple[list[str], Iterator[Record]]:
    limits = limits or datafiles.ImportLimits.current()

    def parsed() -> Iterator[Record]:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Record(line, [], f"This line is not valid JSON ({exc.msg}, column {exc.colno}).")
                continue
            if not isinstance(obj, dict):
                yield Record(line, [], "This line is not a JSON object ({\"field\": value, …}).")
                continue
            yield line, _flatten(obj)

    stream = parsed()
    head: list = []
    for item in stream:
        head.append(item)
        if len(head) >= sample:
            break
    if not head:
        raise FileRejected("The file is empty: it needs at least one JSON object per line.")
    # The columns are the keys of the first objects; later objects are read through the same columns.
    columns = list(dict.fromkeys(k for item in head if not isinstance(item, Record) for k in item[1]))
    datafiles.check_columns(len(columns), limits, "The first objects name")

    def records() -> Iterator[Record]:
        for item in itertools.chain(head, stream):
            if isinstance(item, Record):
                yield item
            else:
                line, flat = item
                yield Record(line, [flat.get(c, "") for c in columns])

    return columns, records()


class FeedbackFile:
    """An uploaded or local feedback file: its columns and its records, read lazily.

    ``encoding`` is the one found when the file was stored (``ImportBatch.encoding``); without it the file's
    encoding is detected, once, when it is first needed.
    """

    def __init__(self, path: Path, fmt: str, encoding: str = "") -> None:
        if fmt not in FORMATS:
            raise FileRejected(f"Unknown file format “{fmt}”; use one of {', '.join(FORMATS)}.")
        self.path, self.format = path, fmt
        self.limits = datafiles.ImportLimits.current()
        self._given_encoding = encoding
        self._encoding: datafiles.TextEncoding | None = None
        self._handle: Any = None

    def __enter__(self) -> FeedbackFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    @property
    def encoding(self) -> datafiles.TextEncoding | None:
        """The text encoding the file is read in, with its number of lines (None for a workbook)."""
        if self.format == "xlsx":
            return None
        if self._encoding is None:
            if self.path.stat().st_size == 0:
                raise FileRejected("The file is empty: it needs a header row and at least one row.")
            self._encoding = (datafiles.read_file_as(self.path, self._given_encoding) if self._given_encoding
                              else datafiles.detect_file_encoding(self.path))
        return self._encoding

    def measure(self) -> int | None:
        """Number of records, to show progress (checks the encoding of text files on the way)."""
        if self.format == "xlsx":
            return None
        lines = self.encoding.lines
        return max(lines - 1, 0) if self.format == "csv" else lines

    def open(self) -> tuple[list[str], Iterator[Record]]:
        self.close()
        if self.format == "xlsx":
            columns, records, sheet = _xlsx_records(self.path, self.limits)
            self._handle = sheet.parent
            return columns, records
        encoding = self.encoding
        try:
            self._handle = self.path.open(encoding=encoding.reading_name, errors="strict", newline="")
        except OSError as exc:
            raise FileRejected(f"The file cannot be read: {exc.strerror}.") from exc
        if self.format == "csv":
            return _csv_records(self._handle, self.limits)
        return _jsonl_records(self._handle, limits=self.limits)

    def preview(self, limit: int | None = None) -> tuple[list[str], list[Record]]:
        """The columns and the first records (as many as the limits' preview rows): never the whole file."""
        limit = self.limits.preview_rows if limit is None else limit
        columns, records = self.open()
        try:
            head = list(itertools.islice(records, limit))
        finally:
            self.close()
        return columns, head


# --- mapping -------------------------------------------------------------------------------------------
def driver_name(column: str) -> str:
    name = column.strip()
    lowered = name.lower()
    for prefix in DRIVER_PREFIXES:
        if lowered.startswith(prefix):
            name = name[len(prefix):]
            break
    return name.replace("_", " ").strip()


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """A first mapping from the column names alone; the person importing confirms or changes it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    normal = {c: _normal(c) for c in columns if c}
    for column, name in normal.items():
        if name.startswith(DRIVER_PREFIXES):
            mapping[column] = "driver"
    for fieldname, names in _GUESSES.items():
        for candidate in names:
            column = next((c for c, n in normal.items() if n == candidate and c not in mapping), None)
            if column is not None and fieldname not in taken:
                mapping[column] = fieldname
                taken.add(fieldname)
                break
    # Survey tools name columns after their question ("How likely are you to recommend us?", "Date submitted"):
    # a word inside the name, for the fields no exact name claimed.
    for fieldname, words in _WORD_GUESSES.items():
        column = next((c for c, n in normal.items() if c not in mapping and any(w in n for w in words)), None)
        if column is not None and fieldname not in taken:
            mapping[column] = fieldname
            taken.add(fieldname)
    return mapping


def complete_mapping(explicit: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """Explicit choices, plus guesses for the columns and fields they leave open."""
    chosen = {f for f in explicit.values() if f and f != "driver"}
    guessed = {c: f for c, f in guess_mapping(columns).items()
               if c not in explicit and (f == "driver" or f not in chosen)}
    return {**guessed, **explicit}


def parse_mapping_option(text: str) -> dict[str, str]:
    """`col=field,col2=field2` from the command line."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, fieldname = part.rpartition("=")
        if not sep or not column.strip():
            raise FileRejected(f"“{part}” is not column=field (fields: {', '.join(FIELDS)}).")
        mapping[column.strip()] = fieldname.strip()
    return mapping


def check_mapping(mapping: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """The mapping without ignored columns; refuses unknown fields, missing columns and nothing to import."""
    present = list(columns)
    clean = {c: f for c, f in mapping.items() if f}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise FileRejected(f"Unknown field(s): {', '.join(unknown)}. Fields: {', '.join(FIELDS)}.")
    missing = [c for c in clean if c not in present]
    if missing:
        names = ", ".join(f"“{c}” (mapped to {clean[c]})" for c in missing)
        raise FileRejected(f"Missing required column(s): {names}. The file has: {', '.join(present)}.")
    for fieldname in SINGLE_FIELDS:
        chosen = [c for c, f in clean.items() if f == fieldname]
        if len(chosen) > 1:
            raise FileRejected(f"{fieldname} is mapped from several columns ({', '.join(chosen)}); pick one.")
    if not any(f in CONTENT_FIELDS for f in clean.values()):
        raise FileRejected(
            "Missing required column: the file needs a text column (text, comment, feedback…) or a score column "
            f"(nps, csat, ces, or a driver rating). The file has: {', '.join(present)}."
        )
    return clean


# --- one record ---------------------------------------------------------------------------------------

def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip(rules.WHITESPACE)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip(rules.WHITESPACE)


def parse_received_at(value: Any, tz: tzinfo | None = None) -> datetime | None:
    """A date or date and time (a sheet's own date cells, or text as ``rules.DATE`` allows) in ``tz``."""
    zone = tz or timezone.get_current_timezone()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    return rules.received_at(_as_text(value), zone)


def parse_source(value: Any) -> str | None:
    return rules.source(_as_text(value))


# The values of one feedback item, in this order: what the writers insert.
COLUMNS = ("workspace_id", "source", "source_name", "external_id", "content_hash", "received_at", "account_id",
           "person_id", "nps", "csat", "ces", "driver_ratings", "text", "sentiment", "batch_id")
TEXT_AT = COLUMNS.index("text")
SENTIMENT_AT = COLUMNS.index("sentiment")


class AccountDirectory:
    """Accounts and persons of a workspace by the references a file uses for them.

    An account is found by external id or name (an external id wins), a person by external id or
    e-mail. When two accounts share a reference the oldest wins, when two persons do the newest.
    ``bulk_csv`` builds the same lookups in SQL.
    """

    def __init__(self, workspace, *, accounts: bool, persons: bool) -> None:
        self.account_by_ref: dict[str, int] = {}
        if accounts:
            rows = list(Account.objects.filter(workspace=workspace).order_by("pk")
                        .values_list("pk", "external_id", "name"))
            by_external_id: dict[str, int] = {}
            for pk, external_id, name in rows:
                self.account_by_ref.setdefault(name.strip(rules.WHITESPACE).lower(), pk)
                if ref := external_id.strip(rules.WHITESPACE).lower():
                    by_external_id.setdefault(ref, pk)
            self.account_by_ref.update(by_external_id)
        self.person_by_email: dict[str, tuple[int, int | None]] = {}
        self.person_by_ref: dict[str, tuple[int, int | None]] = {}
        if persons:
            rows = Person.objects.filter(workspace=workspace).order_by("pk").values_list(
                "pk", "email", "external_id", "account_id")
            for pk, email, external_id, account_id in rows:
                if email:
                    self.person_by_email[email.lower()] = (pk, account_id)
                if ref := external_id.strip(rules.WHITESPACE).lower():
                    self.person_by_ref[ref] = (pk, account_id)


class ColumnLayout:
    """Where each field sits in a file's records: what both readers take from the columns and the mapping."""

    def __init__(self, columns: list[str], mapping: Mapping[str, str]) -> None:
        self.columns = columns
        position = {c: i for i, c in enumerate(columns)}
        self.mapping = {c: f for c, f in mapping.items() if f and c in position}
        self.at = {f: position[c] for c, f in self.mapping.items() if f != "driver"}
        # (position, driver name) in mapping order; two columns naming one driver: the later one's value counts,
        # checked where the name first came.
        drivers = {driver_name(c): position[c] for c, f in self.mapping.items() if f == "driver"}
        self.drivers = [(at, name) for name, at in drivers.items()]
        self.mapped = sorted(position[c] for c in self.mapping)
        # In the file's order: a saved mapping comes back from the database with its keys in another order.
        self.content_columns = ", ".join(dict.fromkeys(c for c in columns if self.mapping.get(c) in CONTENT_FIELDS))


class RowParser:
    """Turns the cells of one record into the values of a feedback item (a list in ``COLUMNS`` order).

    Accounts and persons of the workspace are loaded once per import: their number, not the file's,
    bounds the memory. This runs once per row of files with millions of rows, hence the plain code.
    """

    def __init__(self, workspace, *, source_name: str, source: str, layout: ColumnLayout,
                 batch: ImportBatch | None = None) -> None:
        self.workspace, self.source_name, self.source, self.batch = workspace, source_name, source, batch
        self.columns, self.at, self.drivers = layout.columns, layout.at, layout.drivers
        self.mapped, self.content_columns = layout.mapped, layout.content_columns
        self.tz = timezone.get_current_timezone()
        directory = AccountDirectory(workspace, accounts="account" in self.at,
                                     persons="person_email" in self.at or "person_external_id" in self.at)
        self.account_by_ref = directory.account_by_ref
        self.person_by_email, self.person_by_ref = directory.person_by_email, directory.person_by_ref
        self.default_received_at = batch.created_at if batch else timezone.now()
        self.batch_id = batch.pk if batch else None

    def _text(self, cells: list, fieldname: str) -> str:
        at = self.at.get(fieldname)
        return "" if at is None else _as_text(cells[at])

    def _too_long(self, cells: list) -> None:
        for column, value in zip(self.columns, cells, strict=False):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise RowError(rules.too_long(column, len(value)))

    def parse(self, cells: list, driver_ratings: Mapping[str, Any] | None = None) -> list | None:
        """The item's values, or None for a blank record. Raises RowError naming the field and the value."""
        if max(map(len, map(str, cells)), default=0) > MAX_CELL_CHARS:
            self._too_long(cells)
        if not driver_ratings and not any(_as_text(cells[i]) for i in self.mapped):
            return None
        text = self._text(cells, "text")
        nps_text, csat_text, ces_text = (self._text(cells, f) for f in ("nps", "csat", "ces"))
        nps, csat, ces = rules.score("nps", nps_text), rules.score("csat", csat_text), rules.score("ces", ces_text)
        ratings: dict[str, float] = {}
        rating_texts: dict[str, str] = {}
        for at, name in self.drivers:
            rating_texts[name] = _as_text(cells[at])
        for name, value in (driver_ratings or {}).items():
            rating_texts[str(name)] = _as_text(value)
        for name, value in rating_texts.items():
            rating = rules.rating(name, value)
            if rating is not None:
                ratings[name] = rating
        if not text and nps is None and csat is None and ces is None and not ratings:
            raise RowError(rules.no_content(self.content_columns))
        at = self.at.get("received_at")
        received_at = parse_received_at(cells[at], self.tz) if at is not None else None
        source = parse_source(cells[self.at["source"]]) if "source" in self.at else None
        external_id = self._text(cells, "external_id")[:200]
        account_id = person_id = None
        account_ref = self._text(cells, "account").lower()
        if account_ref:
            account_id = self.account_by_ref.get(account_ref)
            if account_id is None:
                raise RowError(rules.unknown_account(self._text(cells, "account")))
        email = self._text(cells, "person_email").lower()
        person_ref = self._text(cells, "person_external_id").lower()
        person = self.person_by_ref.get(person_ref) if person_ref else None
        if person is None and email:
            person = self.person_by_email.get(email)
        if person is not None:
            person_id = person[0]
            account_id = account_id or person[1]
        source = source or self.source
        content_hash = ""
        if not external_id:
            # The key is what the file says (not defaults like "now"), so the same record always hashes the same.
            key = rules.content_key(
                self.source_name, source,
                (self._text(cells, "received_at"), account_ref, person_ref or email, nps_text, csat_text, ces_text,
                 text),
                [(name, value) for name, value in rating_texts.items() if value])
            content_hash = hashlib.sha256(key.encode()).hexdigest()
        return [self.workspace.pk, source, self.source_name, external_id, content_hash,
                received_at or self.default_received_at, account_id, person_id, nps, csat, ces, ratings, text,
                None, self.batch_id]


# --- sentiment -------------------------------------------------------------------------------------------

class SentimentScorer:
    """Sentiment for a chunk of items; identical texts (short survey answers repeat a lot) are scored once."""

    def __init__(self, cache_limit: int = 50_000) -> None:
        self.cache: dict[str, float | None] = {}
        self.cache_limit = cache_limit

    def scores(self, texts: list[str]) -> list[float | None]:
        cache = self.cache
        wanted = list({t for t in texts if t and t not in cache})
        if wanted:
            if len(cache) + len(wanted) > self.cache_limit:
                cache.clear()
            for text, score in zip(wanted, score_texts(wanted), strict=True):
                cache[text] = None if math.isnan(score) else float(score)
        return [cache.get(t) if t else None for t in texts]

    def fill(self, rows: list[list]) -> None:
        for row, score in zip(rows, self.scores([r[TEXT_AT] for r in rows]), strict=True):
            row[SENTIMENT_AT] = score


# --- writing ---------------------------------------------------------------------------------------------

class OrmWriter:
    """bulk_create with conflicts skipped; counts what it created from the batch's new ids (works on any database)."""

    chunk_rows = CHUNK_ROWS

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        # A resumed import already has items: only those above its last one are this run's.
        self.watermark = FeedbackItem.objects.filter(batch=batch).aggregate(top=Max("id"))["top"] or 0

    def write(self, rows: list[list], checkpoint: Checkpoint | None = None) -> int:
        with transaction.atomic():
            FeedbackItem.objects.bulk_create([FeedbackItem(**dict(zip(COLUMNS, r, strict=True))) for r in rows],
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

    def write(self, rows: list[list], checkpoint: Checkpoint | None = None) -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
        at = COLUMNS.index("driver_ratings")
        for r in rows:
            r[at] = self._json(r[at])
        writer.writerows(rows)
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


class RejectedRows:
    """The rejected rows of a batch as a CSV (line, reason, the row's cells), written as they come."""

    CELL_PREVIEW = 2_000  # a 10 MB cell does not belong in the report

    def __init__(self, batch: ImportBatch, columns: list[str], *, keep: int = 0) -> None:
        """``keep``: a resumed import keeps the first rows of the report (those of its committed records)."""
        self.batch, self.columns = batch, columns
        self.relative = f"imports/rejected/batch-{batch.pk}.csv"
        self.count = keep
        self._handle: Any = None
        self._writer: Any = None
        if keep:
            self._open()

    @classmethod
    def report_row(cls, line: int, reason: str, values: Iterable[Any]) -> list[str]:
        cells = []
        for value in values:
            text = value.isoformat() if isinstance(value, (datetime, date)) else str(value)
            if len(text) > cls.CELL_PREVIEW:
                text = text[:cls.CELL_PREVIEW] + f"… ({len(text):,} characters)"
            cells.append(safe_cell(text))
        return [str(line), safe_cell(reason), *cells]

    def _open(self) -> None:
        if self._writer is None:
            path = media_path(self.relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.count and path.exists():
                self._keep_first(path, self.count)
                self._handle = path.open("a", encoding="utf-8", newline="")
                self._writer = csv.writer(self._handle)
                return
            self._handle = path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["line", "reason", *self.columns])

    @staticmethod
    def _keep_first(path: Path, rows: int) -> None:
        """The header and the first ``rows`` rows; a stopped run may have written more before it died."""
        part = path.with_suffix(".part")
        with path.open(encoding="utf-8", newline="") as old, part.open("w", encoding="utf-8", newline="") as new:
            csv.writer(new).writerows(itertools.islice(csv.reader(old), rows + 1))
        part.replace(path)

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.flush()

    def add(self, record: Record, reason: str) -> None:
        self._open()
        self._writer.writerow(self.report_row(record.line, reason, record.cells))
        self.count += 1

    def append_report(self, path: Path, rows: int) -> None:
        """Rows another reader already wrote in this report's form (``bulk_csv``'s parts), in order."""
        if not rows:
            return
        self._open()
        self._handle.flush()
        with path.open(encoding="utf-8", newline="") as part:
            while chunk := part.read(1 << 20):
                self._handle.write(chunk)
        self.count += rows

    def close(self) -> str:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return self.relative if self.count else ""


# --- the import ---------------------------------------------------------------------------------------

def run_import(batch: ImportBatch, *also: Progress) -> ImportBatch:
    """Import the batch's file, then place its new items among the workspace's themes: the body of the
    background job, and of the command line import.

    The job covers both steps: the batch stays running (in the phase ``PLACING``) until the items are placed,
    so its page follows it to the end and a worker that dies while placing leaves a stopped job, not a done one.
    """
    from outsidein.voice import themes_services

    with tracked(batch, *also) as progress:
        _import(batch, progress)
        batch.refresh_from_db(fields=["rows_created"])
        if batch.rows_created:
            progress.phase(themes_services.PLACING)
            _place_among_themes(batch)
    batch.refresh_from_db()
    return batch


def _place_among_themes(batch: ImportBatch) -> None:
    from outsidein.voice.themes_services import place_imported_items

    try:
        place_imported_items(batch)
    except Exception:
        # The rows are in; the items stay unthemed and the themes page offers to place them.
        logger.exception("Placing the items of import batch %s among the themes failed", batch.pk)


def _carried_over(batch: ImportBatch) -> int:
    """Items a stopped set-based run of this batch committed. The run again meets them as conflicts; they are
    counted as created (they are this batch's), not as duplicates of an earlier import."""
    return FeedbackItem.objects.filter(batch=batch).count() if batch.resumes else 0


def _import(batch: ImportBatch, progress: Progress) -> None:
    with FeedbackFile(media_path(batch.stored_file), batch.file_format) as feedback_file:
        total = feedback_file.measure()
        progress.start(total)
        columns, records = feedback_file.open()
        mapping = check_mapping(batch.mapping or guess_mapping(columns), columns)
        if mapping != batch.mapping:
            batch.mapping = mapping
            ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
        layout = ColumnLayout(columns, mapping)
        if bulk_csv.usable(batch):
            feedback_file.close()
            try:
                _import_set_based(batch, progress, layout, total or 0, _carried_over(batch))
                return
            except bulk_csv.NotForCopy as exc:
                # The row-by-row reader names what is wrong with each row COPY could not read.
                logger.info("Import %s: read row by row (%s)", batch.pk, exc)
            columns, records = feedback_file.open()
        parser = RowParser(batch.workspace, source_name=batch.source_name, source=batch.source, layout=layout,
                           batch=batch)
        _import_row_by_row(batch, progress, parser, records, batch.resume_point if batch.resumes else {})


def _import_set_based(batch: ImportBatch, progress: Progress, layout: ColumnLayout, total: int,
                      carried: int = 0) -> None:
    plan = bulk_csv.Plan(batch, layout, tz_name=timezone.get_current_timezone().key)
    rejected = RejectedRows(batch, layout.columns)
    with tempfile.TemporaryDirectory(prefix=f"import-{batch.pk}-") as scratch:
        outcome = bulk_csv.load(plan, media_path(batch.stored_file), default_received_at=batch.created_at,
                                report_dir=Path(scratch), report_row=RejectedRows.report_row,
                                on_progress=lambda share: progress.advance(int(share * total)))
        for report, rows in outcome.reports:
            rejected.append_report(report, rows)
    counts = {"rows_created": carried + outcome.created, "rows_duplicate": max(0, outcome.duplicate - carried),
              "rows_rejected": outcome.rejected}
    ImportBatch.objects.filter(pk=batch.pk).update(rejected_report=rejected.close(), rows_total=outcome.records,
                                                   **counts)
    progress.advance(outcome.records, **counts)
    if outcome.records == 0:
        raise FileRejected("The file has a header row but no rows to import.")


def _import_row_by_row(batch: ImportBatch, progress: Progress, parser: RowParser, records: Iterator[Record],
                       resume_point: Mapping[str, int] | None = None) -> None:
    """Records in file order, committed in chunks; each chunk commits the point the import has reached with it,
    and a run that resumes a stopped one skips the records before that point and goes on from its counts."""
    point = resume_point or {}
    writer = make_writer(batch)
    scorer = SentimentScorer()
    rejected = RejectedRows(batch, parser.columns, keep=point.get("rejected", 0))
    counts = {"rows_created": point.get("created", 0), "rows_duplicate": point.get("duplicate", 0),
              "rows_rejected": rejected.count}
    done = sum(1 for _ in itertools.islice(records, point.get("records", 0)))
    pending: list[list] = []
    chunk_rows = writer.chunk_rows
    parse = parser.parse

    def flush() -> None:
        if pending:
            scorer.fill(pending)
            rejected.flush()  # on disk before the point that counts its rows is committed
            created = writer.write(pending, lambda created: {
                "records": done, "created": counts["rows_created"] + created,
                "duplicate": counts["rows_duplicate"] + len(pending) - created, "rejected": rejected.count})
            counts["rows_created"] += created
            counts["rows_duplicate"] += len(pending) - created
            pending.clear()

    try:
        for record in records:
            done += 1
            if record.error:
                rejected.add(record, record.error)
                counts["rows_rejected"] = rejected.count
                continue
            try:
                row = parse(record.cells)
            except RowError as exc:
                rejected.add(record, str(exc))
                counts["rows_rejected"] = rejected.count
                continue
            if row is not None:
                pending.append(row)
                if len(pending) >= chunk_rows:
                    flush()
                    progress.advance(done, **counts)
            if not done % 1000:
                progress.advance(done, **counts)
        flush()
    except FileRejected:
        flush()  # the rows read before the file went bad are kept
        raise
    finally:
        writer.close()
        counts["rows_rejected"] = rejected.count
        report = rejected.close()
        ImportBatch.objects.filter(pk=batch.pk).update(rejected_report=report, rows_total=done, **counts)
        progress.advance(done, **counts)
    if done == 0:
        raise FileRejected("The file has a header row but no rows to import.")


def import_records(workspace, items: list[dict], *, user=None, source_name: str = "API") -> list[dict]:
    """Feedback sent to the webhook: each item checked on its own and saved unless it exists already.

    Returns one outcome per item, in order: {"index", "status": created|duplicate|rejected, "id", "reason"}.
    """
    columns = list(SINGLE_FIELDS)
    layout = ColumnLayout(columns, {name: name for name in columns})
    outcomes: list[dict] = []
    rows: list[tuple[int, list]] = []
    parsers: dict[tuple[str, str], RowParser] = {}
    for index, item in enumerate(items):
        name = (item.get("source_name") or source_name).strip()[:100]
        key = (name, item.get("source") or Source.SURVEY)
        parser = parsers.get(key)
        if parser is None:
            parser = parsers[key] = RowParser(workspace, source_name=name, source=parse_source(key[1]) or "survey",
                                              layout=layout)
        cells = [_cell(item.get(c)) for c in columns]
        try:
            row = parser.parse(cells, item.get("driver_ratings") or {})
            if row is None:
                raise RowError("The item is empty: send text, a score or driver ratings.")
        except RowError as exc:
            outcomes.append({"index": index, "status": "rejected", "id": None, "reason": str(exc)})
            continue
        rows.append((index, row))
        outcomes.append({"index": index, "status": "", "id": None, "reason": ""})
    SentimentScorer().fill([r for _, r in rows])
    for index, row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        existing = FeedbackItem.objects.filter(workspace=workspace, source_name=values["source_name"])
        existing = (existing.filter(external_id=values["external_id"]) if values["external_id"]
                    else existing.filter(external_id="", content_hash=values["content_hash"]))
        found = existing.values_list("pk", flat=True).first()
        if found is not None:
            outcomes[index].update(status="duplicate", id=found)
            continue
        with transaction.atomic():
            item = FeedbackItem.objects.create(**values)  # counted in the rollup by voice.signals
        outcomes[index].update(status="created", id=item.pk)
    return outcomes
