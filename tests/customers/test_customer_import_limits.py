"""The accounts and persons import reads files as the feedback import does: in the encoding they were saved in,
within the same limits, naming the real line of every problem."""

import time
import tracemalloc
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from outsidein.customers.models import Account, Person


def upload(client, workspace, kind: str, name: str, content: bytes):
    """The upload, and then the page of its import job (which has run when the upload answers, in tests)."""
    return client.post(f"/w/{workspace.slug}/{kind}/import/",
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")}, follow=True)


WINDOWS_1252 = "name,segment,notes\r\nCafé Müller,Détail,“Key” account – 5 € a box\r\nBrasserie Ærø,Détail,\r\n"


def test_a_windows_1252_accounts_file_keeps_its_accents_on_the_page(owner_client, workspace):
    answer = upload(owner_client, workspace, "accounts", "accounts.csv", WINDOWS_1252.encode("cp1252"))
    assert answer.status_code == 200 and "2 created" in answer.content.decode()
    cafe = Account.objects.get(name="Café Müller")
    assert cafe.segment.name == "Détail" and cafe.notes == "“Key” account – 5 € a box"
    assert Account.objects.filter(name="Brasserie Ærø").exists()


def test_a_windows_1252_persons_file_keeps_its_accents_on_the_command_line(workspace, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes("name,email,title\nJosé Núñez,jose@example.com,Directeur général\n".encode("cp1252"))
    out = StringIO()
    call_command("import", "persons", str(path), workspace=workspace.slug, stdout=out, stderr=StringIO())
    assert "1 created" in out.getvalue()
    assert Person.objects.get().name == "José Núñez" and Person.objects.get().title == "Directeur général"


def test_a_header_with_200000_columns_is_refused_quickly(owner_client, workspace):
    content = (",".join(["name", *(f"c{i}" for i in range(199_999))]) + "\nGlobex\n").encode()
    tracemalloc.start()
    began = time.perf_counter()
    answer = upload(owner_client, workspace, "accounts", "wide.csv", content)
    seconds, peak = time.perf_counter() - began, tracemalloc.get_traced_memory()[1] / (1 << 20)
    tracemalloc.stop()
    assert answer.status_code == 422
    assert "The header names 200,000 columns; at most 1,000 are supported." in answer.content.decode()
    assert seconds < 2 and peak < 100, (seconds, peak)
    assert not Account.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(owner_client, workspace, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_UPLOAD_BYTES": 1 << 20}
    answer = upload(owner_client, workspace, "accounts", "big.csv", b"name\n" + b"Globex\n" * 200_000)
    assert answer.status_code == 422 and "at most 1.0 MB can be uploaded" in answer.content.decode()
    assert not Account.objects.exists()


def test_a_cell_beyond_the_read_limit_rejects_its_row_with_its_line(workspace, tmp_path, settings):
    settings.OUTSIDEIN_IMPORT_LIMITS = {**settings.OUTSIDEIN_IMPORT_LIMITS, "MAX_CELL_CHARS": 1_000}
    path = tmp_path / "accounts.csv"
    path.write_text(f'name,notes\nGlobex,"a\nb"\nInitech,{"x" * 5_000}\nHooli,\n')
    _, err = StringIO(), StringIO()
    call_command("import", "accounts", str(path), workspace=workspace.slug, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}:4: A cell of this row is longer than 1,000 characters, the most an imported file may hold in one "
        "cell."]
    assert sorted(Account.objects.values_list("name", flat=True)) == ["Globex", "Hooli"]


def test_a_bad_byte_is_named_with_its_line(workspace, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"name\nGlobex\nInitech\nCaf\x81\x8d\n")
    with pytest.raises(CommandError, match=r"not UTF-8 text: line 4 holds a byte \(0x81\)"):
        call_command("import", "accounts", str(path), workspace=workspace.slug, stdout=StringIO(),
                     stderr=StringIO())
    assert not Account.objects.exists()
