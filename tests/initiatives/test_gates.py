"""Stage-gate criteria: each default met and not met, edited thresholds, JSON round trips."""

import json

import pytest

from outsidein.initiatives.gates import (
    DEFAULT_CRITERIA,
    STAGE_KEYS,
    AtLeast,
    InitiativeFacts,
    check_exit,
    criteria_from_json,
    criteria_to_json,
    next_stage,
    stage_label,
    with_threshold,
)

READY = {
    "pain": InitiativeFacts(
        pain_conversations_by_segment={"Retail": 3, "Health": 1},
        validated_assumptions_by_type={"desirability": 1},
    ),
    "solution": InitiativeFacts(prototype_reactions=4, do_evidence=1),
    "go_to_market": InitiativeFacts(priced_tests=1),
    "business_model": InitiativeFacts(validated_assumptions_by_topic={"usage": 1, "revenue": 2, "cost": 1}),
}


def result(check, name):
    return next(r for r in check.results if r.name == name)


def test_five_stages_in_order_with_labels():
    assert STAGE_KEYS == ("pain", "solution", "go_to_market", "business_model", "scale")
    assert stage_label("go_to_market") == "Nail the go-to-market"
    assert next_stage("pain") == "solution"
    assert next_stage("scale") is None


@pytest.mark.parametrize("stage", ["pain", "solution", "go_to_market", "business_model"])
def test_each_stage_opens_when_its_evidence_is_there(stage):
    check = check_exit(stage, READY[stage])
    assert check.met, check.unmet
    assert check.next_stage == next_stage(stage)
    assert check.unmet == []


@pytest.mark.parametrize("stage", ["pain", "solution", "go_to_market", "business_model"])
def test_each_stage_stays_shut_without_evidence(stage):
    check = check_exit(stage, InitiativeFacts())
    assert not check.met
    assert check.unmet == check.results


def test_pain_in_only_one_segment_is_not_enough():
    facts = InitiativeFacts(
        pain_conversations_by_segment={"Retail": 9, "Health": 0},
        validated_assumptions_by_type={"desirability": 2},
    )
    check = check_exit("pain", facts)
    assert not check.met
    pain = result(check, "pain_in_segments")
    assert not pain.met
    assert "Retail (9)" in pain.detail and "2 needed" in pain.detail
    assert result(check, "desirability_validated").met


def test_pain_needs_a_validated_desirability_assumption():
    facts = InitiativeFacts(
        pain_conversations_by_segment={"Retail": 1, "Health": 1},
        validated_assumptions_by_type={"feasibility": 3},
    )
    check = check_exit("pain", facts)
    assert result(check, "pain_in_segments").met
    assert not result(check, "desirability_validated").met
    assert not check.met


def test_solution_needs_prototype_reactions_and_do_evidence():
    only_reactions = check_exit("solution", InitiativeFacts(prototype_reactions=5))
    assert result(only_reactions, "prototype_reactions").met
    assert not result(only_reactions, "do_evidence").met
    only_do = check_exit("solution", InitiativeFacts(do_evidence=2))
    assert not result(only_do, "prototype_reactions").met
    assert not only_do.met


def test_go_to_market_accepts_a_buying_committee_map_instead_of_a_priced_test():
    check = check_exit("go_to_market", InitiativeFacts(buying_committee_mapped=True))
    assert check.met
    assert "buying-committee map: done (met)" in check.results[0].detail


@pytest.mark.parametrize("missing", ["usage", "revenue", "cost"])
def test_business_model_needs_usage_revenue_and_cost_validated(missing):
    topics = {"usage": 1, "revenue": 1, "cost": 1, missing: 0}
    check = check_exit("business_model", InitiativeFacts(validated_assumptions_by_topic=topics))
    assert not check.met
    assert [r.name for r in check.unmet] == [f"{missing}_validated"]


def test_scale_has_no_exit_and_unknown_stage_is_named():
    with pytest.raises(ValueError, match="last stage"):
        check_exit("scale", InitiativeFacts())
    with pytest.raises(ValueError, match="unknown stage 'launch'"):
        check_exit("launch", InitiativeFacts())


