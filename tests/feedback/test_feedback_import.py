"""Feedback imports: every rejected row named with its line and reason, good rows kept, re-runs idempotent."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from outsidein.core import services as core_services
from outsidein.customers.models import Account, Person
from outsidein.feedback import imports, services
from outsidein.feedback.exports import export_feedback
from outsidein.feedback.models import BatchStatus, ColumnMapping, FeedbackItem

HEADER = "id,date,account,email,nps,csat,driver_support,comment\n"


def run(workspace, owner, name: str, content: bytes, source_name: str = "Q3 survey", mapping=None):
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile(name, content),
                                          source_name=source_name)
    if mapping is not None:
        batch.mapping = mapping
        batch.save()
    services.start_import(batch)
    batch.refresh_from_db()
    return batch


def rejected_rows(batch) -> list[dict]:
    if not batch.rejected_report:
        return []
    with imports.media_path(batch.rejected_report).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def acme(workspace):
    account = core_services.create_owned(Account, workspace, {"name": "Acme Freight", "external_id": "CRM-1"})
    core_services.create_owned(Person, workspace, {"name": "Ann Buyer", "email": "ann@acme.example",
                                                   "account": account})
    return account


def test_good_rows_are_imported_with_account_person_scores_drivers_and_sentiment(workspace, owner, acme):
    content = (HEADER + "r1,2026-05-02,CRM-1,,9,5,4.5,Tracking is great and fast\n"
               "r2,2026-05-03 14:30,,ann@acme.example,3,2,1,Invoices are wrong every month. Terrible.\n").encode()
    batch = run(workspace, owner, "survey.csv", content)
    assert batch.status == BatchStatus.DONE
    assert (batch.rows_created, batch.rows_duplicate, batch.rows_rejected, batch.rows_done) == (2, 0, 0, 2)
    first, second = FeedbackItem.objects.filter(workspace=workspace).order_by("external_id")
    assert first.account == acme and first.nps == 9 and first.csat == 5
    assert first.driver_ratings == {"support": 4.5}
    assert second.person.email == "ann@acme.example" and second.account == acme  # account from the person
    assert second.received_at.hour == 14
    assert first.sentiment > 0.3 and second.sentiment < -0.3


def test_rerunning_the_same_file_creates_no_duplicates(workspace, owner, acme):
    with_ids = (HEADER + "r1,2026-05-02,CRM-1,,9,5,4,Great\nr2,2026-05-02,CRM-1,,6,3,2,Slow\n").encode()
    without_ids = b"comment,nps\nGood service,9\nBad app,2\nGood service,9\n"
    run(workspace, owner, "a.csv", with_ids)
    run(workspace, owner, "b.csv", without_ids, source_name="Reviews")
    again = run(workspace, owner, "a.csv", with_ids)
    again_b = run(workspace, owner, "b.csv", without_ids, source_name="Reviews")
    assert (again.rows_created, again.rows_duplicate) == (0, 2)
    # The third line repeats the first, so it is a duplicate within the file as well.
    assert (again_b.rows_created, again_b.rows_duplicate) == (0, 3)
    assert FeedbackItem.objects.filter(workspace=workspace).count() == 4


def test_a_file_in_no_encoding_it_could_be_in_is_refused_naming_the_line(workspace, owner):
    # 0x81 and 0x8D are neither UTF-8 nor Windows-1252 (a Windows-1252 file is read: test_file_encoding.py).
    content = b"comment,nps\nGood,9\nCaf\x81\x8d was cold,3\n"
    batch = run(workspace, owner, "latin.csv", content)
    assert batch.status == BatchStatus.FAILED
    assert "not UTF-8" in batch.error and "line 3" in batch.error and "CSV UTF-8" in batch.error
    assert not FeedbackItem.objects.exists()


def test_a_mapped_column_missing_from_the_file_is_named(workspace, owner):
    batch = run(workspace, owner, "s.csv", b"comment,score\nGood,9\n", mapping={"comment": "text", "nps": "nps"})
    assert batch.status == BatchStatus.FAILED
    assert "Missing required column" in batch.error and "“nps”" in batch.error


def test_a_file_with_nothing_to_import_names_what_is_needed(workspace, owner):
    batch = run(workspace, owner, "s.csv", b"name,city\nAnn,Berlin\n")
    assert batch.status == BatchStatus.FAILED
    assert "Missing required column" in batch.error and "text column" in batch.error


def test_score_out_of_range_names_the_field_and_value_and_keeps_the_other_rows(workspace, owner):
    content = b"comment,nps,csat\nFine,9,4\nToo high,11,4\nBad csat,5,0\nNot a number,x,3\n"
    batch = run(workspace, owner, "s.csv", content)
    assert batch.status == BatchStatus.DONE and batch.rows_created == 1 and batch.rows_rejected == 3
    rows = rejected_rows(batch)
    assert [(r["line"], r["reason"]) for r in rows] == [
        ("3", "nps 11 is out of range: nps runs from 0 to 10."),
        ("4", "csat 0 is out of range: csat runs from 1 to 5."),
        ("5", "nps “x” is not a number."),
    ]
    assert rows[0]["comment"] == "Too high"


def test_a_bad_date_is_rejected_with_its_value(workspace, owner):
    batch = run(workspace, owner, "s.csv", b"date,comment\n2026-13-45,Hello there\n2026-01-05,Fine\n")
    (row,) = rejected_rows(batch)
    assert row["line"] == "2" and "received_at “2026-13-45” is not a date" in row["reason"]
    assert batch.rows_created == 1


def test_an_empty_file_is_refused(workspace, owner):
    assert "empty" in run(workspace, owner, "e.csv", b"").error
    header_only = run(workspace, owner, "h.csv", b"comment,nps\n")
    assert header_only.status == BatchStatus.FAILED and "no rows" in header_only.error


def test_a_ten_megabyte_cell_rejects_only_its_row(workspace, owner):
    huge = "x" * (10 * 1024 * 1024)
    content = f"comment,nps\nBefore,9\n{huge},5\nAfter,7\n".encode()
    batch = run(workspace, owner, "big.csv", content)
    assert batch.rows_created == 2 and batch.rows_rejected == 1
    (row,) = rejected_rows(batch)
    assert row["line"] == "3" and "comment holds 10,485,760 characters" in row["reason"]
    assert len(row["comment"]) < 3_000  # the report does not copy the 10 MB back


def test_formula_like_cells_are_stored_as_text_and_neutralised_on_export(workspace, owner):
    content = b'comment,nps\n=HYPERLINK("http://evil.example"),9\n+1+2,8\n-3,7\n@SUM(A1),6\n'
    run(workspace, owner, "f.csv", content)
    texts = set(FeedbackItem.objects.values_list("text", flat=True))
    assert '=HYPERLINK("http://evil.example")' in texts and "@SUM(A1)" in texts
    exported = list(export_feedback(workspace))
    text_index = exported[0].index("text")
    cells = {row[text_index] for row in exported[1:]}
    assert cells == {"'=HYPERLINK(\"http://evil.example\")", "'+1+2", "'-3", "'@SUM(A1)"}


def test_xlsx_files_are_read_with_dates_and_numbers(workspace, owner, acme):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Response ID", "Date", "Account", "NPS", "Comment"])
    sheet.append(["x1", datetime(2026, 4, 1, 9, 30), "Acme Freight", 10, "Love the tracking"])
    sheet.append(["x2", datetime(2026, 4, 2), "CRM-1", 12, "Out of range"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = {"Response ID": "external_id", "Date": "received_at", "Account": "account", "NPS": "nps",
               "Comment": "text"}
    batch = run(workspace, owner, "survey.xlsx", buffer.getvalue(), mapping=mapping)
    assert batch.rows_created == 1 and batch.rows_rejected == 1
    item = FeedbackItem.objects.get()
    assert item.account == acme and item.nps == 10 and item.received_at.day == 1
    assert rejected_rows(batch)[0]["line"] == "3"


def test_json_lines_with_nested_driver_ratings(workspace, owner):
    lines = [
        {"id": "j1", "text": "Support answered quickly", "nps": 9, "drivers": {"support": 5, "price": 3}},
        "not json",
        {"id": "j2", "text": "", "csat": 4},
    ]
    content = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines).encode()
    batch = run(workspace, owner, "feed.jsonl", content)
    assert batch.rows_created == 2 and batch.rows_rejected == 1
    assert rejected_rows(batch)[0]["line"] == "2"
    item = FeedbackItem.objects.get(external_id="j1")
    assert item.driver_ratings == {"support": 5.0, "price": 3.0}


def test_unknown_account_is_rejected_and_a_rerun_after_importing_it_picks_the_row_up(workspace, owner):
    content = b"id,account,nps\nr1,CRM-77,9\n"
    first = run(workspace, owner, "s.csv", content)
    assert "account “CRM-77” matches no account" in rejected_rows(first)[0]["reason"]
    core_services.create_owned(Account, workspace, {"name": "Late", "external_id": "CRM-77"})
    assert run(workspace, owner, "s.csv", content).rows_created == 1


def test_the_mapping_is_saved_per_source_for_next_time(workspace, owner):
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("s.csv", b"Kommentar,Wert\nGut,9\n"),
                                          source_name="German survey")
    columns, _ = imports.FeedbackFile(imports.media_path(batch.stored_file), "csv").preview()
    services.confirm_mapping(batch, {"Kommentar": "text", "Wert": "nps"}, columns)
    assert services.saved_mapping(workspace, "German survey") == {"Kommentar": "text", "Wert": "nps"}
    assert ColumnMapping.objects.filter(workspace=workspace).count() == 1
    services.start_import(batch)
    assert FeedbackItem.objects.get().nps == 9


def test_progress_is_recorded_on_the_batch(workspace, owner):
    rows = "".join(f"Comment number {i},{i % 11}\n" for i in range(2_500))
    batch = run(workspace, owner, "many.csv", ("comment,nps\n" + rows).encode())
    assert (batch.rows_done, batch.rows_total, batch.rows_created, batch.percent) == (2_500, 2_500, 2_500, 100)
    assert batch.started_at and batch.finished_at


def test_items_of_another_workspace_are_never_matched(workspace, owner, other_workspace):
    core_services.create_owned(Account, other_workspace, {"name": "Theirs", "external_id": "CRM-9"})
    batch = run(workspace, owner, "s.csv", b"account,nps\nCRM-9,9\n")
    assert batch.rows_rejected == 1 and not FeedbackItem.objects.exists()


def test_local_file_import_reads_in_place(workspace, owner, tmp_path: Path):
    path = tmp_path / "local.csv"
    path.write_text("comment,nps\nFine,8\n", encoding="utf-8")
    batch = services.batch_for_local_file(workspace, owner, path, source_name="CLI")
    batch = imports.run_import(batch)
    assert batch.rows_created == 1 and batch.stored_file == str(path.resolve())


# The worker closes its database connection when it is done, as a long-running process should, so this test
# runs outside the usual test transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_import_waits_for_a_worker(workspace, owner, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("q.csv", b"comment,nps\nQueued,8\n"),
                                          source_name="Queue")
    services.start_import(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and not FeedbackItem.objects.exists()
    call_command("worker", "--batch", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and FeedbackItem.objects.get().text == "Queued"


def test_columns_named_after_survey_questions_are_guessed():
    columns = ["Response ID", "Date submitted", "How likely are you to recommend us?", "Overall, how satisfied are you?",
               "How much effort did it take?", "Why did you give that score?", "Respondent e-mail", "Services rating"]
    assert imports.guess_mapping(columns) == {
        "Response ID": "external_id", "Date submitted": "received_at", "How likely are you to recommend us?": "nps",
        "Overall, how satisfied are you?": "csat", "How much effort did it take?": "ces",
        "Why did you give that score?": "text", "Respondent e-mail": "person_email",
    }
