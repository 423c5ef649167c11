"""Indexes that serve the account and person pickers (core.pickers.search_by_name).

Prefix search, in name order, reads the index the same way on both databases: SQLite's LIKE is
case-insensitive, which only a NOCASE index serves; on PostgreSQL a "C"-collated btree on UPPER(name)
serves ``LIKE 'ABC%'`` and its order. For "contains", PostgreSQL gets a trigram index (pg_trgm).
"""

from django.db import migrations

TABLES = ("customers_account", "customers_person")
SQLITE_FORWARD = [f"CREATE INDEX {t}_name_nocase ON {t} (workspace_id, name COLLATE NOCASE)" for t in TABLES]
SQLITE_BACKWARD = [f"DROP INDEX IF EXISTS {t}_name_nocase" for t in TABLES]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(f'CREATE INDEX {t}_name_upper_c ON {t} (workspace_id, (UPPER(name) COLLATE "C"))' for t in TABLES),
    *(f"CREATE INDEX {t}_name_trgm ON {t} USING GIN (UPPER(name::text) gin_trgm_ops)" for t in TABLES),
]
POSTGRES_BACKWARD = [
    *(f"DROP INDEX IF EXISTS {t}_name_trgm" for t in TABLES),
    *(f"DROP INDEX IF EXISTS {t}_name_upper_c" for t in TABLES),
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
