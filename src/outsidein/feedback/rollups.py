"""The score rollup, the feedback tallies and each account's voice, kept in step with the items and highlights.

Score pages read counts, not responses: ``ScoreRollup`` holds, per day (in the workspace's reporting zone),
source, source name and segment, how many responses gave each NPS, CSAT and CES answer; ``FeedbackTally``
holds the source names and driver ratings with how many items carry each; ``AccountVoice`` holds per account
its NPS answers and detractors, and its pain highlights with their summed sentiment (the pain ranking's
inputs; highlights are counted through feedback/signals.py and ``change_pain``). Every write to feedback items
goes through one of the functions here inside the write's own transaction, so the rollup is never behind
what was committed:

- ``add_items`` / ``remove_items``: items just created, or about to be deleted (an edit is a removal of the old
  state and an addition of the new one); works on any database through the ORM, for bounded sets of rows.
- ``with_rollup``: wraps a PostgreSQL ``INSERT … SELECT`` of feedback items (the set-based import) so the
  rollup and the tallies are updated by the same statement, from the rows it actually inserted.
- ``move_account``, ``forget_segment``: an account changing segment, or a segment deleted, moves counts
  between segments without reading the items more than once.
- ``rebuild``: recomputes everything for a workspace from the items (the ``outsidein rollups rebuild``
  command, after a change of reporting zone, or to repair).
"""

from __future__ import annotations

import json
import zoneinfo
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from datetime import tzinfo
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from outsidein.conversations.models import Highlight, HighlightKind
from outsidein.customers.models import Account
from outsidein.feedback.models import (
    ROLLUP_COLUMNS,
    AccountVoice,
    FeedbackItem,
    FeedbackTally,
    ScoreRollup,
    TallyKind,
)
from outsidein.feedback.rules import DETRACTOR_MAX
from outsidein.workspaces.models import Workspace

SLICE = ("workspace_id", "day", "source", "source_name", "segment_key")
TALLY_KEY = ("workspace_id", "kind", "name")
NAME_MAX = FeedbackTally._meta.get_field("name").max_length
ROLLUP_TABLE = ScoreRollup._meta.db_table
TALLY_TABLE = FeedbackTally._meta.db_table
VOICE_TABLE = AccountVoice._meta.db_table
VOICE_COUNTS = ("nps_answers", "detractors", "pain_highlights", "pain_scored", "pain_sentiment")

# A part of the stored counts (the slices, the names or the account voices): what each key counts.
type Counts = Mapping[Hashable, object]


def _zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(workspace.time_zone)


def _column_metric(column: str) -> tuple[str, int]:
    metric, value = column.rsplit("_", 1)
    return metric, int(value)


def count_expressions() -> dict[str, Count]:
    """One COUNT per answer column (e.g. ``nps_9`` counts the responses that answered 9)."""
    return {column: Count("pk", filter=Q(**dict([_column_metric(column)])))
            for column in ROLLUP_COLUMNS}


def _scored(items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    return items.filter(Q(nps__isnull=False) | Q(csat__isnull=False) | Q(ces__isnull=False))


def slice_counts(items: QuerySet[FeedbackItem], tz: tzinfo) -> list[Mapping[str, Any]]:
    """The items' answer counts per rollup slice: one GROUP BY in the database."""
    return list(
        _scored(items).order_by()
        .annotate(day=TruncDate("received_at", tzinfo=tz),
                  segment_key=Coalesce("account__segment_id", Value(0), output_field=IntegerField()))
        .values("workspace_id", "day", "source", "source_name", "segment_key")
        .annotate(**count_expressions())
    )


# -- applying deltas -----------------------------------------------------------------------------------------


def _added(table: str, counted: tuple[str, ...]) -> str:
    """The SET list of an upsert that adds the new counts to the stored ones."""
    return ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counted)


def _upsert_sql(table: str, key: tuple[str, ...], counted: tuple[str, ...],
                conflict: tuple[str, ...] | None = None) -> str:
    columns = (*key, *counted)
    placeholders = ", ".join(["%s"] * len(columns))
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(conflict or key)}) DO UPDATE SET {_added(table, counted)}")


