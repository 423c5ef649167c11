"""The initiative board, the initiative page and the pilot page as a leader uses them."""

import html
import re

import factories
import numpy as np
import pytest
from django.urls import reverse

from outsidein.conversations import services as conversation_services
from outsidein.initiatives import services
from outsidein.initiatives.models import Initiative, Pilot, StageMove
from outsidein.learning import services as learning

HTMX = {"HX-Request": "true"}


def url(name: str, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


@pytest.fixture
def initiative(workspace, owner):
    return services.save_initiative(workspace, owner, {"name": "Live load tracking",
                                                       "pain_statement": "We hear about late loads too late."})


def test_creating_an_initiative_makes_the_creator_sponsor_and_team(owner_client, workspace, owner, leader):
    response = owner_client.post(url("initiative-create", workspace), {
        "name": "Fast carrier pay", "pain_statement": "Carriers wait 45 days for their money.",
        "sponsor": leader.pk, "team": [owner.pk, leader.pk]})
    initiative = Initiative.objects.get(name="Fast carrier pay")
    assert response["Location"] == initiative.get_absolute_url()
    assert initiative.sponsor == leader and initiative.stage == "pain"
    assert set(initiative.team.all()) == {owner, leader}


def test_the_board_shows_initiatives_by_stage(owner_client, workspace, owner, initiative):
    other = services.save_initiative(workspace, owner, {"name": "Self-serve claims", "pain_statement": "Claims"})
    services.move_initiative(other, owner, "go_to_market", override=True, reason="Started before we had gates")
    page = text_of(owner_client.get(url("initiative-board", workspace)))
    assert re.search(r"Nail the pain 1 Live load tracking .* Nail the solution 0 No initiative at this stage\. "
                     r"Nail the go-to-market 1 Self-serve claims", page)


def test_moving_on_the_board_without_evidence_is_refused_and_offers_an_override(owner_client, workspace,
                                                                               initiative):
    refused = owner_client.post(url("initiative-move", workspace, initiative_id=initiative.pk),
                                {"to_stage": "solution", "from": "board"}, headers=HTMX)
    assert refused.status_code == 200  # htmx swaps only successful answers; the refusal is the content
    page = text_of(refused)
    assert "The gate's criteria are not met" in page and "Override and move" in page
    initiative.refresh_from_db()
    assert initiative.stage == "pain"

    moved = owner_client.post(url("initiative-move", workspace, initiative_id=initiative.pk),
                              {"to_stage": "solution", "from": "board", "override": "on",
                               "reason": "Sponsor's call after the customer council"}, headers=HTMX)
    assert moved.status_code == 200
    assert re.search(r"Nail the solution 1 Live load tracking", text_of(moved))
    move = StageMove.objects.get()
    assert move.override and move.reason == "Sponsor's call after the customer council"


def test_the_initiative_page_shows_the_gate_evidence_leaders_and_the_move_log(owner_client, workspace, owner,
                                                                            leader, initiative):
    account = factories.account(workspace, "Harbour", segment=factories.segment(workspace, "Retail"))
    conversation = conversation_services.save_conversation(workspace, leader, {"kind": "site_visit",
                                                                               "account": account},
                                                           members=[leader, owner])
    highlight = conversation_services.add_highlight(conversation, leader, kind="pain", text="We phone four carriers")
    assumption = learning.save_assumption(workspace, owner, {"statement": "Shippers chase late loads by phone",
                                                             "initiative": initiative, "importance": 5})
    learning.link_evidence(assumption, leader, direction="supports", highlight=highlight)
    services.move_initiative(initiative, owner, "solution", override=True, reason="Enough for a prototype")

    page = text_of(owner_client.get(initiative.get_absolute_url()))
    assert "To leave “Nail the solution”" in page
    assert "not met At least 1 reaction to a prototype" in page
    assert "Shippers chase late loads by phone" in page
    assert "Pain: “We phone four carriers”" in page
    assert "Leo Leader leader in 1 conversation linked as evidence" in page
    assert "Olivia Owner" in page.split("Leaders in the field for it")[1]
    assert re.search(r"Nail the pain → Nail the solution by Olivia Owner, .* override “Enough for a prototype” "
                     r"on 1 piece of evidence; gate not met", page)


def test_an_override_from_the_page_needs_a_reason(owner_client, workspace, initiative):
    response = owner_client.post(url("initiative-move", workspace, initiative_id=initiative.pk),
                                 {"to_stage": "solution", "override": "on", "reason": ""}, follow=True)
    assert "An override needs a reason." in text_of(response)
    assert not StageMove.objects.exists()


def test_the_gate_settings_page_edits_the_criteria(owner_client, workspace, initiative):
    page = text_of(owner_client.get(url("gate-settings", workspace)))
    assert "Leaving “Nail the pain”" in page and "At least 1 validated desirability assumption" in page
    bad = owner_client.post(url("gate-settings", workspace), {"criteria": '{"pain": [{"kind": "magic"}]}'})
    assert bad.status_code == 422 and "unknown kind" in text_of(bad)
    owner_client.post(url("gate-settings", workspace), {"criteria": '{"pain": []}'})
    owner_client.post(url("initiative-move", workspace, initiative_id=initiative.pk), {"to_stage": "solution"})
    initiative.refresh_from_db()
    assert initiative.stage == "solution"


def test_a_pilot_from_form_to_decision(owner_client, workspace, owner, initiative, accounts):
    response = owner_client.post(url("pilot-create", workspace, initiative_id=initiative.pk), {
        "name": "Delay alerts", "change": "Call before the shipper notices", "metric_name": "Escalations a week",
        "pilot_accounts": [a.pk for a in accounts[::3]], "baseline_start": "2026-01-01",
        "baseline_end": "2026-03-31", "pilot_start": "2026-04-01", "pilot_end": "2026-06-30",
        "expected_effect": "-1", "covariance": "ols"})
    pilot = Pilot.objects.get()
    assert response["Location"] == pilot.get_absolute_url()

    owner_client.post(url("pilot-control-group", workspace, pilot_id=pilot.pk), {"method": "stratified",
                                                                                 "seed": "42"})
    controls = list(pilot.control_accounts.all())
    assert len(controls) == 4
    rng = np.random.default_rng(1)
    grid = {}
    for account in accounts[::3] + controls:
        grid[f"value-{account.pk}-baseline"] = f"{5 + rng.normal():.3f}"
        grid[f"value-{account.pk}-pilot"] = f"{5 + rng.normal() - (2 if account in accounts[::3] else 0):.3f}"
    owner_client.post(url("pilot-measurements", workspace, pilot_id=pilot.pk), grid)
    assert pilot.measurements.count() == 16
    owner_client.post(url("pilot-result", workspace, pilot_id=pilot.pk))
    page = text_of(owner_client.get(pilot.get_absolute_url()))
    pilot.refresh_from_db()
    assert f"Effect (difference in differences) {pilot.result['effect']:+.3f}".replace("-", "−") in page
    assert "The groups are too small to detect the expected effect" in page or "Only 4 response(s)" in page
    assert re.search(r"pilot baseline 4 4 ", page)

    owner_client.post(url("pilot-decision", workspace, pilot_id=pilot.pk), {
        "decision": "iterate", "observation": "Fewer escalations", "learning": "Too few accounts to be sure",
        "actions": "Run it on 20 more"})
    pilot.refresh_from_db()
    assert pilot.decision == "iterate"
    assert "Learning card: Iterate" in text_of(owner_client.get(pilot.get_absolute_url()))


def test_a_pilot_window_that_starts_before_the_baseline_ends_is_refused(owner_client, workspace, initiative):
    response = owner_client.post(url("pilot-create", workspace, initiative_id=initiative.pk), {
        "name": "Bad", "change": "x", "metric_name": "m", "baseline_start": "2026-01-01",
        "baseline_end": "2026-03-31", "pilot_start": "2026-03-01", "pilot_end": "2026-06-30", "covariance": "ols"})
    assert response.status_code == 422
    assert "The pilot window starts after the baseline window ends." in text_of(response)
    assert not Pilot.objects.exists()


def test_only_owners_change_the_stage_gates(member_client, workspace):
    page = text_of(member_client.get(url("gate-settings", workspace)))
    assert "The workspace's owners can change these criteria." in page
    assert member_client.post(url("gate-settings", workspace), {"criteria": '{"pain": []}'}).status_code == 403
