"""The assumptions, evidence and experiments API: what an integration sees, field errors by path, and
nothing from another workspace."""


import pytest

from outsidein.conversations import services as conversation_services
from outsidein.learning import services


def locs(response) -> list[list]:
    assert response.status_code == 422, (response.status_code, response.content)
    return [item["loc"] for item in response.json()["detail"]]


@pytest.fixture
def highlight(workspace, owner):
    conversation = conversation_services.save_conversation(workspace, owner, {"kind": "site_visit"})
    return conversation_services.add_highlight(conversation, owner, kind="observation", text="Phoned four carriers")


def test_create_an_assumption_link_evidence_and_read_the_confidence(api, owner, highlight):
    created = api("POST", "/assumptions", {"statement": "Shippers chase late loads by phone", "importance": 5,
                                           "topic": "usage"})
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["owner_id"], body["confidence"], body["important_and_unproven"]) == (
        "untested", owner.pk, 0.0, True)

    linked = api("POST", f"/assumptions/{body['id']}/evidence", {"direction": "supports",
                                                                  "highlight_id": highlight.pk})
    assert linked.status_code == 201
    evidence = linked.json()
    assert (evidence["behaviour"], evidence["first_hand"], evidence["strength"]) == ("do", True, 1.0)
    assert evidence["strength_reasons"] == ["what people do (1)", "first-hand (x1)"]

    read = api("GET", f"/assumptions/{body['id']}").json()
    assert read["status"] == "testing"
    assert read["confidence"] == pytest.approx(1 / 3)
    assert read["explanation"][-2].startswith("confidence = (1.00 - 0.00) / (1.00 + 0.00 + 2) = +0.33")
    assert [e["id"] for e in api("GET", f"/assumptions/{body['id']}/evidence").json()] == [evidence["id"]]

    assert api("DELETE", f"/evidence/{evidence['id']}").status_code == 204
    assert api("GET", f"/assumptions/{body['id']}").json()["confidence"] == 0


def test_bad_input_names_the_fields(api, other_workspace):
    assert ["body", "payload", "importance"] in locs(api("POST", "/assumptions", {"statement": "x",
                                                                                 "importance": 7}))
    assert ["body", "payload", "statement"] in locs(api("POST", "/assumptions", {"statement": ""}))
    stranger = other_workspace.memberships.get().user
    theirs = services.save_assumption(other_workspace, stranger, {"statement": "Theirs"})
    assumption = api("POST", "/assumptions", {"statement": "Mine"}).json()
    their_initiative = {"initiative_id": 999_999}
    assert ["body", "payload", "initiative_id"] in locs(api("PATCH", f"/assumptions/{assumption['id']}",
                                                            their_initiative))
    response = api("POST", f"/assumptions/{assumption['id']}/evidence", {"direction": "supports",
                                                                        "highlight_id": 12345})
    assert ["body", "payload", "highlight_id"] in locs(response)
    assert locs(api("POST", f"/assumptions/{assumption['id']}/evidence", {"direction": "supports"})) == [
        ["body", "payload"]]
    assert api("GET", f"/assumptions/{theirs.pk}").status_code == 404


def test_confirming_a_suggested_status(api, workspace, owner):
    assumption = services.save_assumption(workspace, owner, {"statement": "Nobody wants it"})
    assert locs(api("POST", f"/assumptions/{assumption.pk}/confirm-status")) == [["body", "payload", "status"]]
    for _ in range(3):
        conversation = conversation_services.save_conversation(workspace, owner, {"kind": "site_visit"})
        conversation_services.add_highlight(conversation, owner, kind="observation", text="Ignored the prototype")
        services.link_evidence(assumption, owner, direction="refutes", highlight=conversation.highlights.get())
    # Three observed refusals in three conversations: three sources of what people do.
    assert api("GET", f"/assumptions/{assumption.pk}").json()["suggested_status"] == "invalidated"
    confirmed = api("POST", f"/assumptions/{assumption.pk}/confirm-status").json()
    assert (confirmed["status"], confirmed["suggested_status"]) == ("invalidated", "")
    assert api("POST", f"/assumptions/{assumption.pk}/status", {"status": "testing"}).json()["status"] == "testing"


def test_a_test_card_and_its_learning_card(api, workspace, owner):
    assumption = services.save_assumption(workspace, owner, {"statement": "Carriers pay for fast payment"})
    card = api("POST", "/experiments", {"assumption_id": assumption.pk, "title": "Priced offer",
                                        "method": "priced_offer", "test": "Offer 5-day pay for 1.5%",
                                        "metric": "Sign-ups", "success_criteria": "10 of 50 sign up",
                                        "deadline": "2026-12-31"})
    assert card.status_code == 201, card.content
    experiment = card.json()
    assert experiment["done_at"] is None
    assert ["body", "payload", "criteria_met"] in locs(api("POST", f"/experiments/{experiment['id']}/learning-card",
                                                           {"observation": "o", "learning": "l",
                                                            "decision": "stop"}))
    done = api("POST", f"/experiments/{experiment['id']}/learning-card", {
        "observation": "14 of 50 signed up", "learning": "They pay", "criteria_met": True, "decision": "persevere"})
    assert done.status_code == 200 and done.json()["done_at"]
    assert api("GET", f"/assumptions/{assumption.pk}").json()["confidence"] == pytest.approx(1 / 3)
    assert [x["id"] for x in api("GET", "/experiments?done=true").json()["items"]] == [experiment["id"]]
    assert ["body", "payload", "assumption_id"] in locs(api("POST", "/experiments", {
        "assumption_id": 424242, "title": "t", "test": "t", "metric": "m", "success_criteria": "c"}))
