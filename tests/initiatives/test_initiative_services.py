"""Stage gates through the services (facts counted from the database, refusals, overrides, the move log)
and pilots (control groups, measurements, the effect against a direct statsmodels fit, the decision)."""

import datetime

import factories
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from django.core.exceptions import ValidationError

from outsidein.conversations import services as conversation_services
from outsidein.initiatives import selectors, services
from outsidein.initiatives.models import PilotMeasurement, StageMove
from outsidein.learning import services as learning


@pytest.fixture
def initiative(workspace, leader, owner):
    return services.save_initiative(workspace, leader, {"name": "Live load tracking",
                                                        "pain_statement": "We find out about late loads too late."},
                                    team=[leader, owner])


def pain_heard(workspace, user, initiative, segment, name: str, assumption=None):
    """A first-hand conversation in which a customer of `segment` described the pain, linked as evidence."""
    assumption = assumption or learning.save_assumption(workspace, user, {
        "statement": f"{name} loses time on late loads", "type": "desirability", "initiative": initiative})
    conversation = conversation_services.save_conversation(workspace, user, {
        "kind": "customer_visit", "account": factories.account(workspace, name, segment=segment)})
    highlight = conversation_services.add_highlight(conversation, user, kind="pain", text="Late loads kill us")
    return learning.link_evidence(assumption, user, direction="supports", highlight=highlight)


def test_facts_count_first_hand_pain_by_segment(workspace, leader, initiative, segments):
    pain_heard(workspace, leader, initiative, segments["Retail"], "Harbour")
    facts, evidence_ids = selectors.initiative_facts(initiative)
    assert dict(facts.pain_conversations_by_segment) == {"Retail": 1}
    assert facts.first_hand_conversations == 1 and len(evidence_ids) == 1


def test_a_move_with_unmet_criteria_is_refused_without_override(initiative, leader):
    with pytest.raises(ValidationError) as caught:
        services.move_initiative(initiative, leader, "solution")
    message = caught.value.message_dict["to_stage"][0]
    assert "First-hand conversations in which customers described the pain in at least 2 segments" in message
    assert "validated desirability assumptions: 0" in message
    initiative.refresh_from_db()
    assert initiative.stage == "pain" and not StageMove.objects.exists()


def test_an_override_needs_a_reason_and_is_logged_with_it(initiative, leader):
    with pytest.raises(ValidationError) as caught:
        services.move_initiative(initiative, leader, "solution", override=True, reason="  ")
    assert "reason" in caught.value.message_dict

    move = services.move_initiative(initiative, leader, "solution", override=True,
                                    reason="The CEO heard it at every visit this quarter")
    initiative.refresh_from_db()
    assert initiative.stage == "solution"
    assert (move.override, move.reason, move.moved_by) == (True, "The CEO heard it at every visit this quarter",
                                                            leader)
    assert move.gate_check["met"] is False
    assert [r["met"] for r in move.gate_check["checks"][0]["results"]] == [False, False]


def test_a_move_whose_criteria_are_met_is_logged_with_who_when_and_the_evidence(workspace, initiative, leader,
                                                                                segments):
    first = pain_heard(workspace, leader, initiative, segments["Retail"], "Harbour")
    second = pain_heard(workspace, leader, initiative, segments["Wholesale"], "Quayside",
                        assumption=first.assumption)
    learning.set_status(first.assumption, leader, "validated")
    before = datetime.datetime.now(datetime.UTC)

    move = services.move_initiative(initiative, leader, "solution")

    logged = StageMove.objects.get(initiative=initiative)
    assert logged == move
    assert (logged.from_stage, logged.to_stage, logged.moved_by, logged.override) == ("pain", "solution", leader,
                                                                                      False)
    assert logged.moved_at >= before
    assert sorted(logged.evidence_ids) == sorted([first.pk, second.pk])
    assert logged.gate_check["met"] is True
    details = [r["detail"] for r in logged.gate_check["checks"][0]["results"]]
    assert details[0] == "segments with at least 1: 2 [Retail (1), Wholesale (1)], 2 needed"


