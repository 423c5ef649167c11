"""The demo workspace, built once per test run and copied into each test that asks for it.

Building the demo takes tens of seconds, and the tests that read it must not see each other's writes. So it
is built once inside a transaction that is rolled back, every row it wrote is kept in memory, and each test
gets those rows inserted afresh into its own transaction (or, for a browser test, into its own flushed
database): the same rows with the same ids, and no test's writes reach another test.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from outsidein.site.demo.builder import DemoContext, build_demo

# The demo's rows are numbered from here, so that they never meet the rows a test's other fixtures make.
FIRST_ID = 1_000_000


@dataclass
class DemoSnapshot:
    context: DemoContext
    rows: dict[type[models.Model], list[models.Model]]

    def load(self) -> DemoContext:
        """Insert the demo's rows as they were stored (no save(), no signals) and return its context."""
        with transaction.atomic():
            for model, objs in self.rows.items():
                _insert_raw(model, objs)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                    cursor.execute(sql)
        return copy.deepcopy(self.context)


def take(build: Callable[[], DemoContext] = build_demo) -> DemoSnapshot:
    """Build the demo in a transaction that is rolled back; what it wrote is kept in the snapshot."""
    tables = _stored_models()
    before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in tables}
    with transaction.atomic():
        _number_rows_from(FIRST_ID, tables)
        context = build()
        rows = {model: list(model._base_manager.exclude(pk__in=before[model]).order_by("pk")) for model in tables}
        transaction.set_rollback(True)
    return DemoSnapshot(context, {model: objs for model, objs in rows.items() if objs})


def _stored_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def _insert_raw(model: type[models.Model], objs: list[models.Model]) -> None:
    # A raw insert writes each field as it is, where bulk_create would stamp auto_now fields with this moment.
    fields = model._meta.local_concrete_fields
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start:start + size], fields=fields, raw=True)


def _number_rows_from(first: int, tables: list[type[models.Model]]) -> None:
    counted = [m._meta for m in tables if isinstance(m._meta.pk, models.AutoField)]
    with connection.cursor() as cursor:
        for meta in counted:
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [meta.db_table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, first])
            else:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                               [connection.ops.quote_name(meta.db_table), meta.pk.column, first])
