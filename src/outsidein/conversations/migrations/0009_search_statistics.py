"""PostgreSQL: finer statistics on the full-text indexes, so the planner knows how rare a searched word is.

With PostgreSQL's default statistics a prefix search ("invoic:*") is guessed to match 2% of rows
unless at least 100 frequent words are known, so a rare word could make it walk every highlight of
the workspace in list order (tokenizing each) instead of reading its few matches from the index.
"""

from django.db import migrations

INDEXES = ["conversations_search_idx", "conversations_highlight_search_idx"]


def _statistics(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS {target}")
        schema_editor.execute("ANALYZE conversations_conversation")
        schema_editor.execute("ANALYZE conversations_highlight")

    return run


class Migration(migrations.Migration):
    # ANALYZE reads the new target only once the ALTER is committed.
    atomic = False
    dependencies = [("conversations", "0008_highlight_search")]

    operations = [migrations.RunPython(_statistics(1000), _statistics(-1))]
