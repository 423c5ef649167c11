"""One record's cells turned into the values of a feedback item, and the sentiment of a chunk of them."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any, NamedTuple

from django.utils import timezone

from outsidein.core.imports import RowError
from outsidein.customers.models import Account, Person
from outsidein.feedback import rules
from outsidein.feedback.imports.mapping import ColumnLayout
from outsidein.feedback.models import ImportBatch
from outsidein.feedback.sentiment import score_texts
from outsidein.workspaces.models import Workspace

MAX_CELL_CHARS = rules.MAX_CELL_CHARS
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


class FeedbackRow(NamedTuple):
    """The values of one feedback item, named as its model fields, in the order the writers insert them.

    A tuple rather than a dataclass: a row is built once per record of files with millions of them.
    """

    workspace_id: int
    source: str
    source_name: str
    external_id: str
    content_hash: str
    received_at: datetime
    account_id: int | None
    person_id: int | None
    nps: int | None
    csat: int | None
    ces: int | None
    driver_ratings: dict[str, float]
    text: str
    sentiment: float | None
    batch_id: int | None


COLUMNS: tuple[str, ...] = FeedbackRow._fields


class AccountDirectory:
    """Accounts and persons of a workspace by the references a file uses for them.

    An account is found by external id or name (an external id wins), a person by external id or
    e-mail. When two accounts share a reference the oldest wins, when two persons do the newest.
    ``bulk_csv`` builds the same lookups in SQL.
    """

    def __init__(self, workspace: Workspace, *, accounts: bool, persons: bool) -> None:
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
            person_rows = Person.objects.filter(workspace=workspace).order_by("pk").values_list(
                "pk", "email", "external_id", "account_id")
            for pk, email, external_id, account_id in person_rows:
                if email:
                    self.person_by_email[email.lower()] = (pk, account_id)
                if ref := external_id.strip(rules.WHITESPACE).lower():
                    self.person_by_ref[ref] = (pk, account_id)


class RowParser:
    """Turns the cells of one record into the values of a feedback item (a ``FeedbackRow``).

    Accounts and persons of the workspace are loaded once per import: their number, not the file's,
    bounds the memory. This runs once per row of files with millions of rows, hence the plain code.
    """

    def __init__(self, workspace: Workspace, *, source_name: str, source: str, layout: ColumnLayout,
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

    def _text(self, cells: list[Any], fieldname: str) -> str:
        at = self.at.get(fieldname)
        return "" if at is None else _as_text(cells[at])

    def _too_long(self, cells: list[Any]) -> None:
        for column, value in zip(self.columns, cells, strict=False):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise RowError(rules.too_long(column, len(value)))

    def parse(self, cells: list[Any], driver_ratings: Mapping[str, Any] | None = None) -> FeedbackRow | None:
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
        date_at = self.at.get("received_at")
        received_at = parse_received_at(cells[date_at], self.tz) if date_at is not None else None
        source = parse_source(cells[self.at["source"]]) if "source" in self.at else None
        external_id = self._text(cells, "external_id")[:200]
        account_id: int | None = None
        person_id: int | None = None
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
        return FeedbackRow(self.workspace.pk, source, self.source_name, external_id, content_hash,
                           received_at or self.default_received_at, account_id, person_id, nps, csat, ces, ratings,
                           text, None, self.batch_id)


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

    def fill(self, rows: list[FeedbackRow]) -> None:
        """Each row given its text's sentiment, in place in the list."""
        for at, score in enumerate(self.scores([r.text for r in rows])):
            if score is not None:
                rows[at] = rows[at]._replace(sentiment=score)


