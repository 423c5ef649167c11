"""CSV import of accounts and persons, from the command line and the page: every rejected row is reported
with its line and reason, the good rows are saved, and running the same file again changes nothing."""

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from outsidein.customers.models import Account, Person, Segment

DATA = Path(__file__).parent / "data"
ACCOUNTS = DATA / "accounts.csv"
PERSONS = DATA / "persons.csv"

ACCOUNT_REJECTIONS = {
    3: "name is empty",
    4: "annual_revenue “lots” is not a number",
    5: "tier “platinum” is not one of",
    6: "account_manager “nobody@example.com” is not a member",
    7: "annual_revenue “-10” is negative",
    10: "website",
}
PERSON_REJECTIONS = {
    4: "account “CRM-404” does not exist",
    5: "role “overlord” is not one of",
    6: "name is empty",
    7: "email",
    8: "account “No Such Account” does not exist",
}


def run_import(kind: str, path: Path, workspace) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", kind, str(path), workspace=workspace.slug, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected_lines(stderr: str, path: Path) -> dict[int, str]:
    found = {}
    for line in stderr.splitlines():
        match = re.match(rf"{re.escape(str(path))}:(\d+): (.*)", line)
        assert match, f"unexpected output: {line}"
        found[int(match[1])] = match[2]
    return found


def assert_rejections(found: dict[int, str], expected: dict[int, str]) -> None:
    assert sorted(found) == sorted(expected)
    for line, reason in expected.items():
        assert reason in found[line], (line, found[line])


@pytest.fixture
def imported_accounts(workspace, member):
    return run_import("accounts", ACCOUNTS, workspace)


def test_accounts_command_saves_good_rows_and_reports_each_rejected_one(workspace, member, imported_accounts):
    out, err = imported_accounts
    assert_rejections(rejected_lines(err, ACCOUNTS), ACCOUNT_REJECTIONS)
    assert "3 created, 0 updated, 0 unchanged, 6 rejected" in out

    accounts = {a.name: a for a in Account.objects.filter(workspace=workspace)}
    assert set(accounts) == {"Globex", "Soylent", "Acme Corp"}
    globex = accounts["Globex"]
    assert globex.annual_revenue == Decimal("1200000")
    assert globex.tier == "strategic"
    assert globex.account_manager == member
    assert globex.segment.name == "Enterprise"
    assert globex.external_id == "CRM-1"
    assert accounts["Soylent"].notes.splitlines() == ["Two lines", "of notes"]
    # A rejected row leaves nothing behind, not even the segment it named.
    assert set(Segment.objects.filter(workspace=workspace).values_list("name", flat=True)) == {
        "Enterprise", "Retail", "Independent"}


def test_running_the_same_accounts_file_again_creates_no_duplicates(workspace, member, imported_accounts):
    before = Account.objects.count(), Segment.objects.count()
    out, err = run_import("accounts", ACCOUNTS, workspace)
    assert (Account.objects.count(), Segment.objects.count()) == before
    assert "0 created, 0 updated, 3 unchanged, 6 rejected" in out
    assert_rejections(rejected_lines(err, ACCOUNTS), ACCOUNT_REJECTIONS)


def test_a_changed_row_updates_the_account_it_matches(workspace, member, imported_accounts, tmp_path):
    changed = tmp_path / "changed.csv"
    changed.write_text("external_id,name,annual_revenue\nCRM-1,Globex Corporation,1300000\n,Acme Corp,400\n")
    out, err = run_import("accounts", changed, workspace)
    assert "0 created, 2 updated" in out and not err
    globex = Account.objects.get(external_id="CRM-1")
    assert (globex.name, globex.annual_revenue) == ("Globex Corporation", Decimal("1300000"))
    assert Account.objects.get(name="Acme Corp").annual_revenue == Decimal("400")
    assert Account.objects.count() == 3


def test_persons_command(workspace, member, imported_accounts):
    out, err = run_import("persons", PERSONS, workspace)
    assert_rejections(rejected_lines(err, PERSONS), PERSON_REJECTIONS)
    assert "3 created, 0 updated, 0 unchanged, 5 rejected" in out
    persons = {p.name: p for p in Person.objects.filter(workspace=workspace).select_related("account")}
    assert set(persons) == {"Hank Scorpio", "Milton", "Internal Irene"}
    assert persons["Hank Scorpio"].account.name == "Globex"
    assert persons["Hank Scorpio"].role == "buyer"
    assert persons["Milton"].account.name == "Acme Corp"
    assert persons["Milton"].role == "end_user"
    assert persons["Internal Irene"].role == "internal"
    assert persons["Internal Irene"].account is None

    again, _ = run_import("persons", PERSONS, workspace)
    assert "0 created, 0 updated, 3 unchanged, 5 rejected" in again
    assert Person.objects.count() == 3


