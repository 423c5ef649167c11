"""Full-text search over notes and highlights (Conversation.search_text).

SQLite: an external-content FTS5 table kept in step by triggers. PostgreSQL: a GIN index on the
English tsvector of the same column. Selectors query whichever the connection has.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE conversations_conversation_fts USING fts5("
    "search_text, content='conversations_conversation', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations_conversation BEGIN "
    "INSERT INTO conversations_conversation_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations_conversation BEGIN "
    "INSERT INTO conversations_conversation_fts(conversations_conversation_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER conversations_fts_update AFTER UPDATE OF search_text ON conversations_conversation BEGIN "
    "INSERT INTO conversations_conversation_fts(conversations_conversation_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO conversations_conversation_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO conversations_conversation_fts(conversations_conversation_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS conversations_fts_update",
    "DROP TRIGGER IF EXISTS conversations_fts_delete",
    "DROP TRIGGER IF EXISTS conversations_fts_insert",
    "DROP TABLE IF EXISTS conversations_conversation_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX conversations_search_idx ON conversations_conversation "
    "USING GIN (to_tsvector('english'::regconfig, search_text))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS conversations_search_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0003_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
