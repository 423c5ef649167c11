"""The guides API as an integration uses it, with a personal API token."""

import json

import factories
import pytest
from django.test import Client

from outsidein.guides import services
from outsidein.guides.models import Guide

LEADING = "Don't you think our new dashboard is much better?"
OPEN = "Tell me about the last time a load arrived late."


@pytest.fixture
def guide(workspace, owner) -> Guide:
    return factories.guide(workspace, owner, "Late loads", purpose="discovery", questions=(OPEN, LEADING))


def test_the_coach_reviews_each_question_in_the_documented_shape(api):
    response = api.post("/coach", {"questions": [OPEN, LEADING, ""]})

    assert response.status_code == 200
    reviews = response.json()
    assert [r["question"] for r in reviews] == [OPEN, LEADING, ""]
    for review in reviews:
        assert set(review) == {"question", "ok", "findings"}
        assert review["ok"] is (review["findings"] == [])
        for finding in review["findings"]:
            assert set(finding) == {"rule", "message", "suggestion"}
            assert all(isinstance(finding[key], str) and finding[key] for key in finding)
    ok, leading, blank = reviews
    assert ok == {"question": OPEN, "ok": True, "findings": []}
    assert leading["ok"] is False
    assert "leading" in [f["rule"] for f in leading["findings"]]
    assert [f["rule"] for f in blank["findings"]] == ["empty"]


def test_the_coach_needs_at_least_one_question(api):
    assert api.post("/coach", {"questions": []}).status_code == 422
    assert api.post("/coach", {}).status_code == 422


def test_the_api_needs_a_valid_token(workspace):
    assert Client().post("/api/coach", json.dumps({"questions": [OPEN]}),
                         content_type="application/json").status_code == 401
    assert Client(headers={"Authorization": "Bearer oi_not-a-real-token"}).get("/api/guides").status_code == 401


def test_guides_can_be_created_read_listed_updated_and_deleted(api, owner):
    created = api.post("/guides", {"title": "Carrier payments", "purpose": "solution_feedback",
                                   "description": "Reactions to fast pay."})
    assert created.status_code == 201
    body = created.json()
    guide_id = body["id"]
    assert body == {"id": guide_id, "title": "Carrier payments", "purpose": "solution_feedback",
                    "description": "Reactions to fast pay.", "shared": True, "owner_id": owner.pk, "questions": []}

    added = api.post(f"/guides/{guide_id}/questions", {"text": "What is missing for this to work in your day?",
                                                       "interviewer_notes": "Show the prototype first."})
    assert added.status_code == 201
    assert added.json()["position"] == 1
    api.post(f"/guides/{guide_id}/questions", {"text": OPEN})

    read = api.get(f"/guides/{guide_id}").json()
    assert [(q["position"], q["text"]) for q in read["questions"]] == [
        (1, "What is missing for this to work in your day?"), (2, OPEN)]

    listing = api.get("/guides").json()
    assert listing["count"] == 1
    assert [g["title"] for g in listing["items"]] == ["Carrier payments"]

    updated = api.patch(f"/guides/{guide_id}", {"title": "Fast pay", "purpose": "solution_feedback", "shared": False})
    assert updated.status_code == 200
    assert (updated.json()["title"], updated.json()["shared"]) == ("Fast pay", False)
    assert Guide.objects.get(pk=guide_id).title == "Fast pay"

    first = read["questions"][0]["id"]
    assert api.delete(f"/guide-questions/{first}").status_code == 204
    assert [(q["position"], q["text"]) for q in api.get(f"/guides/{guide_id}").json()["questions"]] == [(1, OPEN)]

    assert api.delete(f"/guides/{guide_id}").status_code == 204
    assert api.get(f"/guides/{guide_id}").status_code == 404
    assert not Guide.objects.filter(pk=guide_id).exists()


def test_a_guide_gets_the_coachs_score_and_advice(api, guide):
    response = api.get(f"/guides/{guide.pk}/score")

    assert response.status_code == 200
    score = response.json()
    assert (score["question_count"], score["ok_count"], score["ok_share"]) == (2, 1, 0.5)
    assert score["rule_counts"]["leading"] == 1
    assert score["advice"]
    assert [r["question"] for r in score["reviews"]] == [OPEN, LEADING]
    assert [r["ok"] for r in score["reviews"]] == [True, False]


def test_an_empty_title_is_refused_with_422(api):
    assert api.post("/guides", {"title": ""}).status_code == 422
    blank = api.post("/guides", {"title": "   "})
    assert blank.status_code == 422
    assert Guide.objects.count() == 0


def test_an_empty_question_is_refused_with_422(api, guide):
    assert api.post(f"/guides/{guide.pk}/questions", {"text": ""}).status_code == 422
    assert api.post(f"/guides/{guide.pk}/questions", {"text": "   "}).status_code == 422
    assert guide.questions.count() == 2


def test_a_guide_of_another_workspace_is_not_found(api, other_workspace):
    stranger = other_workspace.memberships.get().user
    foreign = services.save_guide(other_workspace, stranger, {"title": "Theirs"})
    question = services.add_question(foreign, text=OPEN)

    assert api.get(f"/guides/{foreign.pk}").status_code == 404
    assert api.get(f"/guides/{foreign.pk}/score").status_code == 404
    assert api.patch(f"/guides/{foreign.pk}", {"title": "Mine now"}).status_code == 404
    assert api.post(f"/guides/{foreign.pk}/questions", {"text": "What happened next?"}).status_code == 404
    assert api.delete(f"/guide-questions/{question.pk}").status_code == 404
    assert api.delete(f"/guides/{foreign.pk}").status_code == 404
    assert api.get("/guides").json()["count"] == 0
    foreign.refresh_from_db()
    assert foreign.title == "Theirs" and foreign.questions.count() == 1


def test_a_private_guide_of_another_member_is_not_found(api, api_for, workspace, member):
    private = services.save_guide(workspace, member, {"title": "My drafts", "shared": False})
    question = services.add_question(private, text=OPEN)

    assert api.get(f"/guides/{private.pk}").status_code == 404
    assert api.get(f"/guides/{private.pk}/score").status_code == 404
    assert api.delete(f"/guide-questions/{question.pk}").status_code == 404
    assert api.get("/guides").json()["count"] == 0
    assert api_for(workspace, member).get(f"/guides/{private.pk}").status_code == 200


def test_a_viewers_token_reads_guides_but_cannot_change_them(api_for, workspace, viewer, guide):
    api = api_for(workspace, viewer)
    assert api.get(f"/guides/{guide.pk}").status_code == 200
    assert api.post("/guides", {"title": "Viewer's guide"}).status_code == 403
    assert api.post(f"/guides/{guide.pk}/questions", {"text": "What happened next?"}).status_code == 403
    assert guide.questions.count() == 2


def test_patch_changes_only_the_fields_sent(api, guide):
    services.save_guide(guide.workspace, guide.owner, {"description": "Ask the night shift.", "shared": False},
                        guide=guide)

    response = api.patch(f"/guides/{guide.pk}", {"title": "Late loads, winter"})

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["purpose"], body["description"], body["shared"]) == (
        "Late loads, winter", "discovery", "Ask the night shift.", False)
    assert api.patch(f"/guides/{guide.pk}", {"title": " "}).status_code == 422
    guide.refresh_from_db()
    assert guide.title == "Late loads, winter"
