"""The initiatives and pilots API: moves with and without override, the gate and the log, a pilot from
control group to decision, field errors by path, nothing from another workspace."""


import numpy as np
import pytest

from outsidein.initiatives import services


def locs(response) -> list[list]:
    assert response.status_code == 422, (response.status_code, response.content)
    return [item["loc"] for item in response.json()["detail"]]


@pytest.fixture
def initiative(api):
    response = api("POST", "/initiatives", {"name": "Live load tracking", "pain_statement": "Late loads hurt"})
    assert response.status_code == 201, response.content
    return response.json()


def test_an_initiative_starts_in_pain_with_its_creator_as_sponsor_and_team(initiative, owner):
    assert (initiative["stage"], initiative["sponsor_id"], initiative["team_ids"]) == ("pain", owner.pk, [owner.pk])


def test_a_move_without_evidence_is_refused_and_an_override_is_logged(api, initiative, owner):
    path = f"/initiatives/{initiative['id']}"
    gate = api("GET", f"{path}/gate").json()
    assert (gate["stage"], gate["next_stage"], gate["met"]) == ("pain", "solution", False)
    assert [r["name"] for r in gate["results"]] == ["pain_in_segments", "desirability_validated"]

    refused = api("POST", f"{path}/move", {"to_stage": "solution"})
    assert locs(refused) == [["body", "payload", "to_stage"]]
    assert "The gate's criteria are not met" in refused.json()["detail"][0]["msg"]
    assert locs(api("POST", f"{path}/move", {"to_stage": "solution", "override": True})) == [
        ["body", "payload", "reason"]]
    assert ["body", "payload", "to_stage"] in locs(api("POST", f"{path}/move", {"to_stage": "launch"}))

    moved = api("POST", f"{path}/move", {"to_stage": "solution", "override": True, "reason": "Sponsor's call"})
    assert moved.status_code == 201
    log = api("GET", f"{path}/moves").json()
    assert [(m["from_stage"], m["to_stage"], m["override"], m["reason"], m["moved_by_id"]) for m in log] == [
        ("pain", "solution", True, "Sponsor's call", owner.pk)]
    assert log[0]["gate_check"]["met"] is False and log[0]["evidence_ids"] == []
    assert api("GET", path).json()["stage"] == "solution"


def test_the_last_stage_has_no_gate(api, initiative):
    path = f"/initiatives/{initiative['id']}"
    api("POST", f"{path}/move", {"to_stage": "scale", "override": True, "reason": "Already rolled out"})
    assert api("GET", f"{path}/gate").json() == {"stage": "scale", "next_stage": None, "met": True, "results": []}


def test_initiative_fields_are_checked_by_name(api, other_workspace):
    assert ["body", "payload", "name"] in locs(api("POST", "/initiatives", {"name": "", "pain_statement": "p"}))
    theirs = other_workspace.memberships.get().user
    assert ["body", "payload", "sponsor_id"] in locs(api("POST", "/initiatives", {
        "name": "n", "pain_statement": "p", "sponsor_id": theirs.pk}))
    assert ["body", "payload", "team_ids"] in locs(api("POST", "/initiatives", {
        "name": "n", "pain_statement": "p", "team_ids": [theirs.pk]}))
    their_initiative = services.save_initiative(other_workspace, theirs, {"name": "Theirs", "pain_statement": "p"})
    assert api("GET", f"/initiatives/{their_initiative.pk}").status_code == 404
    assert api("POST", f"/initiatives/{their_initiative.pk}/move", {"to_stage": "solution", "override": True,
                                                                    "reason": "x"}).status_code == 404


PILOT = {"name": "Delay alerts", "change": "Call first", "metric_name": "Escalations a week",
         "baseline_start": "2026-01-01", "baseline_end": "2026-03-31", "pilot_start": "2026-04-01",
         "pilot_end": "2026-06-30", "expected_effect": -1}