def test_relayed_pain_does_not_count_for_the_gate(workspace, initiative, leader, member, segments):
    assumption = learning.save_assumption(workspace, leader, {"statement": "s", "initiative": initiative})
    for name, segment in (("A", segments["Retail"]), ("B", segments["Wholesale"])):
        conversation = conversation_services.save_conversation(
            workspace, member, {"kind": "coffee", "account": factories.account(workspace, name, segment=segment)},
            members=[member])
        highlight = conversation_services.add_highlight(conversation, member, kind="pain", text="Pain")
        learning.link_evidence(assumption, leader, direction="supports", highlight=highlight)
    facts, _ = selectors.initiative_facts(initiative)
    assert dict(facts.pain_conversations_by_segment) == {}


def test_skipping_stages_checks_every_gate_left_and_moving_back_needs_none(initiative, leader):
    initiative.buying_committee = "Head of logistics decides; CFO pays."
    initiative.save()
    with pytest.raises(ValidationError) as caught:
        services.move_initiative(initiative, leader, "business_model")
    assert "prototype" in caught.value.message_dict["to_stage"][0]
    move = services.move_initiative(initiative, leader, "business_model", override=True, reason="Board asked")
    assert len(move.gate_check["checks"]) == 3
    back = services.move_initiative(initiative, leader, "pain")
    assert (back.override, back.gate_check["checks"]) == (False, [])
    assert list(initiative.moves.values_list("to_stage", flat=True)) == ["pain", "business_model"]


def test_workspace_criteria_replace_the_defaults(workspace, initiative, leader, owner):
    services.save_gate_criteria(workspace, owner, {"pain": []})
    services.move_initiative(initiative, leader, "solution")
    with pytest.raises(ValidationError):
        services.save_gate_criteria(workspace, owner, {"pain": [{"kind": "nonsense", "name": "x"}]})


def test_an_unknown_stage_is_refused(initiative, leader):
    with pytest.raises(ValidationError) as caught:
        services.move_initiative(initiative, leader, "launch")
    assert "to_stage" in caught.value.message_dict


# --- pilots -----------------------------------------------------------------------------------------

@pytest.fixture
def accounts(workspace, segments):
    rng = np.random.default_rng(3)
    made = []
    for index in range(24):
        segment = segments["Retail" if index % 2 else "Wholesale"]
        made.append(factories.account(workspace, f"Account {index:02d}", segment=segment,
                                      annual_revenue=int(rng.integers(10, 900)) * 1000))
    return made


@pytest.fixture
def pilot(initiative, leader, accounts):
    return services.save_pilot(initiative, leader, {
        "name": "Proactive delay alerts", "change": "Call the shipper as soon as a load runs late",
        "metric_name": "Escalations per week", "baseline_start": datetime.date(2026, 1, 1),
        "baseline_end": datetime.date(2026, 3, 31), "pilot_start": datetime.date(2026, 4, 1),
        "pilot_end": datetime.date(2026, 6, 30), "expected_effect": -1.0}, pilot_accounts=accounts[:8])


def test_the_control_group_is_drawn_by_stratum_and_reproducible(pilot, leader):
    services.draw_control_group(pilot, leader, seed=11)
    first = sorted(pilot.control_accounts.values_list("pk", flat=True))
    assert len(first) == 8 and not set(first) & set(pilot.pilot_accounts.values_list("pk", flat=True))
    services.draw_control_group(pilot, leader, seed=11)
    assert sorted(pilot.control_accounts.values_list("pk", flat=True)) == first
    pilot.refresh_from_db()
    assert pilot.assignment_seed == 11 and pilot.assignment["control_ids"] == first


def test_a_control_account_cannot_also_be_a_pilot_account(pilot, leader, accounts):
    with pytest.raises(ValidationError):
        services.choose_control_group(pilot, leader, accounts[7:12])
    services.choose_control_group(pilot, leader, accounts[8:16])
    assert pilot.assignment_method == "by_hand"


def test_measurements_from_outside_the_groups_are_refused_by_row(pilot, leader, accounts):
    services.choose_control_group(pilot, leader, accounts[8:16])
    with pytest.raises(ValidationError) as caught:
        services.record_measurements(pilot, leader, [
            {"account": accounts[0].pk, "period": "baseline", "value": 3},
            {"account": accounts[20].pk, "period": "baseline", "value": 3},
            {"account": accounts[1].pk, "period": "later", "value": "many"},
        ])
    assert set(caught.value.message_dict) == {"measurements.1", "measurements.2"}
    assert not PilotMeasurement.objects.exists()  # nothing half-saved