def _apply_slices(rows: Iterable[Mapping[str, Any]], sign: int) -> None:
    params = [[row[k] for k in SLICE] + [sign * int(row[c]) for c in ROLLUP_COLUMNS] for row in rows]
    if not params:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(ROLLUP_TABLE, SLICE, ROLLUP_COLUMNS), params)


def _apply_tallies(workspace_id: int, counts: Mapping[tuple[str, str], int], sign: int) -> None:
    params: list[list[int | str]] = [[workspace_id, kind, name[:NAME_MAX], sign * n]
                                     for (kind, name), n in sorted(counts.items()) if n]
    if not params:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(TALLY_TABLE, TALLY_KEY, ("items",)), params)


def _tally_counts(items: QuerySet[FeedbackItem]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for source_name, n in items.order_by().values_list("source_name").annotate(n=Count("pk")):
        counts[(TallyKind.SOURCE_NAME, source_name)] += n
    # Driver names live inside a JSON object per item; read only for the bounded sets these functions get.
    for ratings in items.exclude(driver_ratings={}).values_list("driver_ratings", flat=True).iterator(2_000):
        if isinstance(ratings, str):
            ratings = json.loads(ratings)
        if isinstance(ratings, dict):
            for name in ratings:
                counts[(TallyKind.DRIVER, str(name))] += 1
    return counts


def _apply_voice(workspace_id: int, rows: Iterable[Mapping[str, Any]], sign: int) -> None:
    """Add ``sign`` × each row's counts (any of VOICE_COUNTS, the rest 0) to its account's AccountVoice row."""
    params = [[workspace_id, row["account_id"], *(sign * (row.get(c) or 0) for c in VOICE_COUNTS)]
              for row in sorted(rows, key=lambda r: r["account_id"]) if row["account_id"]]
    if not params:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(VOICE_TABLE, ("workspace_id", "account_id"), VOICE_COUNTS,
                                       conflict=("account_id",)), params)


def _nps_by_account(items: QuerySet[FeedbackItem]) -> list[Mapping[str, Any]]:
    return list(items.filter(account_id__isnull=False, nps__isnull=False).order_by().values("account_id")
                .annotate(nps_answers=Count("pk"), detractors=Count("pk", filter=Q(nps__lte=DETRACTOR_MAX))))


def _pain_counts() -> dict[str, Count | Sum]:
    """How many pain highlights, how many of them carry a sentiment, and its sum."""
    return {"pain_highlights": Count("pk"), "pain_scored": Count("sentiment"), "pain_sentiment": Sum("sentiment")}


def pain_by_account(highlights: QuerySet[Highlight]) -> list[Mapping[str, Any]]:
    """Pain highlights of ``highlights`` per account of their conversation: count, how many scored, summed."""
    return list(highlights.filter(kind=HighlightKind.PAIN, conversation__account_id__isnull=False).order_by()
                .values(account_id=F("conversation__account_id")).annotate(**_pain_counts()))


def change_pain(workspace_id: int, highlights: QuerySet[Highlight], sign: int) -> None:
    """Count (+1) or uncount (-1) pain highlights in their accounts' AccountVoice rows."""
    with transaction.atomic():
        _apply_voice(workspace_id, pain_by_account(highlights), sign)
        if sign < 0:
            _tidy(workspace_id)


def move_conversation(workspace_id: int, highlights: QuerySet[Highlight], old_account: int | None,
                      new_account: int | None) -> None:
    """A conversation moved to another account: its pain highlights count there now."""
    if (old_account or None) == (new_account or None):
        return
    # Counted whatever account the saved conversation has now (none, perhaps), then moved from old to new.
    totals = highlights.filter(kind=HighlightKind.PAIN).aggregate(**_pain_counts())
    rows = [totals] if totals["pain_highlights"] else []
    with transaction.atomic():
        _apply_voice(workspace_id, [{**r, "account_id": old_account} for r in rows], -1)
        _apply_voice(workspace_id, [{**r, "account_id": new_account} for r in rows], +1)
        _tidy(workspace_id)


def _tidy(workspace_id: int) -> None:
    # Removals leave rows that count nothing; dropping them keeps the tables as small as the data.
    ScoreRollup.objects.filter(workspace_id=workspace_id, **{c: 0 for c in ROLLUP_COLUMNS}).delete()
    FeedbackTally.objects.filter(workspace_id=workspace_id, items__lte=0).delete()
    AccountVoice.objects.filter(workspace_id=workspace_id, nps_answers=0, pain_highlights=0).delete()


