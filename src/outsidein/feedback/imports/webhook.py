"""Feedback sent to the webhook: each item checked on its own and saved unless it exists already."""

from __future__ import annotations

from typing import Any, TypedDict

from outsidein.core.imports import RowError
from outsidein.feedback.imports.mapping import SINGLE_FIELDS, ColumnLayout
from outsidein.feedback.imports.readers import as_cell
from outsidein.feedback.imports.rows import FeedbackRow, RowParser, SentimentScorer, parse_source
from outsidein.feedback.imports.writers import ItemWriter
from outsidein.feedback.models import Source
from outsidein.workspaces.models import User, Workspace


class Outcome(TypedDict):
    """What became of one item sent."""

    index: int
    status: str  # created, duplicate or rejected
    id: int | None
    reason: str


def import_records(workspace: Workspace, items: list[dict[str, Any]], *, user: User | None = None,
                   source_name: str = "API") -> list[Outcome]:
    """Feedback sent to the webhook: each item checked on its own and saved unless it exists already.

    Returns one outcome per item, in order: {"index", "status": created|duplicate|rejected, "id", "reason"}.
    """
    columns = list(SINGLE_FIELDS)
    layout = ColumnLayout(columns, {name: name for name in columns})
    outcomes: list[Outcome] = []
    rows: list[tuple[int, FeedbackRow]] = []
    parsers: dict[tuple[str, str], RowParser] = {}
    for index, item in enumerate(items):
        name = (item.get("source_name") or source_name).strip()[:100]
        key = (name, item.get("source") or Source.SURVEY)
        parser = parsers.get(key)
        if parser is None:
            parser = parsers[key] = RowParser(workspace, source_name=name, source=parse_source(key[1]) or "survey",
                                              layout=layout)
        cells = [as_cell(item.get(c)) for c in columns]
        try:
            row = parser.parse(cells, item.get("driver_ratings") or {})
            if row is None:
                raise RowError("The item is empty: send text, a score or driver ratings.")
        except RowError as exc:
            outcomes.append({"index": index, "status": "rejected", "id": None, "reason": str(exc)})
            continue
        rows.append((index, row))
        outcomes.append({"index": index, "status": "", "id": None, "reason": ""})
    scored = [r for _, r in rows]
    SentimentScorer().fill(scored)
    # In order, one at a time: an item sent twice in one request is created once and then found.
    writer = ItemWriter()
    writer.write(scored)
    writer.close()
    for (index, _), (status, pk) in zip(rows, writer.outcomes, strict=True):
        outcomes[index]["status"], outcomes[index]["id"] = status, pk
    return outcomes
