"""A CSV file cut into parts at record boundaries, and the checks of its bytes COPY needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

READ_BYTES = 1 << 20


# A quote that neither opens a cell, closes one, nor is doubled inside one: the csv module keeps it as a
# character of an unquoted cell, COPY would start quoting there. Such files take the row-by-row reader.
BARE_QUOTE = re.compile(rb'(?<![,\r\n"])"(?![,\r\n"])')


def bare_quote(window: bytes) -> bool:
    """Whether ``window`` (two bytes carried from the last one, then a chunk) holds a bare quote.

    The first byte was judged with the last window; a quote in the last byte waits for the next one,
    which shows what follows it.
    """
    found = BARE_QUOTE.search(window, 1)
    return found is not None and found.start() < len(window) - 1


class NotForCopy(Exception):
    """COPY cannot read the file as it stands; the row-by-row reader takes it."""

# --- cutting the file -------------------------------------------------------------------------------------


@dataclass
class Part:
    """A run of whole records of the file: bytes [start, end), the first at line ``first_line``."""

    number: int
    start: int
    end: int
    first_line: int
    records: int = 0  # staged so far
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "duplicate": 0, "rejected": 0,
                                                              "blank": 0})
    quoted: bool = False  # any quote in the part: only then can a record span lines

    @property
    def stage(self) -> str:
        return f"voice_import_stage_{self.number}"

    @property
    def checked(self) -> str:
        return f"voice_import_checked_{self.number}"

    @property
    def sentiment(self) -> str:
        return f"voice_import_sentiment_{self.number}"


def _record_end(handle: BinaryIO, position: int, inside_quotes: bool) -> int:
    """The offset just after the first newline at or after ``position`` that ends a record."""
    handle.seek(position)
    while chunk := handle.read(READ_BYTES):
        at = 0
        while (newline := chunk.find(b"\n", at)) >= 0:
            inside_quotes ^= chunk.count(b'"', at, newline) % 2 == 1
            if not inside_quotes:
                return position + newline + 1
            at = newline + 1
        inside_quotes ^= chunk.count(b'"', at) % 2 == 1
        position += len(chunk)
    return position


def cut(path: Path, parts: int) -> list[Part]:
    """The records after the header, cut into up to ``parts`` runs of about equal size."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(3)
        start = 3 if head == b"\xef\xbb\xbf" else 0
        body = _record_end(handle, start, False)
        end = size
        handle.seek(max(body, size - 64))
        tail = handle.read()
        end -= len(tail) - len(tail.rstrip(b"\r\n"))  # blank lines at the end are no records
        cuts = [body]
        for k in range(1, parts):
            target = body + (end - body) * k // parts
            if target <= cuts[-1]:
                continue
            handle.seek(body)
            quotes, remaining = 0, target - body
            while remaining > 0 and (chunk := handle.read(min(READ_BYTES, remaining))):
                quotes += chunk.count(b'"')
                remaining -= len(chunk)
            cuts.append(_record_end(handle, target, quotes % 2 == 1))
        cuts = [*sorted({c for c in cuts if c < end}), end]
        runs = []
        line, counted_to = 1, 0
        for number, (a, b) in enumerate(pairwise(cuts)):
            handle.seek(counted_to)
            line += handle.read(a - counted_to).count(b"\n")
            counted_to = a
            runs.append(Part(number, a, b, line))
    return runs


