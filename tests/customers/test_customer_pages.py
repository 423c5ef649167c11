"""The customer pages: list with search, create, edit and delete for every resource, and the account page."""

import re

import factories
import pytest

from outsidein.conversations import services as conversation_services
from outsidein.customers.models import Account, Competitor, Person, Product, Segment


def field_block(html: str, name: str) -> str:
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)(?=<div class="field|</form>)', html, re.S)
    assert match, f"no field container for {name}"
    return match.group(1)


# Each resource: its URL part, a valid form, a change for the edit, and the model.
RESOURCES = {
    "segments": (Segment, lambda ctx: {"name": "Retail", "description": "Shops"}, {"description": "Small shops"}),
    "accounts": (Account, lambda ctx: {"name": "Initech", "segment": ctx["segment"].pk, "annual_revenue": "5000",
                                       "tier": "growth", "account_manager": ctx["member"].pk},
                 {"tier": "key"}),
    "persons": (Person, lambda ctx: {"name": "Milton", "email": "milton@initech.example", "role": "end_user",
                                     "account": ctx["account"].pk}, {"title": "Collator"}),
    "competitors": (Competitor, lambda ctx: {"name": "FreightCo", "aliases": "FC", "competitor_class": "direct"},
                    {"notes": "Cheaper"}),
    "products": (Product, lambda ctx: {"name": "Track & Trace", "product_class": "software",
                                       "target_segments": [ctx["segment"].pk]}, {"go_to_market": "Partners"}),
}


@pytest.mark.parametrize("plural", RESOURCES)
def test_create_edit_search_delete(plural, owner_client, workspace, segment, account, member):
    model, make_form, change = RESOURCES[plural]
    base = f"/w/{workspace.slug}/{plural}/"
    form = make_form({"segment": segment, "account": account, "member": member})
    assert owner_client.get(f"{base}new/").status_code == 200

    created = owner_client.post(f"{base}new/", form)
    assert created.status_code == 302, created.content.decode()[:2000]
    obj = model.objects.get(workspace=workspace, name=form["name"])
    assert created["Location"] == obj.get_absolute_url()
    detail = owner_client.get(obj.get_absolute_url())
    assert detail.status_code == 200 and form["name"] in detail.content.decode().replace("&amp;", "&")

    listing = owner_client.get(base).content.decode().replace("&amp;", "&")
    assert form["name"] in listing
    searched = owner_client.get(base, {"q": form["name"][:4].lower()}).content.decode().replace("&amp;", "&")
    assert form["name"] in searched
    assert "No " in owner_client.get(base, {"q": "zzzz-nothing"}).content.decode()

    edited = owner_client.post(f"{base}{obj.pk}/edit/", {**form, **change})
    assert edited.status_code == 302
    obj.refresh_from_db()
    field, value = next(iter(change.items()))
    assert getattr(obj, field) == value

    assert owner_client.get(f"{base}{obj.pk}/delete/").status_code == 200
    assert owner_client.post(f"{base}{obj.pk}/delete/").status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("plural", RESOURCES)
def test_missing_name_is_shown_next_to_the_field(plural, owner_client, workspace):
    model = RESOURCES[plural][0]
    before = model.objects.count()
    response = owner_client.post(f"/w/{workspace.slug}/{plural}/new/", {"name": ""})
    assert response.status_code == 422
    assert "This field is required" in field_block(response.content.decode(), "name")
    assert model.objects.count() == before


def test_bad_values_are_shown_next_to_their_fields(owner_client, workspace, account):
    response = owner_client.post(f"/w/{workspace.slug}/accounts/new/",
                                 {"name": "Globex 2", "annual_revenue": "lots", "tier": "gold",
                                  "website": "not a url"})
    assert response.status_code == 422
    html = response.content.decode()
    for name in ["annual_revenue", "tier", "website"]:
        assert "errorlist" in field_block(html, name), name
    assert "errorlist" not in field_block(html, "name")
    assert not Account.objects.filter(name="Globex 2").exists()


def test_duplicate_names_are_refused_with_a_reason(owner_client, workspace, segment):
    response = owner_client.post(f"/w/{workspace.slug}/segments/new/", {"name": "Enterprise"})
    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert Segment.objects.filter(name="Enterprise").count() == 1


def test_edit_form_offers_only_this_workspaces_choices(owner_client, workspace, other_workspace, account):
    theirs = factories.segment(other_workspace, "Their segment")
    html = owner_client.get(f"/w/{workspace.slug}/accounts/{account.pk}/edit/").content.decode()
    assert "Their segment" not in html
    assert "Sam Stranger" not in html  # the other workspace's member is no account manager here
    response = owner_client.post(f"/w/{workspace.slug}/accounts/{account.pk}/edit/",
                                 {"name": "Globex", "segment": theirs.pk})
    assert response.status_code == 422
    assert "errorlist" in field_block(response.content.decode(), "segment")
    account.refresh_from_db()
    assert account.segment.name == "Enterprise"


def test_product_cannot_target_and_exclude_the_same_segment(owner_client, workspace, segment):
    response = owner_client.post(f"/w/{workspace.slug}/products/new/", {
        "name": "Confused", "target_segments": [segment.pk], "non_target_segments": [segment.pk]})
    assert response.status_code == 422
    assert "both a target and not a target" in field_block(response.content.decode(), "non_target_segments")
    assert not Product.objects.exists()


def test_account_list_filters_by_segment_and_pages(owner_client, workspace, segment):
    retail = factories.segment(workspace, "Retail")
    for n in range(60):
        factories.account(workspace, f"Shop {n:02d}", segment=retail)
    factories.account(workspace, "Globex", segment=segment)
    html = owner_client.get(f"/w/{workspace.slug}/accounts/", {"segment": segment.pk}).content.decode()
    assert "Globex" in html and "Shop 00" not in html
    first = owner_client.get(f"/w/{workspace.slug}/accounts/").content.decode()
    second = owner_client.get(f"/w/{workspace.slug}/accounts/", {"page": 2}).content.decode()
    assert "Shop 00" in first and "Shop 59" not in first
    assert "Shop 59" in second


def test_account_page_shows_everything_about_the_customer(owner_client, owner, member, workspace, account):
    hank = factories.person(workspace, "Hank Scorpio", account=account, role="buyer")
    factories.person(workspace, "Someone Elsewhere")
    conversation_services.save_conversation(
        workspace, member, {"account": account, "kind": "site_visit", "notes": "Walked the depot"},
        persons=[hank], highlights=[{"kind": "pain", "text": "Labels print twice", "person": hank}])
    other = factories.account(workspace, "Initech")
    conversation_services.save_conversation(workspace, owner, {"account": other, "notes": "Unrelated chat"},
                                            highlights=[{"kind": "gain", "text": "Unrelated praise"}])

    html = owner_client.get(account.get_absolute_url()).content.decode()
    assert "Hank Scorpio" in html and "Buyer" in html
    assert "Someone Elsewhere" not in html
    assert "Walked the depot" in html and "Site / home visit" in html
    assert "Labels print twice" in html
    assert "Unrelated chat" not in html and "Unrelated praise" not in html
    assert "Enterprise" in html


def test_person_list_filters_by_account_and_searches_account_names(owner_client, workspace, account):
    factories.person(workspace, "Hank Scorpio", account=account)
    factories.person(workspace, "Milton")
    by_account = owner_client.get(f"/w/{workspace.slug}/persons/", {"account": account.pk}).content.decode()
    assert "Hank Scorpio" in by_account and "Milton" not in by_account
    by_name = owner_client.get(f"/w/{workspace.slug}/persons/", {"q": "globex"}).content.decode()
    assert "Hank Scorpio" in by_name and "Milton" not in by_name


def test_viewer_sees_no_write_buttons(viewer_client, workspace, account):
    html = viewer_client.get(account.get_absolute_url()).content.decode()
    assert f"/accounts/{account.pk}/edit/" not in html
    listing = viewer_client.get(f"/w/{workspace.slug}/accounts/").content.decode()
    assert "/accounts/new/" not in listing and "/accounts/import/" not in listing
