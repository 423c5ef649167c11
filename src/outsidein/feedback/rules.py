"""What a feedback cell may hold, and what the import says when it holds something else.

Two readers apply these rules: the row-by-row reader in ``imports`` (any database, any file format, the
webhook) and the set-based reader in ``bulk_csv`` (CSV files into PostgreSQL), which turns the same
patterns into SQL. The patterns are therefore written in the common ground of Python's ``re`` and
PostgreSQL's regular expressions (ASCII classes, ``(?:…)`` groups), and both readers are tested against
one corpus of good and bad cells so they accept, refuse and word their reasons alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from outsidein.core.imports import RowError

# Characters trimmed from both ends of a cell (Python's bare strip() trims more, PostgreSQL's btrim less).
WHITESPACE = " \t\r\n\f\v\u00a0"
MAX_CELL_CHARS = 1_000_000
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
# The NPS bands: 9–10 promoters, 0–6 detractors (7–8 passives).
PROMOTER_MIN = 9
DETRACTOR_MAX = 6

# A whole number, possibly written with a zero fraction ("9", "+9", "9.0", "9,0"), and any decimal number.
WHOLE_NUMBER = r"^[+-]?[0-9]+(?:[.,]0*)?$"
WHOLE_PART = r"^[+-]?[0-9]+"
NUMBER = r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]{1,2})?$"

# Dates: ISO 8601 (date, or date and time with optional seconds, fraction and offset), YYYY/MM/DD [HH:MM[:SS]]
# and DD.MM.YYYY [HH:MM]. Groups: ISO y m d H M S fraction zone; slash y m d H M S; dotted d m y H M.
DATE_ISO = (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"
            r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,6}))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$")
DATE_SLASH = r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})(?: ([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?$"
DATE_DOTTED = r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?: ([0-9]{1,2}):([0-9]{2}))?$"


def shape(pattern: str) -> str:
    """The same pattern without capturing groups (PostgreSQL matches far faster when it need not capture)."""
    return re.sub(r"\((?!\?)", "(?:", pattern)


_whole, _whole_part, _number = (re.compile(p) for p in (WHOLE_NUMBER, WHOLE_PART, NUMBER))
_iso, _slash, _dotted = (re.compile(p) for p in (DATE_ISO, DATE_SLASH, DATE_DOTTED))

SOURCE_WORDS = {
    "survey": "survey", "surveys": "survey",
    "support ticket": "support_ticket", "support tickets": "support_ticket", "ticket": "support_ticket",
    "support": "support_ticket", "helpdesk": "support_ticket",
    "review": "review", "reviews": "review",
    "sales note": "sales_note", "sales notes": "sales_note", "note": "sales_note", "sales": "sales_note",
    # What customers send through their own page (the loop); an export of it may come back in a file.
    "customer page": "customer_page",
}


# --- reasons: the exact words both readers give -----------------------------------------------------
# Templates rather than f-strings, so the set-based reader can fill the same words with SQL expressions.
REASONS = {
    "too_long": "{column} holds {length} characters; one cell may hold at most {limit}. The row was skipped.",
    "not_a_number": "{field} “{value}” is not a number.",
    "not_whole": "{field} {value} is not a whole number from {low} to {high}.",
    "out_of_range": "{field} {number} is out of range: {field} runs from {low} to {high}.",
    "rating_not_a_number": "driver rating “{name}” value “{value}” is not a number.",
    "no_content": "The row has no text and no score: {columns} are empty.",
    "not_a_date": "received_at “{value}” is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM (ISO 8601).",
    "unknown_source": "source “{value}” is not one of: survey, support ticket, review, sales note, customer page.",
    "unknown_account": ("account “{value}” matches no account's external id or name; import the accounts first, "
                        "then run this file again."),
}
# How much of an offending value a reason quotes.
QUOTED_CHARS = {"unknown_account": 80}
QUOTE_CHARS = 40


def reason(key: str, /, **parts: object) -> str:
    return REASONS[key].format(**parts)


def too_long(column: str, length: int) -> str:
    return reason("too_long", column=column or "A cell", length=f"{length:,}", limit=f"{MAX_CELL_CHARS:,}")


def _quoted(name: str, text: str) -> str:
    return text[:QUOTED_CHARS.get(name, QUOTE_CHARS)]


def not_a_number(fieldname: str, text: str) -> str:
    return reason("not_a_number", field=fieldname, value=_quoted("not_a_number", text))


def not_whole(fieldname: str, text: str) -> str:
    low, high = SCORE_RANGES[fieldname]
    return reason("not_whole", field=fieldname, value=_quoted("not_whole", text), low=low, high=high)


def out_of_range(fieldname: str, number: int) -> str:
    low, high = SCORE_RANGES[fieldname]
    return reason("out_of_range", field=fieldname, number=number, low=low, high=high)


def rating_not_a_number(name: str, text: str) -> str:
    return reason("rating_not_a_number", name=name, value=_quoted("rating_not_a_number", text))


def no_content(columns: str) -> str:
    return reason("no_content", columns=columns)


def not_a_date(text: str) -> str:
    return reason("not_a_date", value=_quoted("not_a_date", text))


def unknown_source(text: str) -> str:
    return reason("unknown_source", value=_quoted("unknown_source", text))


def unknown_account(reference: str) -> str:
    return reason("unknown_account", value=_quoted("unknown_account", reference))


# --- values -----------------------------------------------------------------------------------------------

def score(fieldname: str, text: str) -> int | None:
    """A score cell (already trimmed): None when blank, else a whole number inside the field's range."""
    if not text:
        return None
    if _whole.match(text) and (whole := _whole_part.match(text)):  # a whole number always has a whole part
        number = int(whole.group())
        low, high = SCORE_RANGES[fieldname]
        if not low <= number <= high:
            raise RowError(out_of_range(fieldname, number))
        return number
    if _number.match(text):
        raise RowError(not_whole(fieldname, text))
    raise RowError(not_a_number(fieldname, text))


