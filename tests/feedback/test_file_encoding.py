"""Feedback files in the encoding they were saved in: UTF-8 (with or without a BOM) as it is, Windows-1252 and other
encodings detected and read with their accents, and a file in no encoding refused naming the line of its first
bad byte, wherever it is. Each runs on SQLite and on PostgreSQL, where CSV files take the set-based reader."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from outsidein.feedback import imports, services
from outsidein.feedback.models import BatchStatus, FeedbackItem, ImportBatch

ACCENTED = ["Café crème: très bien", "Über-schnell geliefert", "It’s “fine”, I guess", "Costs 5 € too much"]


def url(workspace, path: str) -> str:
    return f"/w/{workspace.slug}/voice/{path}"


def cp1252_csv() -> bytes:
    rows = "".join(f"r{i},{9 - i},\"{text}\"\r\n" for i, text in enumerate(ACCENTED))
    return ("id,nps,comment\r\n" + rows).encode("cp1252")


def upload(owner_client, workspace, name: str, content: bytes) -> ImportBatch:
    answer = owner_client.post(url(workspace, "imports/"), {"file": SimpleUploadedFile(name, content),
                                                             "source_name": "Survey", "source": "survey"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def start(owner_client, workspace, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    answer = owner_client.post(url(workspace, f"imports/{batch.pk}/map/"), mapping)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    batch.refresh_from_db()
    return batch


def test_a_windows_1252_csv_is_detected_shown_and_imported_with_its_accents(owner_client, workspace, caplog):
    caplog.set_level("INFO", logger="outsidein.feedback.imports")
    batch = upload(owner_client, workspace, "survey.csv", cp1252_csv())
    assert batch.encoding == "cp1252"
    page = owner_client.get(batch.get_absolute_url()).content.decode()
    assert "Read as Windows-1252" in page
    assert "Café crème: très bien" in page and "It’s “fine”, I guess" in page  # the preview reads it too
    batch = start(owner_client, workspace, batch, {"col_0": "external_id", "col_1": "nps", "col_2": "text"})
    assert batch.status == BatchStatus.DONE, batch.error
    assert batch.rows_created == 4 and batch.rows_rejected == 0
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == sorted(ACCENTED)
    assert "row by row" not in caplog.text  # on PostgreSQL, the set-based reader decoded it
    assert "read as Windows-1252" in owner_client.get(batch.get_absolute_url()).content.decode()


def test_a_windows_1252_file_with_a_bad_row_reports_the_row_with_its_accents_and_first_line(owner_client, workspace):
    content = ('comment,nps\n"Très bien,\nmerci",9\n"Zu teuer – 12 €",11\nÇa va,7\n').encode("cp1252")
    batch = start(owner_client, workspace, upload(owner_client, workspace, "s.csv", content),
                  {"col_0": "text", "col_1": "nps"})
    assert (batch.rows_created, batch.rows_rejected) == (2, 1)
    with imports.media_path(batch.rejected_report).open(encoding="utf-8") as handle:
        report = handle.read().splitlines()
    # The first row spans lines 2 and 3, so the bad one starts on line 4.
    assert report[1].startswith("4,") and "Zu teuer – 12 €" in report[1]
    assert set(FeedbackItem.objects.values_list("text", flat=True)) == {"Très bien,\nmerci", "Ça va"}


def test_utf8_with_a_byte_order_mark_stays_utf8(owner_client, workspace):
    batch = upload(owner_client, workspace, "s.csv", "\ufeffcomment,nps\nCafé,9\n".encode())
    assert batch.encoding == "utf-8"
    assert "Read as UTF-8" in owner_client.get(batch.get_absolute_url()).content.decode()
    batch = start(owner_client, workspace, batch, {"col_0": "text", "col_1": "nps"})
    assert FeedbackItem.objects.get().text == "Café"


def test_cyrillic_text_in_windows_1251_is_read_as_windows_1251(workspace, owner):
    lines = ["Доставка пришла вовремя, спасибо большое", "Приложение работает очень медленно и часто падает",
             "Хорошее обслуживание, но цены слишком высокие", "Курьер был вежлив и помог занести коробки"]
    content = ("comment\n" + "".join(f'"{line}"\n' for line in lines)).encode("cp1251")
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("ru.csv", content), source_name="RU")
    assert batch.encoding == "cp1251"
    services.confirm_mapping(batch, {"comment": "text"}, ["comment"])
    services.start_import(batch)
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == sorted(lines)


def test_json_lines_in_windows_1252_are_read(workspace, owner):
    content = '{"comment": "Café", "nps": 9}\n{"comment": "5 € too dear", "nps": 4}\n'.encode("cp1252")
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("s.jsonl", content), source_name="J")
    services.start_import(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE, batch.error
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == ["5 € too dear", "Café"]


def test_the_command_line_reads_a_windows_1252_file(workspace, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(cp1252_csv())
    out = StringIO()
    call_command("import", "feedback", str(path), "--source", "Survey", "--no-progress", stdout=out,
                 stderr=StringIO())
    assert "4 created" in out.getvalue()
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == sorted(ACCENTED)
    assert ImportBatch.objects.get().encoding == "cp1252"


def far_bad_byte_file(good_lines: int) -> bytes:
    # A long UTF-8 file with a multibyte character on every line, so chunk ends cut characters, and one byte that
    # is neither UTF-8 nor Windows-1252 well past the first megabyte.
    body = "".join(f"Ligne numéro {i} — ça va\n" for i in range(good_lines)).encode()
    return b"comment\n" + body + b"broken \x81 here\n" + b"fine\n"


def imported(workspace, owner, name: str, content: bytes) -> ImportBatch:
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile(name, content), source_name="S")
    services.start_import(batch)
    batch.refresh_from_db()
    return batch


def test_a_bad_byte_beyond_the_first_chunk_is_named_on_its_own_line_by_the_import(workspace, owner):
    content = far_bad_byte_file(60_000)
    assert len(content) > 1 << 20  # the scan reads a megabyte at a time
    batch = imported(workspace, owner, "far.csv", content)
    assert batch.status == BatchStatus.FAILED
    # The lines before it are UTF-8 with accents, so the file mixes encodings: refused, not garbled.
    assert "UTF-8 text up to line 60002, which holds a byte (0x81)" in batch.error
    assert not FeedbackItem.objects.exists()


def test_the_mapping_page_names_the_line_of_the_bad_byte_too(owner_client, workspace):
    content = b"comment,nps\nGood,9\nCaf\x81\x8d was cold,3\n"
    batch = upload(owner_client, workspace, "bad.csv", content)
    answer = owner_client.get(batch.get_absolute_url())
    assert answer.status_code == 422
    assert "line 3 holds a byte (0x81)" in answer.content.decode()


def test_the_command_line_names_the_line_of_a_far_bad_byte(workspace, tmp_path):
    path = tmp_path / "far.csv"
    path.write_bytes(far_bad_byte_file(60_000))
    with pytest.raises(CommandError, match=r"line 60002, which holds a byte \(0x81\)"):
        call_command("import", "feedback", str(path), "--source", "F", "--no-progress", stdout=StringIO(),
                     stderr=StringIO())


def test_a_file_mixing_utf8_and_windows_1252_is_refused_rather_than_garbled(workspace, owner):
    content = "comment\nCafé in UTF-8\n".encode() + "Crème in Windows-1252\n".encode("cp1252")
    batch = imported(workspace, owner, "mixed.csv", content)
    assert batch.status == BatchStatus.FAILED
    assert "mixes encodings: it is UTF-8 text up to line 3, which holds a byte (0xE8)" in batch.error
    assert not FeedbackItem.objects.exists()