def simulated_rows(pilot_accounts, control_accounts, seed=5, effect=-1.5, weeks=6):
    rng = np.random.default_rng(seed)
    rows = []
    for group, members in (("pilot", pilot_accounts), ("control", control_accounts)):
        for account in members:
            level = 6 + rng.normal(0, 1)
            for period in ("baseline", "pilot"):
                lift = effect if (group == "pilot" and period == "pilot") else 0
                for value in level + lift + 0.2 * (period == "pilot") + rng.normal(0, 1.2, weeks):
                    rows.append({"account": account.pk, "group": group, "period": period, "value": float(value)})
    return rows


def test_the_pilot_result_agrees_with_a_direct_statsmodels_ols_with_interaction(pilot, leader, accounts):
    services.draw_control_group(pilot, leader, seed=2)
    controls = list(pilot.control_accounts.all())
    rows = simulated_rows(accounts[:8], controls)
    services.record_measurements(pilot, leader, rows)

    result = services.compute_result(pilot)

    frame = pd.DataFrame(rows)
    frame["treated"] = (frame["group"] == "pilot").astype(int)
    frame["post"] = (frame["period"] == "pilot").astype(int)
    direct = smf.ols("value ~ treated + post + treated:post", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["account"]}, use_t=True)
    assert result.effect == pytest.approx(direct.params["treated:post"], abs=1e-9)
    assert result.std_error == pytest.approx(direct.bse["treated:post"], abs=1e-9)
    low, high = direct.conf_int().loc["treated:post"]
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    assert result.p_value == pytest.approx(direct.pvalues["treated:post"], abs=1e-9)
    assert result.responses == len(rows) and result.accounts == 16
    pilot.refresh_from_db()
    assert pilot.result["effect"] == pytest.approx(result.effect)
    assert [c["responses"] for c in pilot.result["cells"]] == [48, 48, 48, 48]


def test_plain_ols_is_used_when_the_pilot_asks_for_it(pilot, leader, accounts):
    services.choose_control_group(pilot, leader, accounts[8:16])
    rows = simulated_rows(accounts[:8], accounts[8:16], weeks=1)
    services.record_measurements(pilot, leader, rows)
    pilot.covariance = "ols"
    pilot.save()
    result = services.compute_result(pilot)
    frame = pd.DataFrame(rows)
    frame["treated"] = (frame["group"] == "pilot").astype(int)
    frame["post"] = (frame["period"] == "pilot").astype(int)
    direct = smf.ols("value ~ treated * post", data=frame).fit()
    assert result.std_error == pytest.approx(direct.bse["treated:post"], abs=1e-9)
    # 8 accounts a group, one value each: too small for an effect of 1.
    assert any("too small to detect the expected effect" in w for w in result.warnings)


def test_replacing_a_value_keeps_one_per_account_and_period(pilot, leader, accounts):
    services.choose_control_group(pilot, leader, accounts[8:16])
    services.record_measurements(pilot, leader, [{"account": accounts[0].pk, "period": "baseline", "value": 3}])
    services.record_measurements(pilot, leader, [{"account": accounts[0].pk, "period": "baseline", "value": 4}],
                                 replace=True)
    assert list(pilot.measurements.values_list("value", flat=True)) == [4.0]


def test_a_result_needs_every_cell_and_the_decision_needs_a_result(pilot, leader, accounts):
    services.choose_control_group(pilot, leader, accounts[8:16])
    services.record_measurements(pilot, leader, [{"account": accounts[0].pk, "period": "baseline", "value": 3}])
    with pytest.raises(ValidationError) as caught:
        services.compute_result(pilot)
    assert "no observations in the pilot group, pilot period" in caught.value.message_dict["measurements"][0]
    with pytest.raises(ValidationError) as caught:
        services.decide_pilot(pilot, leader, decision="scale", observation="o", learning="l")
    assert "decision" in caught.value.message_dict


def test_the_decision_is_a_learning_card_that_finishes_the_pilot(pilot, leader, accounts, initiative):
    services.draw_control_group(pilot, leader, seed=2)
    services.record_measurements(pilot, leader, simulated_rows(accounts[:8], list(pilot.control_accounts.all())))
    services.compute_result(pilot)
    services.decide_pilot(pilot, leader, decision="scale", observation="Escalations fell by 1.5 a week",
                          learning="Shippers value a call before they notice", actions="Roll out to Retail")
    pilot.refresh_from_db()
    assert pilot.is_finished and pilot.decided_by == leader
    facts, _ = selectors.initiative_facts(initiative)
    assert facts.finished_pilots == 1