def _change(workspace: Workspace, items: QuerySet[FeedbackItem], sign: int) -> None:
    with transaction.atomic():
        _apply_slices(slice_counts(items, _zone(workspace)), sign)
        _apply_tallies(workspace.pk, _tally_counts(items), sign)
        _apply_voice(workspace.pk, _nps_by_account(items), sign)
        if sign < 0:
            _tidy(workspace.pk)


def add_items(workspace: Workspace, items: QuerySet[FeedbackItem]) -> None:
    """Count items that were just written (call inside the transaction that wrote them)."""
    _change(workspace, items.filter(workspace=workspace), +1)


def remove_items(workspace: Workspace, items: QuerySet[FeedbackItem]) -> None:
    """Uncount items that are about to be deleted or changed (call before the write, in its transaction)."""
    _change(workspace, items.filter(workspace=workspace), -1)


def move_account(workspace: Workspace, account_id: int, old_segment: int | None, new_segment: int | None) -> None:
    """An account changed segment: its responses' counts move from the old segment's slices to the new one's."""
    if (old_segment or 0) == (new_segment or 0):
        return
    rows = slice_counts(FeedbackItem.objects.filter(workspace_id=workspace.pk, account_id=account_id),
                        _zone(workspace))
    with transaction.atomic():
        _apply_slices([{**row, "segment_key": old_segment or 0} for row in rows], -1)
        _apply_slices([{**row, "segment_key": new_segment or 0} for row in rows], +1)
        _tidy(workspace.pk)


def forget_segment(workspace_id: int, segment_id: int) -> None:
    """A segment is deleted and its accounts lose it: its slices join the "no segment" ones."""
    with transaction.atomic():
        rows = list(ScoreRollup.objects.filter(workspace_id=workspace_id, segment_key=segment_id)
                    .values(*SLICE, *ROLLUP_COLUMNS))
        _apply_slices([{**row, "segment_key": 0} for row in rows], +1)
        ScoreRollup.objects.filter(workspace_id=workspace_id, segment_key=segment_id).delete()


# -- the set-based path (PostgreSQL) -------------------------------------------------------------------------

RETURNED = "received_at, source, source_name, account_id, nps, csat, ces, driver_ratings"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def with_rollup(insert_sql: str, workspace: Workspace) -> str:
    """``insert_sql`` (an ``INSERT INTO <feedback> … SELECT …``, without RETURNING) made to count what it inserts.

    The result is one statement whose first column is the number of items inserted; rows skipped by
    ``ON CONFLICT DO NOTHING`` are not returned by the INSERT, so they are never counted twice.
    """
    return _counting(f"{insert_sql} RETURNING {RETURNED}", workspace)


def _counting(rows_sql: str, workspace: Workspace) -> str:
    """One statement adding the rows of ``rows_sql`` (columns as RETURNED) to the rollup and the tallies."""
    ws, zone = int(workspace.pk), _literal(workspace.time_zone)
    counts = ", ".join(f"count(*) FILTER (WHERE i.{metric} = {value})"
                       for metric, value in map(_column_metric, ROLLUP_COLUMNS))
    return f"""
WITH ins AS ({rows_sql}),
slices AS (
  INSERT INTO {ROLLUP_TABLE} ({", ".join(SLICE)}, {", ".join(ROLLUP_COLUMNS)})
  SELECT {ws}, (i.received_at AT TIME ZONE {zone})::date, i.source, i.source_name, coalesce(a.segment_id, 0),
         {counts}
  FROM ins i LEFT JOIN {Account._meta.db_table} a ON a.id = i.account_id
  WHERE i.nps IS NOT NULL OR i.csat IS NOT NULL OR i.ces IS NOT NULL
  GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
  ON CONFLICT ({", ".join(SLICE)}) DO UPDATE SET {_added(ROLLUP_TABLE, ROLLUP_COLUMNS)}
  RETURNING 1
),
names AS (
  SELECT '{TallyKind.SOURCE_NAME.value}' AS kind, source_name AS name, count(*) AS n FROM ins GROUP BY source_name
  UNION ALL
  SELECT '{TallyKind.DRIVER.value}', left(d.key, {NAME_MAX}), count(*)
  FROM ins i CROSS JOIN LATERAL jsonb_object_keys(
    CASE WHEN jsonb_typeof(i.driver_ratings::jsonb) = 'object' THEN i.driver_ratings::jsonb ELSE '{{}}'::jsonb END
  ) AS d(key)
  GROUP BY 2
),
voices AS (
  INSERT INTO {VOICE_TABLE} (workspace_id, account_id, {", ".join(VOICE_COUNTS)})
  SELECT {ws}, account_id, count(*), count(*) FILTER (WHERE nps <= {DETRACTOR_MAX}), 0, 0, 0
  FROM ins WHERE account_id IS NOT NULL AND nps IS NOT NULL GROUP BY account_id ORDER BY account_id
  ON CONFLICT (account_id) DO UPDATE SET {_added(VOICE_TABLE, ("nps_answers", "detractors"))}
  RETURNING 1
),
tallies AS (
  INSERT INTO {TALLY_TABLE} (workspace_id, kind, name, items)
  SELECT {ws}, kind, name, sum(n) FROM names GROUP BY kind, name ORDER BY kind, name
  ON CONFLICT (workspace_id, kind, name) DO UPDATE SET {_added(TALLY_TABLE, ("items",))}
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM slices), (SELECT count(*) FROM tallies),
       (SELECT count(*) FROM voices)"""