def rating(name: str, text: str) -> float | None:
    """A driver rating cell (already trimmed): any decimal number, a comma counting as the decimal point."""
    if not text:
        return None
    if not _number.match(text):
        raise RowError(rating_not_a_number(name, text))
    return float(text.replace(",", "."))


def received_at(text: str, tz: tzinfo) -> datetime | None:
    """A date or date and time written as ``DATE`` allows; a time without an offset is in ``tz``."""
    if not text:
        return None
    fraction = zone = None
    if match := _iso.match(text):
        year, month, day, hour, minute, second, fraction, zone = match.groups()
    elif match := _slash.match(text):
        year, month, day, hour, minute, second = match.groups()
    elif match := _dotted.match(text):
        day, month, year, hour, minute = match.groups()
        second = None
    else:
        raise RowError(not_a_date(text))
    year, month, day, hour, minute, second = (int(v or 0) for v in (year, month, day, hour, minute, second))
    try:
        moment = datetime(year, month, day, hour, minute, second, int((fraction or "").ljust(6, "0")))
    except ValueError:
        raise RowError(not_a_date(text)) from None
    if zone is None:
        return moment.replace(tzinfo=tz)
    if zone == "Z":
        return moment.replace(tzinfo=UTC)
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    if hours > 23 or minutes > 59:
        raise RowError(not_a_date(text))
    offset = timedelta(hours=hours, minutes=minutes)
    return moment.replace(tzinfo=dt_timezone(offset if zone[0] == "+" else -offset))


def source(text: str) -> str | None:
    """A source kind cell: None when blank, else one of the kinds, by name or common synonym."""
    words = text.lower().replace("-", " ").replace("_", " ")
    if not words:
        return None
    kind = SOURCE_WORDS.get(words)
    if kind is None:
        raise RowError(unknown_source(words))
    return kind


def content_key(source_name: str, kind: str, cells: Sequence[str], ratings: Sequence[tuple[str, str]]) -> str:
    """What an item without an external id is recognised by on a re-run: what the file says, trimmed.

    ``cells`` are the trimmed texts of received_at, the account reference and the person reference
    (both lower-cased), nps, csat, ces and the text; ``ratings`` the (driver, trimmed text) pairs that
    are not blank. The set-based reader builds the same string in SQL, so a file hashes alike whichever
    reader imports it.
    """
    ratings_text = ";".join(f"{name}={text}" for name, text in sorted(ratings))
    received, account, person, nps, csat, ces, text = cells
    return "\x1f".join((source_name, kind, received, account, person, nps, csat, ces, ratings_text, text))
