"""Full-text search over feedback text: FTS5 on SQLite, a GIN index on PostgreSQL (outsidein.core.search)."""

from django.db import migrations

from outsidein.core.search import fts_statements

STATEMENTS = fts_statements("voice_feedbackitem", "text")


def _run(direction: int):
    def run(apps, schema_editor):
        for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[direction]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("voice", "0004_score_rollups")]

    operations = [migrations.RunPython(_run(0), _run(1))]
