"""`outsidein coach [--json] [FILE|-]`: questions from a file or standard input, text or JSON out."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

QUESTIONS = "Do you like our dashboard?\nTell me about the last time you used the dashboard.\n"


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("coach", *args, **kwargs)
    return out.getvalue(), err.getvalue()


def test_json_from_a_file(tmp_path):
    path = tmp_path / "guide.txt"
    path.write_text(QUESTIONS, encoding="utf-8")
    out, _ = run("--json", str(path))
    data = json.loads(out)
    assert [d["question"] for d in data] == ["Do you like our dashboard?",
                                            "Tell me about the last time you used the dashboard."]
    assert [d["ok"] for d in data] == [False, True]
    first = data[0]
    assert set(first) == {"question", "ok", "findings"}
    assert {f["rule"] for f in first["findings"]} == {"closed", "opinion"}
    for finding in first["findings"]:
        assert set(finding) == {"rule", "message", "suggestion"}
        assert "dashboard" in finding["suggestion"]
    assert data[1]["findings"] == []


@pytest.mark.parametrize("args", [("--json",), ("--json", "-")])
def test_json_from_standard_input(args):
    out, _ = run(*args, stdin="How much would you pay for this?\n")
    data = json.loads(out)
    assert len(data) == 1
    assert {"pricing", "hypothetical"} <= {f["rule"] for f in data[0]["findings"]}


def test_text_output_says_ok_or_not_with_findings_and_rewrites():
    out, _ = run("-", stdin=QUESTIONS)
    lines = out.splitlines()
    assert lines[0].startswith("1. not ok") and "Do you like our dashboard?" in lines[0]
    assert any(line.strip().startswith("- closed:") for line in lines)
    assert any(line.strip().startswith("Try: Tell me about the last time") for line in lines)
    assert any(line.startswith("2. ok") for line in lines)
    assert lines[-1] == "1 of 2 questions ok (50%)."


def test_blank_and_statement_lines_get_clear_findings():
    out, _ = run("--json", stdin="What happened next?\n\n   \nOur dashboard is great.\n")
    data = json.loads(out)
    assert [d["ok"] for d in data] == [True, False, False, False]
    assert [f["rule"] for f in data[1]["findings"]] == ["empty"]
    assert [f["rule"] for f in data[2]["findings"]] == ["empty"]
    assert data[3]["findings"][0]["rule"] == "not_a_question"


def test_skip_empty_leaves_blank_lines_out_with_a_note():
    out, err = run("--json", "--skip-empty", stdin="What happened next?\n\n\nWhy?\n")
    assert [d["question"] for d in json.loads(out)] == ["What happened next?", "Why?"]
    assert "Skipped 2 blank lines" in err


def test_empty_input_gives_an_empty_list():
    out, _ = run("--json", stdin="")
    assert json.loads(out) == []
    out, _ = run(stdin="")
    assert "No questions" in out


def test_windows_line_endings_and_byte_order_mark(tmp_path):
    path = tmp_path / "guide.txt"
    path.write_bytes("\ufeffWhat happened next?\r\nWould you buy it?\r\n".encode())
    data = json.loads(run("--json", str(path))[0])
    assert [d["question"] for d in data] == ["What happened next?", "Would you buy it?"]


def test_missing_file_is_a_clear_error_naming_it(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(CommandError, match=r"Cannot read .*nope\.txt: no such file"):
        run(str(missing))


def test_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is a directory"):
        run(str(tmp_path))


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "guide.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(CommandError, match=r"guide\.xlsx: it is not UTF-8 text"):
        run(str(path))


def test_unreadable_file_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("What happened?\n")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(CommandError, match=r"Cannot read .*secret\.txt: Permission denied"):
        run(str(path))


def test_the_outsidein_command_reads_standard_input():
    # The installed entry point dispatches to the management command; run it as a user would.
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = subprocess.run([sys.executable, "-m", "outsidein", "coach", "--json"], input="Would you use it?\n",
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data[0]["question"] == "Would you use it?"
    assert {"closed", "hypothetical"} <= {f["rule"] for f in data[0]["findings"]}
