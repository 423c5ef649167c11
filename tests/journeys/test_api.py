"""The journeys API: a journey from a template, stages and touchpoints, evidence proposed and decided, the figures
and the widest gap, a touchpoint taken to an initiative; errors name the field."""

import functools

import factories

from outsidein.insights import themes

add_feedback = functools.partial(factories.feedback_item, source_name="survey", sentiment=-0.5)
TEXTS = ["The invoice amount never matches the quote", "We were invoiced twice for one load",
         "The invoice total does not match what sales quoted", "Invoice does not match the quote again",
         "The invoice shows a rate that is not the quote", "Tracking updates stop after pick up",
         "No tracking update for two days while in transit", "I cannot log in to the portal",
         "Password reset e-mail never arrives", "Locked out of my account again"]


def test_a_journey_through_the_api(api, workspace, segment) -> None:
    for text in TEXTS:
        add_feedback(workspace, text)
    themes.run_theme_analysis(workspace, k=3, method="tfidf")
    made = api.post("/journeys", {"name": "Shippers", "segment_id": segment.pk, "template": "shipment"})
    assert made.status_code == 201, made.content
    journey = made.json()
    assert [s["name"] for s in journey["stages"]] == ["Quote", "Book", "Pick up", "In transit", "Deliver",
                                                       "Invoice"]
    invoice_stage = journey["stages"][-1]["id"]
    touchpoint = api.post(f"/journey-stages/{invoice_stage}/touchpoints", {
        "name": "Invoice arrives", "expectation": "The invoice matches the quote", "belief": 2}).json()
    assert touchpoint["figures"]["evidence"] == 0

    proposed = api.post(f"/touchpoints/{touchpoint['id']}/proposals", {}).json()
    assert len(proposed) >= 3 and all("invoice" in p["text"].lower() for p in proposed)
    for link in proposed[:3]:
        assert api.post(f"/evidence-links/{link['id']}/decision", {"accept": True}).json()["status"] == "accepted"
    rejected = api.post(f"/evidence-links/{proposed[3]['id']}/decision", {"accept": False}).json() \
        if len(proposed) > 3 else None
    again = api.post(f"/touchpoints/{touchpoint['id']}/proposals", {}).json()
    assert not {p["feedback_item_id"] for p in again} & {p["feedback_item_id"] for p in proposed}
    if rejected:
        statuses = {p["id"]: p["status"] for p in api.get(f"/touchpoints/{touchpoint['id']}/evidence").json()}
        assert statuses[rejected["id"]] == "rejected"

    read = api.get(f"/journeys/{journey['id']}").json()
    figures = read["stages"][-1]["touchpoints"][0]["figures"]
    assert figures["evidence"] == 3 and figures["sentiment"] == -0.5 and figures["gap"] == 1.5
    assert figures["painful"] and read["widest_gap_touchpoint_id"] == touchpoint["id"]

    started = api.post(f"/touchpoints/{touchpoint['id']}/initiative", {})
    assert started.status_code == 201 and started.json()["kind"] == "initiative"
    again_read = api.get(f"/touchpoints/{touchpoint['id']}").json()
    assert again_read["initiative_ids"] == [started.json()["id"]] and len(again_read["assumption_ids"]) == 1


def test_stages_are_renamed_moved_and_deleted(api, workspace, segment) -> None:
    journey = api.post("/journeys", {"name": "Retail", "segment_id": segment.pk, "template": "blank"}).json()
    assert journey["stages"] == []
    first = api.post(f"/journeys/{journey['id']}/stages", {"name": "Find us"}).json()
    second = api.post(f"/journeys/{journey['id']}/stages", {"name": "Buy"}).json()
    moved = api.post(f"/journey-stages/{second['id']}/move", {"direction": "earlier"}).json()
    assert [s["name"] for s in moved["stages"]] == ["Buy", "Find us"]
    renamed = api.patch(f"/journey-stages/{first['id']}", {"name": "Discover"}).json()
    assert [s["name"] for s in renamed["stages"]] == ["Buy", "Discover"]
    assert api.delete(f"/journey-stages/{first['id']}").status_code == 204
    assert [s["name"] for s in api.get(f"/journeys/{journey['id']}").json()["stages"]] == ["Buy"]


def test_bad_input_names_the_field(api, workspace, segment, other_workspace) -> None:
    theirs = factories.segment(other_workspace, "Theirs")
    foreign = api.post("/journeys", {"name": "X", "segment_id": theirs.pk})
    assert foreign.status_code == 422 and "segment_id" in foreign.content.decode()
    api.post("/journeys", {"name": "Twice", "segment_id": segment.pk})
    twice = api.post("/journeys", {"name": "Twice", "segment_id": segment.pk})
    assert twice.status_code == 422 and "already exists" in twice.content.decode()
    journey = api.get("/journeys").json()[0]
    assert api.post(f"/journeys/{journey['id']}/stages", {"name": "Use"}).status_code == 422  # has one
    stage = api.post(f"/journeys/{journey['id']}/stages", {"name": "Advocate"}).json()
    bad = api.post(f"/journey-stages/{stage['id']}/touchpoints", {"name": "App", "belief": 7})
    assert bad.status_code == 422 and "belief" in bad.content.decode()
    neither = api.post(f"/journey-stages/{stage['id']}/touchpoints", {"name": "App"}).json()
    none = api.post(f"/touchpoints/{neither['id']}/evidence", {})
    assert none.status_code == 422 and "one highlight or one feedback item" in none.content.decode()


def test_a_viewer_reads_but_cannot_write(api_for, workspace, owner, viewer, segment) -> None:
    made = api_for(workspace, owner).post("/journeys", {"name": "Shippers", "segment_id": segment.pk}).json()
    reader = api_for(workspace, viewer)
    assert reader.get(f"/journeys/{made['id']}").status_code == 200
    assert reader.post(f"/journeys/{made['id']}/stages", {"name": "More"}).status_code == 403
