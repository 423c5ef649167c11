"""Inputs found by fuzzing the API that used to answer 500: each is now a 422 naming what is wrong."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Account, Person, Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.insights import themes as themes_services

BIGGER_THAN_BIGINT = 2**63


def _messages(response) -> dict[str, str]:
    """The 422's messages keyed by the field they name (the last part of each location)."""
    assert response.status_code == 422, (response.status_code, response.content)
    return {str(item["loc"][-1]): item["msg"] for item in response.json()["detail"]}


@pytest.mark.parametrize("path", ["/segments", "/accounts", "/conversations", "/highlights", "/feedback",
                                  "/initiatives", "/pilots", "/assumptions", "/experiments", "/guides", "/themes",
                                  "/driver-analyses", "/pain"])
def test_an_offset_beyond_what_a_database_counts_is_a_422_naming_it(api, path):
    assert "offset" in _messages(api.get(path, offset=BIGGER_THAN_BIGINT))
    assert "limit" in _messages(api.get(path, limit=BIGGER_THAN_BIGINT))
    last = api.get(path, offset=2**63 - 1 - 500)  # the pain ranking reads offset + limit rows
    assert last.status_code == 200, last.content
    assert last.json()["items"] == []


def test_an_id_beyond_what_a_database_counts_is_a_422_naming_it(api):
    assert "segment_id" in _messages(api.post("/accounts", {"name": "Globex", "segment_id": BIGGER_THAN_BIGINT}))
    assert "account_id" in _messages(api.get("/persons", account_id=-BIGGER_THAN_BIGINT - 1))
    assert not Account.objects.exists()


