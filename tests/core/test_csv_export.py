"""`outsidein export`: what a spreadsheet opens must never run a formula it was handed."""

import csv
from io import StringIO

import factories
import pytest
from django.core.management import CommandError, call_command

from outsidein.conversations import services as conversation_services
from outsidein.core.exports import safe_cell

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+2", "-3+4", "@SUM(A1:A2)"]


def export(kind: str, workspace, tmp_path) -> list[list[str]]:
    path = tmp_path / f"{kind}.csv"
    err = StringIO()
    call_command("export", kind, workspace=workspace.slug, out=path, stderr=err)
    assert f"to {path}" in err.getvalue()
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_formula_like_cells_are_neutralised(workspace, owner, tmp_path):
    for index, text in enumerate(FORMULAS):
        factories.account(workspace, text, notes=text, external_id=f"X-{index}")
    rows = export("accounts", workspace, tmp_path)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "external_id", "name"]
    names = sorted(row[header.index("name")] for row in body)
    assert names == sorted("'" + text for text in FORMULAS)
    assert all(row[header.index("notes")].startswith("'") for row in body)


@pytest.mark.parametrize("text", [" =1+1", "\n=HYPERLINK(\"http://evil.example\")", "  \r\n+2", "\u00a0@SUM(A1)"])
def test_a_formula_behind_blanks_or_line_breaks_is_neutralised(workspace, tmp_path, text):
    factories.account(workspace, "Globex", notes=text)
    rows = export("accounts", workspace, tmp_path)
    assert rows[1][rows[0].index("notes")] == "'" + text


def test_plain_values_are_left_alone(workspace, tmp_path):
    factories.account(workspace, "Globex", annual_revenue=-0, notes="a = b")
    rows = export("accounts", workspace, tmp_path)
    assert rows[1][rows[0].index("name")] == "Globex"
    assert rows[1][rows[0].index("notes")] == "a = b"
    assert safe_cell(-5) == -5
    assert safe_cell(None) == ""
    assert safe_cell("  plain words") == "  plain words"


def test_every_export_neutralises_formulas(workspace, owner, tmp_path):
    account = factories.account(workspace, "=cmd|' /C calc'!A0")
    person = factories.person(workspace, "@Hank", account=account)
    conversation_services.save_conversation(
        workspace, owner, {"kind": "coffee", "account": account, "notes": "-bad idea"}, persons=[person],
        highlights=[{"kind": "quote", "text": "+it works", "person": person}])
    for kind in ["accounts", "persons", "conversations", "highlights"]:
        cells = [cell for row in export(kind, workspace, tmp_path)[1:] for cell in row]
        assert cells, kind
        dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert not dangerous, (kind, dangerous)


def test_export_to_standard_output(workspace, capsys):
    factories.account(workspace, "Globex")
    call_command("export", "accounts", workspace=workspace.slug)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,external_id,name")
    assert "Globex" in lines[1]


def test_export_needs_a_workspace_when_there_are_several(workspace, other_workspace, tmp_path):
    with pytest.raises(CommandError, match="--workspace"):
        call_command("export", "accounts", out=tmp_path / "x.csv")
    with pytest.raises(CommandError, match="No workspace"):
        call_command("export", "accounts", workspace="nope", out=tmp_path / "x.csv")
