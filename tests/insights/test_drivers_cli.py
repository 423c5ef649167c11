"""`outsidein drivers FILE.csv --outcome COL --drivers A,B,C [--json]`."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

# 80 survey responses (likelihood to recommend 0-10, five drivers rated 1-5, a few answers left blank);
# made up for these tests.
SURVEY = Path(__file__).parent / "data" / "driver_survey.csv"
DRIVERS = "ease_of_use,support,reliability,price,onboarding"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("drivers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_table_lists_every_driver_then_r2_and_act_first():
    out, _ = run(str(SURVEY), "--outcome", "likelihood_to_recommend", "--drivers", DRIVERS)

    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Driver"))
    assert header.split() == ["Driver", "Rel.", "weight", "Shapley", "Mean", "Top", "box", "Quadrant"]
    rows = lines[lines.index(header) + 2 : lines.index(header) + 7]
    assert [row.split()[0] for row in rows] == [
        "reliability",
        "ease_of_use",
        "onboarding",
        "price",
        "support",
    ]
    assert rows[0].split()[-2:] == ["act", "first"]
    assert "R² = 0.8029 from 76 complete responses (4 left out for missing answers)." in out
    assert lines[-1] == "Act first: reliability"


def test_json_has_exactly_the_published_shape():
    out, _ = run(str(SURVEY), "--outcome", "likelihood_to_recommend", "--drivers", DRIVERS, "--json")

    result = json.loads(out)
    assert set(result) == {"r2", "drivers", "act_first"}
    assert result["act_first"] == "reliability"
    assert result["r2"] == pytest.approx(0.8029, abs=1e-4)
    assert result["drivers"][0]["name"] == "reliability"
    for driver in result["drivers"]:
        assert set(driver) == {"name", "relative_weight", "shapley", "performance", "quadrant"}
    assert sum(d["shapley"] for d in result["drivers"]) == pytest.approx(result["r2"], abs=1e-12)
    assert sum(d["relative_weight"] for d in result["drivers"]) == pytest.approx(result["r2"], abs=1e-12)


def test_scale_option_sets_the_top_box(tmp_path):
    path = tmp_path / "survey.csv"
    rows = [f"{(i * 7) % 11},{1 + i % 5},{1 + (i * 3) % 5}" for i in range(40)]
    path.write_text("nps,speed,price\n" + "\n".join(rows) + "\n")

    out, _ = run(str(path), "--outcome", "nps", "--drivers", "speed,price", "--scale", "1-7")

    assert "on the 1-7 scale" in out
    assert all(row.split()[4] == "0%" for row in out.splitlines() if row.startswith(("speed", "price")))


def test_missing_column_is_named():
    with pytest.raises(CommandError, match=r"Column not found in .*: 'loyalty'"):
        run(str(SURVEY), "--outcome", "loyalty", "--drivers", DRIVERS)


def test_non_numeric_value_names_line_and_column(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps,speed,price\n9,4,5\n7,3,4\n8,4,cheap\n")

    with pytest.raises(CommandError, match="Line 4, column 'price': 'cheap' is not a number"):
        run(str(path), "--outcome", "nps", "--drivers", "speed,price")


def test_too_few_complete_rows(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps,speed,price\n9,4,5\n7,,4\n8,4,\n6,2,3\n")

    with pytest.raises(CommandError, match="Only 2 complete responses"):
        run(str(path), "--outcome", "nps", "--drivers", "speed,price")


def test_missing_file_and_bad_scale_are_explained(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nowhere.csv"), "--outcome", "nps", "--drivers", "a")
    with pytest.raises(CommandError, match="--scale must look like 1-5"):
        run(str(SURVEY), "--outcome", "likelihood_to_recommend", "--drivers", DRIVERS, "--scale", "five")


def test_file_that_is_not_utf8_is_explained(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("nps,qualité\n9,4\n".encode("utf-16"))

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(str(path), "--outcome", "nps", "--drivers", "qualité")


def test_warnings_go_to_stderr(tmp_path):
    path = tmp_path / "survey.csv"
    rows = [f"{(i * 7) % 11},{1 + i % 5},{1 + (i * 3) % 5}" for i in range(12)]
    path.write_text("nps,speed,price\n" + "\n".join(rows) + "\n")

    out, err = run(str(path), "--outcome", "nps", "--drivers", "speed,price", "--json")

    assert "Warning: Only 12 complete responses for 2 drivers" in err
    json.loads(out)
