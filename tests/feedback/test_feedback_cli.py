"""`outsidein import feedback FILE --source NAME`: imports with a progress bar, lists rejected rows, re-runs safely."""

import io

import pytest
from django.core.management import CommandError, call_command

from outsidein.feedback.models import ColumnMapping, FeedbackItem


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_feedback_reports_counts_rejections_and_shows_progress(workspace, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("Kommentar,Wert\nGut,9\nSchlecht,12\n", encoding="utf-8")
    out, err = run("feedback", str(path), "--source", "Umfrage", "--map", "Kommentar=text,Wert=nps")
    assert "1 created, 0 already there, 1 rejected" in out
    assert f"{path}:3: nps 12 is out of range" in err
    assert "Importing survey.csv" in err and "row" in err  # the tqdm bar
    assert FeedbackItem.objects.get().text == "Gut"
    # The mapping is remembered for the source: the next run needs no --map.
    assert ColumnMapping.objects.get(source_name="Umfrage").mapping == {"Kommentar": "text", "Wert": "nps"}
    out, _ = run("feedback", str(path), "--source", "Umfrage", "--no-progress")
    assert "0 created, 1 already there, 1 rejected" in out


def test_import_feedback_guesses_columns_by_name(workspace, tmp_path):
    path = tmp_path / "tickets.jsonl"
    path.write_text('{"id": "T1", "comment": "Label printer jams", "csat": 2}\n', encoding="utf-8")
    run("feedback", str(path), "--source", "Helpdesk", "--kind-of-source", "support_ticket", "--no-progress")
    item = FeedbackItem.objects.get()
    assert (item.external_id, item.text, item.csat, item.source) == ("T1", "Label printer jams", 2, "support_ticket")


def test_import_feedback_refuses_a_file_in_no_encoding_it_could_be_in(workspace, tmp_path):
    path = tmp_path / "garbled.csv"
    path.write_bytes(b"comment\nCaf\x81\x8d\n")  # neither UTF-8 nor Windows-1252
    with pytest.raises(CommandError, match=r"not UTF-8.*line 2"):
        run("feedback", str(path), "--source", "S", "--no-progress")


def test_import_feedback_needs_a_source(workspace, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("comment\nHi\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--source"):
        run("feedback", str(path))


def test_accounts_still_import(workspace, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("name,external_id\nAcme,CRM-1\n", encoding="utf-8")
    out, _ = run("accounts", str(path))
    assert "1 created" in out
