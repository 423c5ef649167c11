"""Stage gates edited as rows: the defaults read back as rows and make the same criteria, rows that make no
criterion are refused next to the row, and the preview says who would pass before anything is saved."""

import html
import re

import pytest
from django.urls import reverse

from outsidein.initiatives import gate_rows, gates, services
from outsidein.initiatives.models import GateSettings


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def posted(rows: list[gate_rows.Row], **extra) -> dict[str, object]:
    """The rows as the page's form posts them (two empty rows after them, as the page shows)."""
    data: dict[str, object] = {"rows-TOTAL_FORMS": len(rows) + 2, "rows-INITIAL_FORMS": len(rows),
                               "rows-MIN_NUM_FORMS": 0, "rows-MAX_NUM_FORMS": 60, **extra}
    for i, row in enumerate(rows):
        for name, value in vars(row).items():
            if value is None or value is False:
                continue
            data[f"rows-{i}-{name}"] = "on" if value is True else value
    return data


def test_the_defaults_read_as_rows_make_the_same_criteria():
    rows = gate_rows.rows_from_criteria(gates.DEFAULT_CRITERIA)
    assert [(r.stage, r.measure, r.threshold, r.either) for r in rows if r.stage == "go_to_market"] == [
        ("go_to_market", "count:priced_tests", 1, False), ("go_to_market", "flag:buying_committee_mapped", None, True)]
    again = gates.criteria_from_json(gate_rows.criteria_from_rows(rows))
    assert gates.criteria_to_json(again) == gates.criteria_to_json(gates.DEFAULT_CRITERIA)


def test_a_row_joined_to_nothing_above_is_refused_naming_the_row():
    rows = [gate_rows.Row("solution", "count:do_evidence", 2),
            gate_rows.Row("pain", "count:first_hand_conversations", 3, either=True)]
    with pytest.raises(gate_rows.RowError) as refused:
        gate_rows.criteria_from_rows(rows)
    assert refused.value.index == 1 and "row above it at the same stage" in str(refused.value)


def test_new_rows_get_names_of_their_own():
    made = gate_rows.criteria_from_rows([gate_rows.Row("pain", "count:first_hand_conversations", 3),
                                         gate_rows.Row("pain", "count:first_hand_conversations", 5)])
    assert [r["name"] for r in made["pain"]] == ["first_hand_conversations", "first_hand_conversations_2"]
    assert made["solution"] == []  # a stage the rows leave empty has no criteria


def test_the_page_edits_a_threshold_previews_then_saves(owner_client, workspace, owner):
    initiative = services.save_initiative(workspace, owner, {"name": "Live load tracking",
                                                             "pain_statement": "Late loads"})
    page_url = reverse("gate-settings", kwargs={"ws": workspace.slug})
    page = text_of(owner_client.get(page_url))
    assert "To leave Measure At least" in page and "Live load tracking Nail the pain not yet: 2 unmet" in page

    # No criteria to leave the first stage: the preview says the initiative would move on, nothing is saved.
    rows = [r for r in gate_rows.rows_from_criteria(gates.DEFAULT_CRITERIA) if r.stage != "pain"]
    preview = owner_client.post(page_url, posted(rows, preview="1"))
    assert preview.status_code == 200 and "Who would pass with these rows" in text_of(preview)
    assert "Live load tracking Nail the pain not yet: 2 unmet may move on" in text_of(preview)
    assert not GateSettings.objects.exists()

    # A threshold changed: saved, and read back on the page.
    rows[0].threshold = 4
    saved = owner_client.post(page_url, posted(rows), follow=True)
    assert "Saved the stage gates." in text_of(saved)
    assert "At least 4 reactions to a prototype" in text_of(saved)
    stored = GateSettings.objects.get(workspace=workspace).criteria
    assert stored["pain"] == [] and stored["solution"][0] == {
        "kind": "at_least", "name": "prototype_reactions", "fact": "prototype_reactions", "minimum": 4, "label": ""}
    initiative.refresh_from_db()


def test_bad_rows_answer_422_next_to_the_row_and_save_nothing(owner_client, workspace):
    page_url = reverse("gate-settings", kwargs={"ws": workspace.slug})
    rows = [gate_rows.Row("pain", "count:first_hand_conversations", None),
            gate_rows.Row("pain", "count:do_evidence", 1, per_segment=2)]
    refused = owner_client.post(page_url, posted(rows))
    assert refused.status_code == 422
    assert "How many are needed? A whole number, 0 or more." in text_of(refused)
    assert "Only a measure of segments counts per segment" in text_of(refused)
    joined = owner_client.post(page_url, posted([gate_rows.Row("pain", "count:do_evidence", 1, either=True)]))
    assert joined.status_code == 422 and "Row 1: “Or the row above” needs a row above it" in text_of(joined)
    assert not GateSettings.objects.exists()


def test_a_member_reads_the_gates_but_cannot_post_rows(member_client, workspace):
    member = member_client
    page_url = reverse("gate-settings", kwargs={"ws": workspace.slug})
    assert "The workspace's owners can change these criteria." in text_of(member.get(page_url))
    assert member.post(page_url, posted([])).status_code == 403
    assert not GateSettings.objects.exists()