def test_imports_go_only_into_the_named_workspace(workspace, member, other_workspace, imported_accounts):
    run_import("accounts", ACCOUNTS, other_workspace)
    assert Account.objects.filter(workspace=other_workspace).count() == 2  # no member there to manage Globex
    assert Account.objects.filter(workspace=workspace).count() == 3


@pytest.mark.parametrize(("content", "message"), [
    (b"name,segment\nCaf\x81\x8d,Retail\n", "not UTF-8"),  # neither UTF-8 nor Windows-1252
    (b"", "empty"),
    (b"external_id,company,segment\nX-1,Globex,Retail\n", "Missing required column(s): name"),
])
def test_unreadable_files_give_a_clear_error(workspace, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(message)):
        run_import("accounts", path, workspace)
    assert not Account.objects.exists()


def test_line_numbers_count_blank_lines_and_values_over_several_lines(workspace, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text('name,tier,notes\n\nGlobex,key,"one\ntwo\nthree"\n\n\nInitech,gold,\n"Hooli",,"x\ny"\n,key,\n')
    _, err = run_import("accounts", path, workspace)
    found = rejected_lines(err, path)
    assert sorted(found) == [8, 11]
    assert "gold" in found[8] and "name is empty" in found[11]


def test_missing_file_gives_a_clear_error(workspace, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import("accounts", tmp_path / "nowhere.csv", workspace)


def test_spreadsheet_exports_with_a_bom_and_spaced_headers_are_read(workspace, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffName,Annual Revenue,Tier\r\nGlobex,100,Key\r\n".encode())
    out, err = run_import("accounts", path, workspace)
    assert "1 created" in out and not err
    assert Account.objects.get().annual_revenue == Decimal("100")


# --- the page -------------------------------------------------------------------------------------

def upload(client, workspace, kind: str, name: str, content: bytes):
    """The upload, and then the page of its import job (which has run when the upload answers, in tests)."""
    return client.post(f"/w/{workspace.slug}/{kind}/import/",
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")}, follow=True)


def page_rejections(html: str) -> dict[int, str]:
    report = html[html.index('id="import-report"'):]
    return {int(line): reason for line, reason in re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", report)}


def test_import_page_reports_rejected_rows_and_saves_the_rest(owner_client, workspace, member):
    response = upload(owner_client, workspace, "accounts", "accounts.csv", ACCOUNTS.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 created, 0 updated, 0 unchanged, 6 rejected" in html
    found = {line: reason.replace("&quot;", '"') for line, reason in page_rejections(html).items()}
    assert_rejections(found, ACCOUNT_REJECTIONS)
    assert Account.objects.filter(workspace=workspace).count() == 3

    again = upload(owner_client, workspace, "accounts", "accounts.csv", ACCOUNTS.read_bytes()).content.decode()
    assert "0 created, 0 updated, 3 unchanged, 6 rejected" in again
    assert Account.objects.filter(workspace=workspace).count() == 3

    persons = upload(owner_client, workspace, "persons", "persons.csv", PERSONS.read_bytes()).content.decode()
    assert "3 created" in persons
    assert sorted(page_rejections(persons)) == sorted(PERSON_REJECTIONS)


@pytest.mark.parametrize(("content", "message"), [
    (b"name\nCaf\x81\x8d\n", "not UTF-8"),  # neither UTF-8 nor Windows-1252
    (b"", "empty"),
    (b"company\nGlobex\n", "Missing required column(s): name"),
])
def test_import_page_explains_an_unreadable_file(owner_client, workspace, content, message):
    response = upload(owner_client, workspace, "accounts", "bad.csv", content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Account.objects.exists()


def test_import_page_without_a_file_shows_the_field_error(owner_client, workspace):
    response = owner_client.post(f"/w/{workspace.slug}/accounts/import/", {})
    assert response.status_code == 422
    assert re.search(r'id="field-file".*?errorlist', response.content.decode(), re.S)


def test_the_import_runs_as_a_job_whose_page_shows_its_progress_and_then_its_outcome(owner_client, workspace, member):
    from outsidein.customers.models import AccountImport

    response = upload(owner_client, workspace, "accounts", "accounts.csv", ACCOUNTS.read_bytes())
    job = AccountImport.objects.get(workspace=workspace)
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert (job.status, job.rows_created, job.rows_rejected) == ("done", 3, 6)

    waiting = AccountImport.objects.create(workspace=workspace, kind="persons", file_name="persons.csv",
                                           stored_file=str(PERSONS))
    html = owner_client.get(waiting.get_absolute_url()).content.decode()
    assert "Waiting for a worker" in html and 'hx-trigger="every 1s"' in html and 'id="import-report"' not in html
    waiting.status, waiting.rows_done, waiting.rows_total = "running", 4, 8
    waiting.save()
    html = owner_client.get(f"{waiting.get_absolute_url()}progress/").content.decode()
    assert "4 of about 8 rows done (50%)" in html and "hx-get" in html
