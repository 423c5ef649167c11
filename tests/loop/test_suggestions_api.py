"""The suggestions API: raise (joining a repeat), raisers, status moves with drafts, history, split, scoping."""

from datetime import date

import factories
import pytest

from outsidein.conversations.models import Highlight
from outsidein.initiatives.models import Initiative, Pilot


@pytest.fixture
def other_api(api_for, other_workspace):
    return api_for(other_workspace, other_workspace.memberships.get().user)


@pytest.fixture
def customers(workspace):
    acme = factories.account(workspace, "Acme Freight", annual_revenue=120000)
    beta = factories.account(workspace, "Beta Foods", annual_revenue=80000)
    return {"ana": factories.person(workspace, "Ana", account=acme, email="ana@acme.example"),
            "ben": factories.person(workspace, "Ben", account=acme, email="ben@acme.example"),
            "cy": factories.person(workspace, "Cy", account=beta, email="cy@beta.example")}


def test_raise_join_move_and_read_the_history(api, workspace, customers):
    first = api.post("/suggestions", {"words": "Let us pay our invoices by credit card",
                                      "person_id": customers["ana"].pk})
    assert first.status_code == 201 and not first.json()["joined"]
    sid = first.json()["suggestion"]["id"]
    again = api.post("/suggestions", {"words": "Could we pay the invoice with a card?", "person_id": customers["cy"].pk})
    assert again.json()["joined"] and again.json()["suggestion"]["id"] == sid
    api.post(f"/suggestions/{sid}/raisers", {"words": "Card payments, please", "person_id": customers["ben"].pk})
    read = api.get(f"/suggestions/{sid}").json()
    assert (read["people"], read["accounts"], read["revenue"]) == (3, 2, 200000)

    initiative = Initiative.objects.create(workspace=workspace, name="Card payments")
    pilot = Pilot.objects.create(workspace=workspace, initiative=initiative, name="Cards at three shippers",
                                 change="Card payments", metric_name="days to pay",
                                 baseline_start=date(2026, 9, 1), baseline_end=date(2026, 9, 30),
                                 pilot_start=date(2026, 10, 1), pilot_end=date(2026, 12, 31))
    refused = api.post(f"/suggestions/{sid}/status", {"status": "piloting"})
    assert refused.status_code == 422
    assert api.patch(f"/suggestions/{sid}", {"pilot_id": pilot.pk}).json()["initiative_id"] == initiative.pk
    moved = api.post(f"/suggestions/{sid}/status", {"status": "piloting", "next_step": "We tell you in March."})
    assert moved.status_code == 200 and moved.json()["drafted"] == 3
    history = api.get(f"/suggestions/{sid}/history").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [("", "heard"), ("heard", "piloting")]
    raisers = api.get(f"/suggestions/{sid}/raisers").json()
    assert [r["told"] for r in raisers] == [False, False, False]
    assert api.get("/suggestions", status="piloting").json()["count"] == 1


def test_raise_a_highlight_and_split_a_wrong_join(api, workspace, owner, customers):
    conversation = factories.conversation(workspace, members=[owner], account=customers["ana"].account)
    highlight = Highlight.objects.create(workspace=workspace, conversation=conversation, kind="idea",
                                         text="A photo of the pallets at delivery", person=customers["ana"])
    raised = api.post(f"/highlights/{highlight.pk}/suggestion", {})
    assert raised.status_code == 201
    sid = raised.json()["suggestion"]["id"]
    other = api.post(f"/suggestions/{sid}/raisers", {"words": "Pallet photos at pickup too",
                                                     "person_id": customers["cy"].pk}).json()
    split = api.post(f"/raisers/{other['id']}/split", {})
    assert split.status_code == 200 and split.json()["id"] != sid and split.json()["people"] == 1


def test_bad_input_names_the_field(api, customers):
    empty = api.post("/suggestions", {"words": ""})
    assert empty.status_code == 422
    foreign = api.post("/suggestions", {"words": "Something", "person_id": 999999})
    assert foreign.status_code == 422 and "person_id" in foreign.text
    sid = api.post("/suggestions", {"words": "Saturday deliveries"}).json()["suggestion"]["id"]
    why_not = api.post(f"/suggestions/{sid}/status", {"status": "not_doing"})
    assert why_not.status_code == 422 and "outcome" in why_not.text


def test_another_workspace_sees_nothing(api, other_api, customers):
    sid = api.post("/suggestions", {"words": "Saturday deliveries"}).json()["suggestion"]["id"]
    assert other_api.get(f"/suggestions/{sid}").status_code == 404
    assert other_api.post(f"/suggestions/{sid}/status", {"status": "considering"}).status_code == 404
    assert other_api.get("/suggestions").json()["count"] == 0
