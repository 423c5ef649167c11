"""Full-text search over highlights, text and tags, like conversation search (0004).

``Highlight.tag_names`` holds the names of a highlight's tags. Database triggers on the tag links (and
on a tag's rename) keep it, so every writer is covered, bulk inserts included. One index covers text
and tag names: on SQLite an external-content FTS5 table kept in step by triggers, on PostgreSQL a GIN
index on the English tsvector of ``text || ' ' || tag_names``. Selectors query whichever the
connection has.
"""

from django.db import migrations, models

_NAMES = {
    "sqlite": "SELECT group_concat(t.name, ' ') FROM conversations_highlight_tags ht "
              "JOIN conversations_tag t ON t.id = ht.tag_id WHERE ht.highlight_id = {id}",
    "postgresql": "SELECT string_agg(t.name, ' ' ORDER BY t.name) FROM conversations_highlight_tags ht "
                  "JOIN conversations_tag t ON t.id = ht.tag_id WHERE ht.highlight_id = {id}",
}


def _set_names(vendor: str, highlight_id: str) -> str:
    return f"UPDATE conversations_highlight SET tag_names = COALESCE(({_NAMES[vendor].format(id=highlight_id)}), '')"


SQLITE_FORWARD = [
    _set_names("sqlite", "conversations_highlight.id"),
    "CREATE TRIGGER conversations_highlight_tag_added AFTER INSERT ON conversations_highlight_tags BEGIN "
    f"{_set_names('sqlite', 'new.highlight_id')} WHERE id = new.highlight_id; END",
    "CREATE TRIGGER conversations_highlight_tag_removed AFTER DELETE ON conversations_highlight_tags BEGIN "
    f"{_set_names('sqlite', 'old.highlight_id')} WHERE id = old.highlight_id; END",
    "CREATE TRIGGER conversations_tag_renamed AFTER UPDATE OF name ON conversations_tag BEGIN "
    f"{_set_names('sqlite', 'conversations_highlight.id')} WHERE id IN "
    "(SELECT highlight_id FROM conversations_highlight_tags WHERE tag_id = new.id); END",
    "CREATE VIRTUAL TABLE conversations_highlight_fts USING fts5("
    "text, tag_names, content='conversations_highlight', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER conversations_highlight_fts_insert AFTER INSERT ON conversations_highlight BEGIN "
    "INSERT INTO conversations_highlight_fts(rowid, text, tag_names) VALUES (new.id, new.text, new.tag_names); END",
    "CREATE TRIGGER conversations_highlight_fts_delete AFTER DELETE ON conversations_highlight BEGIN "
    "INSERT INTO conversations_highlight_fts(conversations_highlight_fts, rowid, text, tag_names) "
    "VALUES ('delete', old.id, old.text, old.tag_names); END",
    "CREATE TRIGGER conversations_highlight_fts_update AFTER UPDATE OF text, tag_names ON conversations_highlight "
    "BEGIN INSERT INTO conversations_highlight_fts(conversations_highlight_fts, rowid, text, tag_names) "
    "VALUES ('delete', old.id, old.text, old.tag_names); "
    "INSERT INTO conversations_highlight_fts(rowid, text, tag_names) VALUES (new.id, new.text, new.tag_names); END",
    "INSERT INTO conversations_highlight_fts(conversations_highlight_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS conversations_highlight_fts_update",
    "DROP TRIGGER IF EXISTS conversations_highlight_fts_delete",
    "DROP TRIGGER IF EXISTS conversations_highlight_fts_insert",
    "DROP TABLE IF EXISTS conversations_highlight_fts",
    "DROP TRIGGER IF EXISTS conversations_tag_renamed",
    "DROP TRIGGER IF EXISTS conversations_highlight_tag_removed",
    "DROP TRIGGER IF EXISTS conversations_highlight_tag_added",
]
POSTGRES_FORWARD = [
    _set_names("postgresql", "conversations_highlight.id"),
    "CREATE FUNCTION conversations_highlight_tag_link() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE changed bigint; BEGIN "
    "IF TG_OP = 'DELETE' THEN changed := OLD.highlight_id; ELSE changed := NEW.highlight_id; END IF; "
    f"{_set_names('postgresql', 'changed')} WHERE id = changed; RETURN NULL; END $$",
    "CREATE TRIGGER conversations_highlight_tag_link AFTER INSERT OR DELETE ON conversations_highlight_tags "
    "FOR EACH ROW EXECUTE FUNCTION conversations_highlight_tag_link()",
    "CREATE FUNCTION conversations_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{_set_names('postgresql', 'conversations_highlight.id')} WHERE id IN "
    "(SELECT highlight_id FROM conversations_highlight_tags WHERE tag_id = NEW.id); RETURN NULL; END $$",
    "CREATE TRIGGER conversations_tag_renamed AFTER UPDATE OF name ON conversations_tag "
    "FOR EACH ROW EXECUTE FUNCTION conversations_tag_renamed()",
    "CREATE INDEX conversations_highlight_search_idx ON conversations_highlight "
    "USING GIN (to_tsvector('english'::regconfig, text || ' ' || tag_names))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS conversations_highlight_search_idx",
    "DROP TRIGGER IF EXISTS conversations_tag_renamed ON conversations_tag",
    "DROP FUNCTION IF EXISTS conversations_tag_renamed()",
    "DROP TRIGGER IF EXISTS conversations_highlight_tag_link ON conversations_highlight_tags",
    "DROP FUNCTION IF EXISTS conversations_highlight_tag_link()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0007_list_order_indexes")]

    operations = [
        migrations.AddField(
            model_name="highlight",
            name="tag_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