def test_null_for_a_text_field_in_a_patch_clears_it(api, workspace):
    segment = api.post("/segments", {"name": "Enterprise", "description": "Big shippers"}).json()
    patched = api.patch(f"/segments/{segment['id']}", {"description": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["description"] == ""
    assert Segment.objects.get(pk=segment["id"]).description == ""

    person = api.post("/persons", {"name": "Ada", "email": "ada@example.com", "title": "COO", "notes": "x"}).json()
    patched = api.patch(f"/persons/{person['id']}", {"email": None, "title": None, "notes": None})
    assert patched.status_code == 200, patched.content
    assert Person.objects.filter(pk=person["id"], email="", title="", notes="").exists()

    account = api.post("/accounts", {"name": "Globex", "website": "https://globex.example", "notes": "n"}).json()
    assert api.patch(f"/accounts/{account['id']}", {"website": None, "notes": None}).json()["website"] == ""
    for path, body in [("/competitors", {"name": "Rival", "aliases": "R", "notes": "n"}),
                       ("/products", {"name": "Track", "product_class": "SaaS", "go_to_market": "direct"})]:
        row = api.post(path, body).json()
        cleared = api.patch(f"{path}/{row['id']}", {key: None for key in body if key != "name"})
        assert cleared.status_code == 200, cleared.content
        assert all(cleared.json()[key] == "" for key in body if key != "name")

    initiative = api.post("/initiatives", {"name": "Faster claims", "pain_statement": "Claims take weeks",
                                           "buying_committee": "CFO"}).json()
    cleared = api.patch(f"/initiatives/{initiative['id']}", {"buying_committee": None})
    assert cleared.status_code == 200 and cleared.json()["buying_committee"] == ""

    conversation = api.post("/conversations", {"title": "Coffee with Ada", "notes": "n"}).json()
    cleared = api.patch(f"/conversations/{conversation['id']}", {"title": None, "notes": None})
    assert cleared.status_code == 200, cleared.content
    assert Conversation.objects.filter(pk=conversation["id"], title="", notes="").exists()


def test_null_for_a_field_that_cannot_be_blank_is_a_422_naming_it(api):
    segment = api.post("/segments", {"name": "Enterprise"}).json()
    assert "name" in _messages(api.patch(f"/segments/{segment['id']}", {"name": None}))
    conversation = api.post("/conversations", {"title": "Coffee"}).json()
    assert "kind" in _messages(api.patch(f"/conversations/{conversation['id']}", {"kind": None}))
    assert Segment.objects.get(pk=segment["id"]).name == "Enterprise"


def test_null_in_a_guide_patch_clears_its_description_and_refuses_a_null_title(api):
    guide = api.post("/guides", {"title": "Renewal calls", "description": "Ask about month-end"}).json()
    patched = api.patch(f"/guides/{guide['id']}", {"description": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["description"] == ""
    assert "title" in _messages(api.patch(f"/guides/{guide['id']}", {"title": None}))
    assert api.get(f"/guides/{guide['id']}").json()["title"] == "Renewal calls"


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/segments", {"name": "Enter\x00prise"}, "name"),
    ("/persons", {"name": "Ada", "notes": "line\x00"}, "notes"),
    ("/conversations", {"title": "Coffee", "highlights": [{"text": "It\x00 broke"}]}, "text"),
    ("/assumptions", {"statement": "Shippers \x00 want it"}, "statement"),
])
def test_a_nul_character_in_a_text_field_is_a_422_naming_it(api, path, body, field):
    messages = _messages(api.post(path, body))
    assert "NUL" in messages[field]
    assert api.get(path).json()["count"] == 0


def test_a_nul_character_in_a_search_is_a_422_naming_it(api):
    assert "q" in _messages(api.get("/segments", q="a\x00b"))
    assert "q" in _messages(api.get("/highlights", q="a\x00b"))


def test_a_nul_character_rejects_only_its_own_webhook_item(api, workspace):
    response = api.post("/feedback", [{"text": "Late again", "nps": 3}, {"text": "Broken\x00", "nps": 2},
                                      {"text": "Fine", "driver_ratings": {"speed\x00": 4}}])
    assert response.status_code == 200, response.content
    outcomes = response.json()["items"]
    assert [o["status"] for o in outcomes] == ["created", "rejected", "rejected"]
    assert outcomes[1]["reason"].startswith("text:") and "NUL" in outcomes[1]["reason"]
    assert outcomes[2]["reason"].startswith("driver_ratings") and "NUL" in outcomes[2]["reason"]
    assert list(FeedbackItem.objects.filter(workspace=workspace).values_list("text", flat=True)) == ["Late again"]


@pytest.mark.parametrize("body", [False, [1], "text", 3])
def test_a_patch_whose_body_is_not_an_object_is_a_422(api, body):
    segment = api.post("/segments", {"name": "Enterprise"}).json()
    for path in (f"/segments/{segment['id']}", f"/conversations/{api.post('/conversations', {}).json()['id']}"):
        response = api.call("PATCH", path, body)
        assert response.status_code == 422, (path, response.content)
        assert "object" in str(response.json()["detail"])


def test_inviting_someone_outside_the_workspace_names_their_id(api, workspace, leader, other_workspace):
    stranger = other_workspace.memberships.get().user
    today = date.today()
    body = {"name": "Coffee month", "starts_on": str(today), "ends_on": str(today + timedelta(days=28)),
            "invitee_ids": [leader.pk, stranger.pk]}
    messages = _messages(api.post("/challenges", body))
    assert str(stranger.pk) in messages["invitee_ids"] and str(leader.pk) not in messages["invitee_ids"]
    assert api.get("/challenges").json() == []
    created = api.post("/challenges", {**body, "invitee_ids": [leader.pk]})
    assert created.status_code == 201, created.content


ALIKE = ["Late delivery", "Late delivery!", "late delivery.", "LATE DELIVERY", "Late, delivery", "late delivery?"]
OTHER = ["The invoice charged me twice", "Invoice amount wrong and charged twice", "Double charge on my invoice",
         "Invoice shows a charge twice", "Charged twice, invoice wrong", "Refund the double invoice charge"]


def test_splitting_a_theme_of_texts_that_say_the_same_is_a_422_with_a_reason(api, workspace, owner):
    for i, text in enumerate(ALIKE + OTHER):
        FeedbackItem.objects.create(workspace=workspace, text=text, source_name="test",
                                    received_at=timezone.now() - timedelta(days=i))
    themes_services.start_theme_analysis(workspace, owner, k=2, method="tfidf")
    alike = next(t for t in themes_services.live_themes(workspace) if "delivery" in " ".join(t.top_terms))
    response = api.post(f"/themes/{alike.pk}/split", {"parts": 2})
    assert "too alike" in _messages(response)["parts"]
    assert themes_services.live_themes(workspace).count() == 2


def test_a_challenge_of_centuries_is_a_422_naming_its_end(api):
    body = {"name": "Forever", "starts_on": "0265-09-22", "ends_on": "6619-07-17"}
    assert "52 weeks" in _messages(api.post("/challenges", body))["ends_on"]
    year = api.post("/challenges", {**body, "starts_on": "2026-01-05", "ends_on": "2027-01-03"})
    assert year.status_code == 201, year.content
    assert api.get(f"/challenges/{year.json()['id']}/leaderboard").json()["weeks"] == 52


@pytest.mark.django_db(transaction=True)
def test_a_row_deleted_by_another_request_between_the_checks_and_the_save_is_a_422_not_a_500(api, monkeypatch):
    """The segment is found and checked, then another request deletes it before the account is written: the
    database refuses, and the answer says so in words."""
    segment = api.post("/segments", {"name": "Enterprise"}).json()
    checked = Account.full_clean

    def checked_then_deleted(self, *args, **kwargs):
        checked(self, *args, **kwargs)
        Segment.objects.filter(pk=segment["id"]).delete()

    monkeypatch.setattr(Account, "full_clean", checked_then_deleted)
    refused = api.post("/accounts", {"name": "Globex", "segment_id": segment["id"]})
    assert refused.status_code == 422, refused.content
    assert "at the same moment" in refused.json()["detail"] and "nothing was saved" in refused.json()["detail"]
    assert not Account.objects.exists()
