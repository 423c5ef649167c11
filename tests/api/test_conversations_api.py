"""Conversations and highlights through the API: the same services and selectors as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight


@pytest.fixture
def account(api):
    segment = api.post("/segments", {"name": "Enterprise"}).json()
    return api.post("/accounts", {"name": "Globex", "segment_id": segment["id"]}).json()


@pytest.fixture
def person(api, account):
    return api.post("/persons", {"name": "Hank Scorpio", "account_id": account["id"], "role": "buyer"}).json()


def test_log_a_conversation_with_highlights(api, owner, member, account, person):
    competitor = api.post("/competitors", {"name": "FreightCo"}).json()
    response = api.post("/conversations", {
        "kind": "customer_visit", "account_id": account["id"], "person_ids": [person["id"]],
        "member_ids": [owner.pk, member.pk], "led_by_id": member.pk, "duration_minutes": 45, "channel": "video",
        "notes": "Walked the **dock** with Hank.",
        "highlights": [
            {"kind": "pain", "text": "Tracking is always late", "person_id": person["id"], "tags": ["Tracking"]},
            {"kind": "competitor_mention", "text": "FreightCo is cheaper", "competitor_id": competitor["id"]},
        ],
    })
    assert response.status_code == 201, response.content
    conversation = response.json()
    assert conversation["status"] == "logged"
    assert conversation["person_ids"] == [person["id"]]
    assert sorted(conversation["member_ids"]) == sorted([owner.pk, member.pk])
    assert conversation["led_by_id"] == member.pk
    assert conversation["highlight_count"] == 2

    highlights = api.get("/highlights", conversation_id=conversation["id"]).json()
    assert highlights["count"] == 2
    pain = next(h for h in highlights["items"] if h["kind"] == "pain")
    assert pain["tags"] == ["tracking"]
    assert pain["person_id"] == person["id"]
    assert api.get(f"/conversations/{conversation['id']}").json() == conversation


def test_defaults_make_a_quick_log(api, owner, account):
    before = timezone.now()
    conversation = api.post("/conversations", {"account_id": account["id"], "notes": "Quick chat"}).json()
    assert conversation["kind"] == "coffee"
    assert conversation["member_ids"] == [owner.pk]
    assert conversation["led_by_id"] == owner.pk
    assert conversation["status"] == "logged"
    assert Conversation.objects.get(pk=conversation["id"]).occurred_at >= before


def test_future_date_plans_and_cancelled_cancels(api, account):
    soon = (timezone.now() + timedelta(days=3)).isoformat()
    planned = api.post("/conversations", {"account_id": account["id"], "occurred_at": soon}).json()
    assert planned["status"] == "planned"
    cancelled = api.patch(f"/conversations/{planned['id']}", {"cancelled": True}).json()
    assert cancelled["status"] == "cancelled"
    assert api.get("/conversations", status="cancelled").json()["count"] == 1


def test_patch_and_delete_conversation(api, account, person):
    conversation = api.post("/conversations", {"account_id": account["id"], "notes": "First"}).json()
    patched = api.patch(f"/conversations/{conversation['id']}", {"notes": "Second", "person_ids": [person["id"]]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["notes"] == "Second"
    assert patched.json()["person_ids"] == [person["id"]]
    assert patched.json()["kind"] == "coffee"
    assert api.delete(f"/conversations/{conversation['id']}").status_code == 204
    assert api.get(f"/conversations/{conversation['id']}").status_code == 404
    assert not Conversation.objects.filter(pk=conversation["id"]).exists()


def test_list_filters_and_search(api, owner, member, account):
    other = api.post("/accounts", {"name": "Initech"}).json()
    long_ago = (timezone.now() - timedelta(days=40)).isoformat()
    api.post("/conversations", {"account_id": account["id"], "notes": "Talked about pallets", "kind": "site_visit"})
    api.post("/conversations", {"account_id": other["id"], "notes": "Invoices", "member_ids": [member.pk],
                                "occurred_at": long_ago})
    everything = api.get("/conversations").json()
    assert everything["count"] == 2
    assert api.get("/conversations", kind="site_visit").json()["count"] == 1
    assert api.get("/conversations", account_id=other["id"]).json()["count"] == 1
    assert api.get("/conversations", member_id=member.pk).json()["count"] == 1
    assert api.get("/conversations", segment_id=account["segment_id"]).json()["count"] == 1
    recent_from = (timezone.now() - timedelta(days=7)).date().isoformat()
    assert api.get("/conversations", date_from=recent_from).json()["count"] == 1
    assert [c["notes"] for c in api.get("/conversations", q="pallet").json()["items"]] == ["Talked about pallets"]
    page = api.get("/conversations", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_conversation_bad_input_names_the_field(api, other_api, account, error_locs):
    theirs = other_api.post("/accounts", {"name": "Their account"}).json()
    their_person = other_api.post("/persons", {"name": "Their person"}).json()
    assert ["body", "payload", "account_id"] in error_locs(api.post("/conversations", {"account_id": theirs["id"]}))
    assert ["body", "payload", "person_ids"] in error_locs(
        api.post("/conversations", {"account_id": account["id"], "person_ids": [their_person["id"]]}))
    assert ["body", "payload", "kind"] in error_locs(api.post("/conversations", {"kind": "party"}))
    assert ["body", "payload", "duration_minutes"] in error_locs(
        api.post("/conversations", {"account_id": account["id"], "duration_minutes": -1}))
    response = api.post("/conversations", {"account_id": account["id"],
                                           "highlights": [{"kind": "quote", "text": "ok"},
                                                          {"kind": "pain", "text": "x", "person_id": their_person["id"]}]})
    assert ["body", "payload", "highlights", 1, "person_id"] in error_locs(response)
    response = api.post("/conversations", {"account_id": account["id"], "highlights": [{"kind": "quote", "text": ""}]})
    assert any(loc[:4] == ["body", "payload", "highlights", 0] for loc in error_locs(response))
    assert Conversation.objects.count() == 0


def test_member_ids_must_be_members(api, account, other_workspace, error_locs):
    stranger = other_workspace.memberships.get().user
    response = api.post("/conversations", {"account_id": account["id"], "member_ids": [stranger.pk]})
    assert ["body", "payload", "member_ids"] in error_locs(response)
    response = api.post("/conversations", {"account_id": account["id"], "led_by_id": stranger.pk})
    assert ["body", "payload", "led_by_id"] in error_locs(response)


def test_highlight_lifecycle(api, account, person):
    conversation = api.post("/conversations", {"account_id": account["id"], "notes": "Coffee"}).json()
    created = api.post(f"/conversations/{conversation['id']}/highlights",
                       {"kind": "idea", "text": "Text us when the truck leaves", "person_id": person["id"],
                        "tags": ["Notifications", " sms "]})
    assert created.status_code == 201, created.content
    highlight = created.json()
    assert highlight["tags"] == ["notifications", "sms"]
    assert api.get(f"/highlights/{highlight['id']}").json() == highlight

    assert api.get("/highlights", kind="idea").json()["count"] == 1
    assert api.get("/highlights", kind="pain").json()["count"] == 0
    assert api.get("/highlights", account_id=account["id"]).json()["count"] == 1
    assert api.get("/highlights", q="truck").json()["count"] == 1

    patched = api.patch(f"/highlights/{highlight['id']}", {"kind": "suggestion", "tags": ["sms"]}).json()
    assert patched["kind"] == "suggestion" and patched["tags"] == ["sms"]
    assert patched["text"] == "Text us when the truck leaves"
    # The new wording is searchable through the conversation too.
    assert api.get("/conversations", q="truck").json()["count"] == 1

    assert api.delete(f"/highlights/{highlight['id']}").status_code == 204
    assert not Highlight.objects.filter(pk=highlight["id"]).exists()
    assert api.get("/conversations", q="truck").json()["count"] == 0


def test_highlight_bad_input(api, other_api, account, error_locs):
    conversation = api.post("/conversations", {"account_id": account["id"]}).json()
    url = f"/conversations/{conversation['id']}/highlights"
    assert ["body", "payload", "text"] in error_locs(api.post(url, {"kind": "quote"}))
    assert ["body", "payload", "kind"] in error_locs(api.post(url, {"kind": "rumour", "text": "x"}))
    their_competitor = other_api.post("/competitors", {"name": "Theirs"}).json()
    assert ["body", "payload", "competitor_id"] in error_locs(
        api.post(url, {"text": "x", "competitor_id": their_competitor["id"]}))
    assert Highlight.objects.count() == 0


def test_a_conversation_sent_twice_with_its_client_id_is_created_once(api, account):
    body = {"kind": "coffee", "account_id": account["id"], "notes": "Kept offline, sent twice", "client_id": "phone-42-abc"}
    first = api.post("/conversations", body)
    again = api.post("/conversations", {**body, "notes": "a retry of the same entry"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["notes"] == "Kept offline, sent twice"
    assert api.get("/conversations").json()["count"] == 1
    refused = api.post("/conversations", {**body, "client_id": "no spaces allowed"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "client_id"
