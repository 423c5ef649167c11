"""The customers part of the API: segments, accounts, persons, competitors, products."""

from decimal import Decimal

import pytest

from outsidein.customers.models import Account, Competitor, Person, Product, Segment
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role


def test_segment_lifecycle(api):
    created = api.post("/segments", {"name": "Enterprise", "description": "Big shippers"})
    assert created.status_code == 201
    segment = created.json()
    assert segment["name"] == "Enterprise"
    assert Segment.objects.get(pk=segment["id"]).description == "Big shippers"

    assert api.get(f"/segments/{segment['id']}").json() == segment
    patched = api.patch(f"/segments/{segment['id']}", {"description": "Shippers over 1M"})
    assert patched.status_code == 200
    assert patched.json() == {**segment, "description": "Shippers over 1M"}

    assert api.delete(f"/segments/{segment['id']}").status_code == 204
    assert api.get(f"/segments/{segment['id']}").status_code == 404
    assert not Segment.objects.filter(pk=segment["id"]).exists()


def test_list_is_paginated_and_searchable(api):
    for n in range(7):
        api.post("/segments", {"name": f"Segment {n}", "description": "retail" if n % 2 else "logistics"})
    page = api.get("/segments", limit=3, offset=0).json()
    assert page["count"] == 7
    assert [s["name"] for s in page["items"]] == ["Segment 0", "Segment 1", "Segment 2"]
    rest = api.get("/segments", limit=3, offset=6).json()
    assert [s["name"] for s in rest["items"]] == ["Segment 6"]
    found = api.get("/segments", q="RETAIL").json()
    assert found["count"] == 3


def test_list_shows_only_this_workspace(api, other_api):
    api.post("/segments", {"name": "Ours"})
    other_api.post("/segments", {"name": "Theirs"})
    assert [s["name"] for s in api.get("/segments").json()["items"]] == ["Ours"]
    assert [s["name"] for s in other_api.get("/segments").json()["items"]] == ["Theirs"]


def test_account_with_references_and_filters(api, workspace, owner, member):
    enterprise = api.post("/segments", {"name": "Enterprise"}).json()
    retail = api.post("/segments", {"name": "Retail"}).json()
    created = api.post("/accounts", {
        "name": "Globex", "segment_id": enterprise["id"], "annual_revenue": "1200000.50", "tier": "strategic",
        "account_manager_id": member.pk, "external_id": "CRM-1", "website": "https://globex.example",
    })
    assert created.status_code == 201, created.content
    account = created.json()
    assert account["segment_name"] == "Enterprise"
    assert Decimal(account["annual_revenue"]) == Decimal("1200000.50")
    assert account["account_manager_id"] == member.pk
    api.post("/accounts", {"name": "Initech", "segment_id": retail["id"], "tier": "growth"})

    assert [a["name"] for a in api.get("/accounts", segment_id=enterprise["id"]).json()["items"]] == ["Globex"]
    assert [a["name"] for a in api.get("/accounts", tier="growth").json()["items"]] == ["Initech"]
    assert [a["name"] for a in api.get("/accounts", q="crm-1").json()["items"]] == ["Globex"]

    moved = api.patch(f"/accounts/{account['id']}", {"segment_id": retail["id"], "annual_revenue": None})
    assert moved.status_code == 200
    assert moved.json()["segment_name"] == "Retail"
    assert moved.json()["annual_revenue"] is None
    assert moved.json()["name"] == "Globex"  # fields not sent are kept


def test_account_bad_input_names_the_field(api, other_api, owner, other_workspace, error_locs):
    assert ["body", "payload", "name"] in error_locs(api.post("/accounts", {"tier": "key"}))
    assert ["body", "payload", "name"] in error_locs(api.post("/accounts", {"name": ""}))
    assert ["body", "payload", "annual_revenue"] in error_locs(
        api.post("/accounts", {"name": "Neg", "annual_revenue": -5}))
    assert ["body", "payload", "tier"] in error_locs(api.post("/accounts", {"name": "T", "tier": "platinum"}))

    theirs = other_api.post("/segments", {"name": "Their segment"}).json()
    response = api.post("/accounts", {"name": "Sneaky", "segment_id": theirs["id"]})
    assert ["body", "payload", "segment_id"] in error_locs(response)
    assert "segment_id" in str(response.json())

    stranger = other_workspace.memberships.get().user
    assert ["body", "payload", "account_manager_id"] in error_locs(
        api.post("/accounts", {"name": "Managed", "account_manager_id": stranger.pk}))
    assert not Account.objects.filter(name__in=["Neg", "T", "Sneaky", "Managed"]).exists()


def test_patch_with_bad_reference_changes_nothing(api, other_api, error_locs):
    account = api.post("/accounts", {"name": "Globex"}).json()
    theirs = other_api.post("/segments", {"name": "Their segment"}).json()
    response = api.patch(f"/accounts/{account['id']}", {"name": "Renamed", "segment_id": theirs["id"]})
    assert ["body", "payload", "segment_id"] in error_locs(response)
    assert Account.objects.get(pk=account["id"]).name == "Globex"


