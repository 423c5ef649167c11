"""The two readers of a feedback CSV give the same outcome, cell for cell and reason for reason.

On PostgreSQL a CSV file is read set-based (``bulk_csv``: COPY, then the rules as SQL); everywhere else,
and for XLSX, JSON Lines and the webhook, row by row in Python. One corpus of good and bad cells goes
through both into two workspaces with the same accounts and persons, and everything is compared.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from outsidein.core import services as core_services
from outsidein.customers.models import Account, Person
from outsidein.feedback import bulk_csv, imports, rollups, services
from outsidein.feedback.bulk_csv import loading as bulk_loading
from outsidein.feedback.imports import job as import_job
from outsidein.feedback.models import BatchStatus, FeedbackItem

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based reader needs PostgreSQL")

HEADER = ["id", "date", "account", "email", "contact", "kind", "nps", "csat", "ces", "driver_speed", "rating_speed",
          "driver_price", "comment"]
CELLS = {
    "date": ["2026-05-02", "2026-05-02 14:30", "2026-05-02T14:30:15", "2026-05-02T14:30:15.25",
             "2026-05-02 14:30:15,5", "2026-05-02T14:30:15Z", "2026-05-02T14:30:15+02:00", "2026-05-02T14:30-0530",
             "2026/5/2", "2026/05/02 9:30", "2026/05/02 09:30:59", "02.05.2026", "2.5.2026 14:30", "2024-02-29",
             "2026-13-45", "2026-02-30", "2026-02-29", "2026-05-02 24:00", "2026-05-02 23:60", "2026-05-02 10:00:60",
             "05/02/2026", "yesterday", "2026-05-02T10:00+24:00", "0000-01-01", "2026-5-2", " 2026-05-02 ", ""],
    "nps": ["9", " 9 ", "+9", "9.0", "9,0", "09", "0", "10", "11", "-1", "9.5", "x", "1e1", "nan", "\u0669", "",
            "12345678901234567890"],
    "csat": ["1", "5", "0", "6", "4.0", ""],
    "ces": ["1", "7", "8", ""],
    "driver_speed": ["4.5", "4,5", ".5", "1e2", "abc", "inf", "", "3"],
    "driver_price": ["2", "", "x"],
    "kind": ["", "Survey", "support-ticket", "support_tickets", "Reviews", "helpdesk", "blah"],
    "account": ["", "CRM-1", " acme freight ", "ACME FREIGHT", "crm-2", "Nope", "Globex"],
    "email": ["", "ANN@acme.example", "bob@globex.example", "nobody@x.example"],
    "contact": ["", "P-7", "p-7", "P-9"],
    "comment": ["Tracking is great", "  padded\u00a0", "=SUM(A1)", "", "Invoices are wrong every month. Terrible.",
                "line one\nline two", "quote \"inside\" here", "a, b, c"],
}


def corpus_rows(long_cell: bool = True) -> list[list[str]]:
    """Each value of each column at least once, in rows mixing them; ids on some rows, none on others."""
    longest = max(len(v) for v in CELLS.values())
    rows = []
    for i in range(longest * 2):
        row = {}
        for column, values in CELLS.items():
            row[column] = values[(i * 7 + len(column)) % len(values)] if i >= longest else values[i % len(values)]
        rows.append([f"r{i}" if i % 3 else "", row["date"], row["account"], row["email"], row["contact"], row["kind"],
                     row["nps"], row["csat"], row["ces"], row["driver_speed"], row["driver_speed"][::-1],
                     row["driver_price"], row["comment"]])
    good = {"date": "2026-05-02", "account": "CRM-1", "email": "", "contact": "", "kind": "", "nps": "8", "csat": "4",
            "ces": "2", "driver_speed": "3", "driver_price": "2", "comment": "Fine"}
    for column, values in CELLS.items():  # each value alone in an otherwise good row, so its own reason shows
        for n, value in enumerate(values):
            row = {**good, column: value}
            rows.append([f"{column}-{n}" if n % 2 else "", row["date"], row["account"], row["email"], row["contact"],
                         row["kind"], row["nps"], row["csat"], row["ces"], row["driver_speed"], "",
                         row["driver_price"], row["comment"]])
    rows.append([""] * len(HEADER))  # blank
    rows.append(["", "", "", "", "", "", "", "", "", "", "", "", "   "])  # blank once trimmed
    rows.append(["", "2026-05-02", "CRM-1", "", "", "", "", "", "", "", "", "", ""])  # no text and no score
    rows.append(["dup", "2026-05-02", "", "", "", "", "5", "", "", "", "", "", "Same twice"])
    rows.append(["dup", "2026-05-03", "", "", "", "", "6", "", "", "", "", "", "Same twice, other date"])
    rows.append(["", "2026-05-02", "", "", "", "", "5", "", "", "", "", "", "No id, twice"])
    rows.append(["", "2026-05-02", "", "", "", "", "5", "", "", "", "", "", "No id, twice"])
    if long_cell:
        rows.append(["", "", "", "", "", "", "7", "", "", "", "", "", "x" * 1_000_001])  # one cell too long
    return rows


def write_corpus(path: Path, long_cell: bool = True) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(corpus_rows(long_cell))
    return path


def directory(workspace) -> None:
    acme = core_services.create_owned(Account, workspace, {"name": "Acme Freight", "external_id": "CRM-1"})
    globex = core_services.create_owned(Account, workspace, {"name": "Globex", "external_id": "crm-2"})
    core_services.create_owned(Account, workspace, {"name": "acme freight", "external_id": ""})  # a later namesake
    core_services.create_owned(Person, workspace, {"name": "Ann", "email": "ann@acme.example", "account": acme})
    core_services.create_owned(Person, workspace, {"name": "Bob", "email": "bob@globex.example",
                                                   "external_id": "P-7", "account": globex})


MAPPING = {"id": "external_id", "date": "received_at", "account": "account", "email": "person_email",
           "contact": "person_external_id", "kind": "source", "nps": "nps", "csat": "csat", "ces": "ces",
           "driver_speed": "driver", "rating_speed": "driver", "driver_price": "driver", "comment": "text"}


def import_file(workspace, owner, path: Path):
    batch = services.batch_for_local_file(workspace, owner, path, source_name="Corpus", mapping=MAPPING)
    return imports.run_import(batch)


def outcome(workspace, batch) -> tuple[list, list]:
    items = sorted(
        (item.external_id, item.content_hash,
         "the batch's time" if item.received_at == batch.created_at else item.received_at.astimezone(UTC).isoformat(),
         item.source,
         item.account.external_id or item.account.name if item.account else None,
         item.person.name if item.person else None, item.nps, item.csat, item.ces,
         sorted((k, float(v)) for k, v in item.driver_ratings.items()), item.text,
         None if item.sentiment is None else round(item.sentiment, 6))
        for item in FeedbackItem.objects.filter(workspace=workspace).select_related("account", "person"))
    report = []
    if batch.rejected_report:
        import csv

        with imports.media_path(batch.rejected_report).open(encoding="utf-8", newline="") as handle:
            report = list(csv.reader(handle))
    counts = (batch.status, batch.rows_total, batch.rows_created, batch.rows_duplicate, batch.rows_rejected)
    return [counts, *items], report


@pytest.fixture
def both(workspace, other_workspace):
    directory(workspace)
    directory(other_workspace)
    return workspace, other_workspace


@postgres_only
def test_set_based_and_row_by_row_readers_agree_on_every_cell(both, owner, tmp_path, monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    set_based_ws, row_ws = both
    path = write_corpus(tmp_path / "corpus.csv")
    loads = []
    real_load = bulk_csv.load
    monkeypatch.setattr(bulk_csv, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))

    set_based = import_file(set_based_ws, owner, path)
    assert loads == [1] and set_based.status == BatchStatus.DONE

    monkeypatch.setattr(bulk_csv, "usable", lambda batch: False)
    by_row = import_file(row_ws, owner, path)
    assert loads == [1]

    got, report = outcome(set_based_ws, set_based)
    want, want_report = outcome(row_ws, by_row)
    assert got[0] == want[0]
    assert got[1:] == want[1:]
    assert report == want_report
    # The corpus exercises both outcomes of each rule.
    reasons = " ".join(row[1] for row in report[1:])
    for words in ("is not a date", "is out of range", "is not a whole number", "is not a number",
                  "driver rating", "is not one of", "matches no account", "no text and no score", "holds 1,000,001"):
        assert words in reasons
    assert set_based.rows_created > 20 and set_based.rows_duplicate >= 2


def test_line_numbers_count_the_lines_of_quoted_cells_before_them(workspace, owner, tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text('comment,nps\n"one\ntwo\nthree",9\nfine,5\n"four\nfive",11\n', encoding="utf-8")
    batch = services.batch_for_local_file(workspace, owner, path, source_name="Lines")
    batch = imports.run_import(batch)
    assert batch.rows_created == 2 and batch.rows_rejected == 1
    import csv

    with imports.media_path(batch.rejected_report).open(encoding="utf-8", newline="") as handle:
        (_, row) = list(csv.reader(handle))
    assert row[0] == "6" and row[1].startswith("nps 11 is out of range")


def test_a_file_copy_cannot_read_is_read_row_by_row(workspace, owner, tmp_path, monkeypatch):
    fallbacks = []
    real = import_job._import_row_by_row
    monkeypatch.setattr(import_job, "_import_row_by_row", lambda *a: fallbacks.append(1) or real(*a))
    path = tmp_path / "ragged.csv"
    path.write_text("comment,nps\nfine,9\ntoo,many,cells\nalso fine,7\n", encoding="utf-8")
    batch = imports.run_import(services.batch_for_local_file(workspace, owner, path, source_name="Ragged"))
    assert fallbacks == [1]
    assert (batch.rows_created, batch.rows_rejected) == (2, 1)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_large_files_are_cut_into_parts_loaded_side_by_side(tmp_path, monkeypatch):
    from outsidein.workspaces import services as workspace_services
    from outsidein.workspaces.models import User

    owner = User.objects.create_user("parts@example.com", "pw-12345678")
    side, single = (workspace_services.create_workspace(name, owner) for name in ("Side", "Single"))
    directory(side)
    directory(single)
    path = write_corpus(tmp_path / "corpus.csv", long_cell=False)  # a cut falls between ordinary rows
    threads = []
    real = bulk_loading._side_by_side
    monkeypatch.setattr(bulk_loading, "_side_by_side", lambda runs, *a: threads.append(len(runs)) or real(runs, *a))

    monkeypatch.setattr(bulk_loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(bulk_loading, "PARTS", 2)
    in_parts = import_file(side, owner, path)
    assert threads == [2]
    monkeypatch.setattr(bulk_loading, "PARALLEL_MIN_BYTES", 1 << 40)
    whole = import_file(single, owner, path)
    assert threads == [2]

    got, report = outcome(side, in_parts)
    want, want_report = outcome(single, whole)
    assert got == want and report == want_report
    # Both parts counted what they inserted into the score rollup, side by side, and nothing twice.
    assert rollups.differences(side) == [] and rollups.differences(single) == []
    assert in_parts.finished_at >= datetime(2026, 1, 1, tzinfo=UTC)