# -- rebuilding ----------------------------------------------------------------------------------------------


@transaction.atomic
def rebuild(workspace: Workspace) -> tuple[int, int]:
    """Recompute the workspace's rollup and tallies from its feedback items; returns (slices, names)."""
    ScoreRollup.objects.filter(workspace_id=workspace.pk).delete()
    FeedbackTally.objects.filter(workspace_id=workspace.pk).delete()
    AccountVoice.objects.filter(workspace_id=workspace.pk).delete()
    items = FeedbackItem.objects.filter(workspace_id=workspace.pk)
    if connection.vendor == "postgresql":
        # The statement imports use, fed by the workspace's items instead of an INSERT's returned rows.
        rows = f"SELECT {RETURNED} FROM {FeedbackItem._meta.db_table} WHERE workspace_id = {int(workspace.pk)}"
        with connection.cursor() as cursor:
            cursor.execute(_counting(rows, workspace))
    else:
        _apply_slices(slice_counts(items, _zone(workspace)), +1)
        _apply_tallies(workspace.pk, _tally_counts(items), +1)
        _apply_voice(workspace.pk, _nps_by_account(items), +1)
    _apply_voice(workspace.pk, pain_by_account(Highlight.objects.filter(workspace_id=workspace.pk)), +1)
    return (ScoreRollup.objects.filter(workspace_id=workspace.pk).count(),
            FeedbackTally.objects.filter(workspace_id=workspace.pk).count())


def _current(workspace: Workspace) -> tuple[Counts, Counts, Counts]:
    """The stored slices, names and account voices, each as its counts by key."""
    slices: Counts = {tuple(row[k] for k in SLICE[1:]): tuple(row[c] for c in ROLLUP_COLUMNS)
                      for row in ScoreRollup.objects.filter(workspace_id=workspace.pk).values(*SLICE, *ROLLUP_COLUMNS)}
    names: Counts = dict(((kind, name), n) for kind, name, n in
                         FeedbackTally.objects.filter(workspace_id=workspace.pk).values_list("kind", "name", "items"))
    voices: Counts = {row[0]: tuple(round(v, 6) for v in row[1:]) for row in
                      AccountVoice.objects.filter(workspace_id=workspace.pk).values_list("account_id", *VOICE_COUNTS)}
    return slices, names, voices


def differences(workspace: Workspace) -> list[str]:
    """Where the stored rollup and tallies differ from a count of the items now (empty when in step)."""
    with transaction.atomic():
        stored = _current(workspace)
        sid = transaction.savepoint()
        rebuild(workspace)
        fresh = _current(workspace)
        transaction.savepoint_rollback(sid)
    wrong: list[str] = []
    for part, (have, want) in enumerate(zip(stored, fresh, strict=True)):
        for key in sorted(set(have) | set(want), key=str):
            if have.get(key) != want.get(key):
                wrong.append(f"{('slice', 'name', 'account')[part]} {key}: stored {have.get(key)}, "
                             f"counted {want.get(key)}")
    return wrong