def test_person_lifecycle_and_filters(api, error_locs):
    account = api.post("/accounts", {"name": "Globex"}).json()
    created = api.post("/persons", {"name": "Hank Scorpio", "email": "hank@globex.example", "title": "CEO",
                                    "account_id": account["id"], "role": "buyer"})
    assert created.status_code == 201, created.content
    person = created.json()
    api.post("/persons", {"name": "Homer", "account_id": account["id"]})
    api.post("/persons", {"name": "Lone wolf", "role": "internal"})

    assert api.get("/persons", account_id=account["id"]).json()["count"] == 2
    assert [p["name"] for p in api.get("/persons", role="buyer").json()["items"]] == ["Hank Scorpio"]
    assert [p["name"] for p in api.get("/persons", q="scorp").json()["items"]] == ["Hank Scorpio"]
    assert api.patch(f"/persons/{person['id']}", {"title": "Founder"}).json()["title"] == "Founder"
    assert ["body", "payload", "role"] in error_locs(api.post("/persons", {"name": "X", "role": "boss"}))
    assert ["body", "payload", "account_id"] in error_locs(api.post("/persons", {"name": "X", "account_id": 999999}))
    assert api.delete(f"/persons/{person['id']}").status_code == 204
    assert not Person.objects.filter(pk=person["id"]).exists()


def test_duplicate_person_email_is_a_field_error(api, error_locs):
    api.post("/persons", {"name": "Hank", "email": "hank@globex.example"})
    response = api.post("/persons", {"name": "Hank again", "email": "hank@globex.example"})
    assert error_locs(response)
    assert Person.objects.filter(email="hank@globex.example").count() == 1


def test_competitor_lifecycle(api, error_locs):
    created = api.post("/competitors", {"name": "FreightCo", "aliases": "FC, Freight Co", "competitor_class": "direct"})
    assert created.status_code == 201
    competitor = created.json()
    assert api.get("/competitors", q="freight co").json()["count"] == 1
    assert api.patch(f"/competitors/{competitor['id']}", {"notes": "Cheaper"}).json()["notes"] == "Cheaper"
    # The same name twice in a workspace is refused, with the reason.
    assert error_locs(api.post("/competitors", {"name": "FreightCo"}))
    assert Competitor.objects.filter(name="FreightCo").count() == 1
    assert api.delete(f"/competitors/{competitor['id']}").status_code == 204


def test_product_target_segments(api, other_api, error_locs):
    enterprise = api.post("/segments", {"name": "Enterprise"}).json()
    retail = api.post("/segments", {"name": "Retail"}).json()
    created = api.post("/products", {"name": "Track & Trace", "product_class": "software",
                                     "target_segment_ids": [enterprise["id"]], "non_target_segment_ids": [retail["id"]],
                                     "go_to_market": "Direct sales"})
    assert created.status_code == 201, created.content
    product = created.json()
    assert product["target_segment_ids"] == [enterprise["id"]]
    assert product["non_target_segment_ids"] == [retail["id"]]

    both = api.patch(f"/products/{product['id']}", {"target_segment_ids": [enterprise["id"], retail["id"]],
                                                     "non_target_segment_ids": []})
    assert sorted(both.json()["target_segment_ids"]) == sorted([enterprise["id"], retail["id"]])
    assert Product.objects.get(pk=product["id"]).non_target_segments.count() == 0

    theirs = other_api.post("/segments", {"name": "Their segment"}).json()
    response = api.post("/products", {"name": "Leaky", "target_segment_ids": [theirs["id"]]})
    assert ["body", "payload", "target_segment_ids"] in error_locs(response)
    assert not Product.objects.filter(name="Leaky").exists()


def test_product_cannot_target_and_exclude_a_segment(api, error_locs):
    enterprise = api.post("/segments", {"name": "Enterprise"}).json()
    response = api.post("/products", {"name": "Confused", "target_segment_ids": [enterprise["id"]],
                                      "non_target_segment_ids": [enterprise["id"]]})
    assert ["body", "payload", "non_target_segment_ids"] in error_locs(response)
    assert not Product.objects.filter(name="Confused").exists()


def test_workspace_endpoint_names_the_token_workspace(api, workspace):
    assert api.get("/workspace").json() == {"id": workspace.pk, "name": "Acme", "slug": workspace.slug,
                                            "role": "owner"}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER])
def test_members_and_leaders_may_write(role, workspace, api_for):
    from outsidein.workspaces.models import User

    user = User.objects.create_user(f"{role}@example.com", "pw-12345678")
    workspace_services.add_member(workspace, user, role)
    client = api_for(workspace, user)
    assert client.post("/segments", {"name": f"By a {role}"}).status_code == 201


def test_account_tier_can_be_left_out_or_cleared(api):
    account = api.post("/accounts", {"name": "No tier yet"})
    assert account.status_code == 201, account.content
    assert account.json()["tier"] == ""
    key = api.patch(f"/accounts/{account.json()['id']}", {"tier": "key"}).json()
    assert key["tier"] == "key"
    cleared = api.patch(f"/accounts/{account.json()['id']}", {"tier": None})
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["tier"] == ""
    assert api.post("/accounts", {"name": "Blank tier", "tier": ""}).json()["tier"] == ""
