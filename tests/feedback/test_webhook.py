"""The incoming feedback webhook: token auth, one item or a list, idempotent on external_id."""

import json

import pytest
from django.test import Client

from outsidein.core import services as core_services
from outsidein.customers.models import Account
from outsidein.feedback.models import FeedbackItem
from outsidein.workspaces import services as workspace_services


@pytest.fixture
def post(owner, workspace):
    _, secret = workspace_services.create_api_token(workspace, owner, "Helpdesk")
    client = Client()

    def send(body, token: str | None = secret, query: str = ""):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.post(f"/api/feedback{query}", data=json.dumps(body), content_type="application/json",
                           headers=headers)

    return send


def test_one_item_is_saved_with_its_account_and_sentiment(post, workspace):
    account = core_services.create_owned(Account, workspace, {"name": "Acme", "external_id": "CRM-1"})
    answer = post({"external_id": "T-1", "source": "support_ticket", "source_name": "Zendesk", "account": "CRM-1",
                   "csat": 2, "text": "The invoice export is broken and nobody answers.",
                   "received_at": "2026-05-01T10:00:00Z"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (1, 0, 0)
    item = FeedbackItem.objects.get(pk=body["items"][0]["id"])
    assert item.account == account and item.source == "support_ticket" and item.sentiment < 0


def test_a_list_is_idempotent_on_external_id_and_reports_bad_items_by_index(post):
    items = [{"external_id": "R-1", "nps": 9, "text": "Great"}, {"external_id": "R-2", "nps": 14},
             {"external_id": "R-3", "driver_ratings": {"support": 4}}]
    first = post(items).json()
    assert [o["status"] for o in first["items"]] == ["created", "rejected", "created"]
    assert "nps 14 is out of range" in first["items"][1]["reason"]
    again = post(items).json()
    assert [o["status"] for o in again["items"]] == ["duplicate", "rejected", "duplicate"]
    assert again["items"][0]["id"] == first["items"][0]["id"]
    assert FeedbackItem.objects.count() == 2


def test_the_webhook_needs_a_token(post):
    assert post({"text": "hello"}, token=None).status_code == 401
    assert post({"text": "hello"}, token="oi_wrong").status_code == 401
    assert not FeedbackItem.objects.exists()


def test_a_viewer_token_cannot_send_feedback(viewer, workspace):
    _, secret = workspace_services.create_api_token(workspace, viewer, "Read only")
    answer = Client().post("/api/feedback", data=json.dumps({"text": "x"}), content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403


def test_feedback_is_read_back_only_in_its_workspace(owner, workspace, other_workspace):
    _, secret = workspace_services.create_api_token(workspace, owner, "Reader")
    headers = {"Authorization": f"Bearer {secret}"}
    mine = FeedbackItem.objects.create(workspace=workspace, text="Mine", nps=8)
    theirs = FeedbackItem.objects.create(workspace=other_workspace, text="Theirs")
    client = Client()
    assert client.get(f"/api/feedback/{mine.pk}", headers=headers).json()["text"] == "Mine"
    assert client.get(f"/api/feedback/{theirs.pk}", headers=headers).status_code == 404
    listed = client.get("/api/feedback", headers=headers).json()["items"]
    assert [i["text"] for i in listed] == ["Mine"]


def test_one_bad_item_among_a_hundred_is_rejected_with_its_field_and_the_rest_are_saved(post):
    good = [{"external_id": f"B-{i}", "nps": i % 11, "text": f"comment {i}"} for i in range(100)]
    bad = [{"external_id": "B-x", "received_at": "not a date"}, 7, {"external_id": "B-y", "driver_ratings": [1]},
           {"external_id": "B-z", "source": "carrier pigeon"}]
    answer = post(good[:50] + bad + good[50:])
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["rejected"]) == (100, 4)
    rejected = {o["index"]: o["reason"] for o in body["items"] if o["status"] == "rejected"}
    assert sorted(rejected) == [50, 51, 52, 53]
    assert rejected[50].startswith("received_at:")
    assert "must be a JSON object" in rejected[51]
    assert rejected[52].startswith("driver_ratings:")
    assert rejected[53].startswith("source:")
    # Every other outcome keeps the index of the item it answers.
    assert [o["index"] for o in body["items"]] == list(range(104))
    assert FeedbackItem.objects.count() == 100


def test_all_or_nothing_stores_nothing_when_one_item_is_bad(post):
    items = [{"external_id": "A-1", "nps": 9}, {"external_id": "A-2", "nps": "many"}]
    answer = post(items, query="?all_or_nothing=true")
    assert answer.status_code == 422
    body = answer.json()
    assert "nothing was stored" in body["detail"]
    assert [o["index"] for o in body["items"]] == [1] and body["items"][0]["reason"].startswith("nps:")
    assert FeedbackItem.objects.count() == 0
    assert post(items[:1], query="?all_or_nothing=true").json()["created"] == 1


@pytest.mark.parametrize("body", [5, "feedback", True, None])
def test_a_body_of_the_wrong_shape_is_refused(post, body):
    answer = post(body)
    assert answer.status_code == 422
    assert FeedbackItem.objects.count() == 0
