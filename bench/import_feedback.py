"""Feedback import into PostgreSQL against PostgreSQL's own COPY of the same file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oi_voice_bench .venv/bin/python bench/import_feedback.py \
        [--rows 1000000] [--file PATH] [--unique-texts] [--rerun]

1. Writes a deterministic survey export (seeded): response id, date, account external id, respondent
   e-mail, NPS, CSAT, three driver ratings and a comment (about 40% blank, the rest from a few hundred
   survey-like sentences, as real exports repeat short answers). ``--unique-texts`` makes every comment
   unique (worst case for the sentiment step, which then scores every text).
2. COPY: the same file into a plain typed table with no index or constraint, streamed through psycopg
   (``COPY … FROM STDIN (FORMAT csv, HEADER)``): the floor of what loading this file can cost here.
3. Import: the real code path of ``outsidein import feedback`` (``feedback.imports.run_import``): streamed
   reading, per-row validation, account and person matching, content hashes, sentiment, rejected-row
   report, progress on the batch row, and the writes into the indexed feedback table with
   ``ON CONFLICT DO NOTHING`` (COPY into a staging table, then INSERT … SELECT).
4. ``--rerun``: the same import again, which must create nothing (all duplicates).

Prints rows per second of each and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ACCOUNTS = 300
DRIVERS = ("tracking", "invoicing", "support")
OPENERS = ["", "Honestly, ", "Overall ", "This quarter ", "As a dispatcher, ", "For our team "]
SUBJECTS = ["the tracking", "invoicing", "support", "the mobile app", "onboarding", "pricing", "the ETA alerts",
            "billing", "the driver app", "customer service", "the portal", "proof of delivery"]
VERDICTS = ["is great", "is slow", "keeps failing", "works well", "is confusing", "got better", "is too expensive",
            "is excellent", "is a constant headache", "is fine", "needs work", "saves us hours"]


def make_file(path: Path, rows: int, unique_texts: bool) -> None:
    rng = random.Random(20261123)
    sentences = [f"{o}{s} {v}." .strip().capitalize() for o in OPENERS for s in SUBJECTS for v in VERDICTS]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "date", "account", "email", "nps", "csat",
                         *(f"driver_{d}" for d in DRIVERS), "comment"])
        for n in range(rows):
            account = rng.randrange(ACCOUNTS)
            when = start + timedelta(seconds=rng.randrange(180 * 86400))
            if rng.random() < 0.4:
                comment = ""
            elif unique_texts:
                comment = f"{rng.choice(sentences)} Load {n} was {rng.choice(VERDICTS).split()[-1]}."
            else:
                comment = rng.choice(sentences)
            writer.writerow([f"R{n:08d}", when.strftime("%Y-%m-%d %H:%M:%S"), f"ACC-{account:04d}",
                             f"p{account}.{n % 3}@customer{account}.example" if rng.random() < 0.3 else "",
                             rng.randrange(11), rng.randint(1, 5), *(rng.randint(1, 5) for _ in DRIVERS), comment])


def copy_baseline(dsn: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_feedback_copy")
        conn.execute("CREATE TABLE bench_feedback_copy (response_id text, date timestamptz, account text, email text, "
                     "nps smallint, csat smallint, driver_tracking real, driver_invoicing real, driver_support real, "
                     "comment text)")
        started = time.perf_counter()
        with (conn.cursor() as cursor, cursor.copy("COPY bench_feedback_copy FROM STDIN (FORMAT csv, HEADER)") as copy,
              path.open("rb") as handle):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        loaded = conn.execute("SELECT count(*) FROM bench_feedback_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_feedback_copy")
    return elapsed if loaded else float("nan")


def ensure_database(dsn: str) -> None:
    import psycopg

    name = dsn.rsplit("/", 1)[-1].split("?")[0]
    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--unique-texts", action="store_true")
    parser.add_argument("--rerun", action="store_true")
    args = parser.parse_args()

    dsn = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oi_voice_bench")
    if not dsn.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL for this benchmark.")
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    ensure_database(dsn)

    path = args.file or Path("/tmp/outsidein-bench") / (
        f"feedback-{args.rows}{'-unique' if args.unique_texts else ''}.csv")
    if not path.exists():
        started = time.perf_counter()
        make_file(path, args.rows, args.unique_texts)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from outsidein.customers.models import Account
    from outsidein.feedback import imports, services
    from outsidein.feedback.models import FeedbackItem
    from outsidein.workspaces.models import Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="bench-import", defaults={"name": "Import benchmark"})
    # The benchmark's own database: start from an empty feedback table (deleting rows would leave them dead in
    # the table and its indexes, and every later run slower than the last).
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FeedbackItem._meta.db_table} CASCADE")
        cursor.execute("CHECKPOINT")
    if not Account.objects.filter(workspace=workspace).exists():
        Account.objects.bulk_create([Account(workspace=workspace, name=f"Account {i}", external_id=f"ACC-{i:04d}")
                                     for i in range(ACCOUNTS)])

    copy_seconds = copy_baseline(dsn, path)
    print(f"platform: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"rows: {args.rows:,}{' (unique comments)' if args.unique_texts else ''}")
    print(f"PostgreSQL COPY into a plain table: {copy_seconds:.2f} s, {args.rows / copy_seconds:,.0f} rows/s")

    mapping = {"response_id": "external_id", "date": "received_at", "account": "account", "email": "person_email",
               "nps": "nps", "csat": "csat", "comment": "text", **{f"driver_{d}": "driver" for d in DRIVERS}}

    def run_once(label: str) -> None:
        batch = services.batch_for_local_file(workspace, None, path, source_name="Benchmark survey",
                                              mapping=mapping)
        started = time.perf_counter()
        batch = imports.run_import(batch)
        seconds = time.perf_counter() - started
        print(f"{label}: {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s ({batch.status}: "
              f"{batch.rows_created:,} created, {batch.rows_duplicate:,} duplicates, {batch.rows_rejected:,} "
              f"rejected); {copy_seconds / seconds:.3f} of COPY's rows per second")

    run_once("Outside-In import")
    if args.rerun:
        run_once("Outside-In import, same file again")
    floor = destination_floor(FeedbackItem._meta.db_table)
    print(f"PostgreSQL COPY of the imported rows, already in the feedback table's shape, into the feedback table "
          f"(its indexes and foreign keys): {floor:.2f} s, {args.rows / floor:,.0f} rows/s")


def destination_floor(table: str) -> float:
    """What PostgreSQL alone needs to put these rows into the feedback table: COPY them out, then back in.

    The rows are final (matched, checked, scored), so this is the cost of the table itself (heap, indexes,
    foreign key checks at commit), with no import work at all.
    """
    import tempfile

    from django.db import connection, transaction

    columns = ("workspace_id, source, source_name, external_id, content_hash, received_at, account_id, person_id, "
               "nps, csat, ces, driver_ratings, text, sentiment, batch_id")
    with tempfile.TemporaryFile() as rows:
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY (SELECT {columns} FROM {table}) TO STDOUT (FORMAT binary)") as copy:
            for data in copy:
                rows.write(data)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
            cursor.execute("CHECKPOINT")
        rows.seek(0)
        started = time.perf_counter()
        with (transaction.atomic(), connection.cursor() as cursor,
              cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as copy):
            while data := rows.read(1 << 20):
                copy.write(data)
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
