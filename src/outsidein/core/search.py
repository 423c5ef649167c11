"""Full-text search conditions, the one way pages search text: FTS5 on SQLite, a GIN index on PostgreSQL.

A searchable text column has, on SQLite, an external-content FTS5 table ``<table>_fts`` kept in step by
triggers, and on PostgreSQL a GIN index on ``to_tsvector('english', <column>)`` (see the migrations that
create them, e.g. voice 0005). The functions here turn what a person typed into a condition that uses
that index: every word must match, as a prefix ("invo" finds "invoices"), and the input is reduced to
plain word characters first, so it can never break the query syntax.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Expression, F, Q
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def search_terms(query: str) -> list[str]:
    return _WORD.findall(query or "")[:MAX_TERMS]


def prefix_tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


def fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


class OnColumns(Expression):
    """A condition written in SQL around columns of the row (``{0}``, ``{1}``... in ``template``), compiled
    against whatever alias the query gives the table, so it also holds inside subqueries."""

    output_field = BooleanField()

    def __init__(self, template: str, params: list[Any], *columns: str) -> None:
        super().__init__()
        self.template, self.params, self.columns = template, params, [F(c) for c in columns]

    def get_source_expressions(self) -> list[Any]:
        return self.columns  # so resolving and relabelling (e.g. as a subquery) reach the columns

    def set_source_expressions(self, exprs: Any) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        compiled = [compiler.compile(c) for c in self.columns]
        sql = self.template.format(*(column for column, _ in compiled))
        return sql, [*(p for _, params in compiled for p in params), *self.params]


def matches_tsquery(document: str, terms: list[str], *columns: str) -> OnColumns:
    """``document`` is the very expression of a GIN index (over ``{0}``, ``{1}``...), so PostgreSQL uses it."""
    return OnColumns(
        f"to_tsvector('english'::regconfig, {document}) @@ to_tsquery('english'::regconfig, %s)",
        [prefix_tsquery(terms)], *columns,
    )


def text_matches(table: str, column: str, query: str) -> Q | OnColumns | None:
    """A condition on rows of ``table`` whose ``column`` holds every word of ``query``; None for no words.

    On PostgreSQL the condition is on the row itself, so the planner may read the few matches of a rare word
    from the GIN index, or walk the list's own index and stop at the page for a common one.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return matches_tsquery("{0}", terms, column)
    return Q(id__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [fts5_query(terms)]))


def fts_statements(table: str, column: str) -> dict[str, tuple[list[str], list[str]]]:
    """The statements (forward, backward) per database that make ``table.column`` searchable as above."""
    fts = f"{table}_fts"
    sqlite_forward = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]
    sqlite_backward = [f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("update", "delete", "insert")]
    sqlite_backward.append(f"DROP TABLE IF EXISTS {fts}")
    postgres_forward = [f"CREATE INDEX {table}_{column}_search_idx ON {table} "
                        f"USING GIN (to_tsvector('english'::regconfig, {column}))"]
    postgres_backward = [f"DROP INDEX IF EXISTS {table}_{column}_search_idx"]
    return {"sqlite": (sqlite_forward, sqlite_backward), "postgresql": (postgres_forward, postgres_backward)}