def test_a_pilot_from_control_group_to_decision(api, initiative, accounts):
    created = api("POST", "/pilots", {**PILOT, "initiative_id": initiative["id"],
                                      "pilot_account_ids": [a.pk for a in accounts[::3]]})
    assert created.status_code == 201, created.content
    pilot = created.json()
    path = f"/pilots/{pilot['id']}"
    assert ["body", "payload", "seed"] in locs(api("POST", f"{path}/control-group", {}))
    drawn = api("POST", f"{path}/control-group", {"seed": 7}).json()
    assert len(drawn["control_account_ids"]) == 4 and drawn["assignment_seed"] == 7
    assert api("POST", f"{path}/control-group", {"seed": 7}).json()["control_account_ids"] == (
        drawn["control_account_ids"])

    rng = np.random.default_rng(4)
    rows = [{"account_id": account, "period": period, "value": float(5 + rng.normal() - (
        1.5 if account in drawn["pilot_account_ids"] and period == "pilot" else 0))}
            for account in drawn["pilot_account_ids"] + drawn["control_account_ids"]
            for period in ("baseline", "pilot") for _ in range(6)]
    assert api("POST", f"{path}/measurements", {"measurements": rows}).status_code == 201
    taking_part = set(drawn["pilot_account_ids"]) | set(drawn["control_account_ids"])
    outsider = next(a.pk for a in accounts if a.pk not in taking_part)
    assert locs(api("POST", f"{path}/measurements", {"measurements": [
        {"account_id": outsider, "period": "pilot", "value": 1}]})) == [["body", "payload", "measurements", 0]]

    result = api("POST", f"{path}/result")
    assert result.status_code == 200
    figures = result.json()
    assert figures["effect"] < 0 and figures["ci_low"] < figures["effect"] < figures["ci_high"]
    assert [c["responses"] for c in figures["cells"]] == [24, 24, 24, 24]
    assert any("4 account(s)" in w for w in figures["warnings"])

    decided = api("POST", f"{path}/decision", {"decision": "scale", "observation": "Escalations fell",
                                               "learning": "Customers like the call"})
    assert decided.json()["decision"] == "scale" and decided.json()["result"]["effect"] == figures["effect"]


def test_pilot_input_errors(api, initiative, accounts):
    bad_window = api("POST", "/pilots", {**PILOT, "initiative_id": initiative["id"], "pilot_start": "2026-02-01"})
    assert locs(bad_window) == [["body", "payload", "pilot_start"]]
    assert ["body", "payload", "initiative_id"] in locs(api("POST", "/pilots", {**PILOT, "initiative_id": 999999}))
    pilot = api("POST", "/pilots", {**PILOT, "initiative_id": initiative["id"]}).json()
    assert locs(api("POST", f"/pilots/{pilot['id']}/result")) == [["body", "payload", "measurements"]]
    assert locs(api("POST", f"/pilots/{pilot['id']}/decision", {"decision": "scale", "observation": "o",
                                                                "learning": "l"})) == [["body", "payload", "decision"]]


def test_owners_edit_the_stage_gates_others_read_them(api, api_for, workspace, member, initiative):
    gates = api("GET", "/stage-gates").json()
    assert [c["name"] for c in gates["pain"]] == ["pain_in_segments", "desirability_validated"]
    lenient = {"pain": [{"kind": "at_least", "name": "heard_it", "fact": "first_hand_conversations", "minimum": 0}]}
    assert api("PUT", "/stage-gates", {"criteria": lenient}).json()["pain"][0]["name"] == "heard_it"
    assert api("POST", f"/initiatives/{initiative['id']}/move", {"to_stage": "solution"}).status_code == 201
    assert locs(api("PUT", "/stage-gates", {"criteria": {"pain": [{"kind": "magic"}]}})) == [
        ["body", "payload", "criteria"]]
    as_member = api_for(workspace, member)
    assert as_member("GET", "/stage-gates").status_code == 200
    assert as_member("PUT", "/stage-gates", {"criteria": {}}).status_code == 403