def test_raised_threshold_shuts_a_gate_that_defaults_open_and_title_follows():
    stricter = with_threshold(DEFAULT_CRITERIA, "pain", "pain_in_segments", min_segments=3)
    assert check_exit("pain", READY["pain"]).met
    check = check_exit("pain", READY["pain"], stricter)
    assert not check.met
    assert "at least 3 segments" in result(check, "pain_in_segments").label
    # The defaults are untouched.
    assert check_exit("pain", READY["pain"], DEFAULT_CRITERIA).met


def test_lowered_threshold_opens_a_gate():
    lenient = with_threshold(DEFAULT_CRITERIA, "solution", "do_evidence", minimum=0)
    assert check_exit("solution", InitiativeFacts(prototype_reactions=1), lenient).met


def test_threshold_inside_any_of_can_be_edited():
    edited = with_threshold(DEFAULT_CRITERIA, "go_to_market", "priced_test", minimum=2)
    assert not check_exit("go_to_market", InitiativeFacts(priced_tests=1), edited).met
    assert check_exit("go_to_market", InitiativeFacts(priced_tests=2), edited).met


def test_editing_an_unknown_criterion_or_field_is_refused():
    with pytest.raises(ValueError, match="no criterion named 'nope'"):
        with_threshold(DEFAULT_CRITERIA, "pain", "nope", minimum=1)
    with pytest.raises(ValueError, match="has no criterion named 'do_evidence'"):
        with_threshold(DEFAULT_CRITERIA, "pain", "do_evidence", minimum=1)
    with pytest.raises(ValueError, match="unexpected keyword"):
        with_threshold(DEFAULT_CRITERIA, "solution", "do_evidence", maximum=1)
    with pytest.raises(ValueError, match="minimum must be a whole number"):
        with_threshold(DEFAULT_CRITERIA, "solution", "do_evidence", minimum=-1)


def test_criteria_survive_a_json_round_trip():
    stored = json.dumps(criteria_to_json(DEFAULT_CRITERIA))
    assert criteria_from_json(json.loads(stored)) == DEFAULT_CRITERIA


def test_workspace_json_edits_thresholds_and_keeps_other_stages():
    data = criteria_to_json(DEFAULT_CRITERIA)
    edited = {"solution": data["solution"]}
    edited["solution"][0]["minimum"] = 5
    edited["solution"].append({"kind": "at_least", "name": "experiments", "fact": "completed_experiments"})
    criteria = criteria_from_json(edited)
    assert criteria["pain"] == DEFAULT_CRITERIA["pain"]
    assert criteria["solution"][2] == AtLeast(name="experiments", fact="completed_experiments", minimum=1)
    check = check_exit("solution", InitiativeFacts(prototype_reactions=4, do_evidence=1), criteria)
    assert [r.name for r in check.unmet] == ["prototype_reactions", "experiments"]
    assert "at least 5 needed" in check.unmet[0].detail


def test_stage_with_no_criteria_is_open():
    criteria = criteria_from_json({"go_to_market": []})
    assert check_exit("go_to_market", InitiativeFacts(), criteria).met


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"kind": "at_most", "name": "x"}, r"solution\[0\]: unknown kind 'at_most'"),
        ({"kind": "at_least", "name": "x", "fact": "likes"}, "unknown fact 'likes'"),
        ({"kind": "at_least", "name": "x", "fact": "do_evidence", "minimum": "two"}, "minimum must be"),
        ({"kind": "at_least", "name": "x", "fact": "do_evidence", "colour": 1}, "unknown field"),
        ({"kind": "validated_assumptions", "name": "x", "by": "type", "key": "price"}, "assumption type"),
        ({"kind": "any_of", "name": "x", "rules": []}, "needs at least one rule"),
        ({"kind": "at_least", "fact": "do_evidence"}, "name"),
    ],
)
def test_bad_stored_criteria_are_named(rule, message):
    with pytest.raises(ValueError, match=message):
        criteria_from_json({"solution": [rule]})


def test_duplicate_criterion_names_are_refused():
    rule = {"kind": "at_least", "name": "x", "fact": "do_evidence"}
    with pytest.raises(ValueError, match="used twice: x"):
        criteria_from_json({"solution": [rule, rule]})


def test_gate_check_as_dict_is_plain_data():
    data = check_exit("pain", InitiativeFacts()).as_dict()
    json.dumps(data)
    assert data["met"] is False
    assert data["next_stage"] == "solution"
    assert {r["name"] for r in data["results"]} == {"pain_in_segments", "desirability_validated"}
