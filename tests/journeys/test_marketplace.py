"""The marketplace brief on constructed data: products grouped by class with target and non-target segments and
the go-to-market per class and segment; competitors by class with what the field says, newest first, where we meet
them and what sales meetings heard; a bounded number of queries."""

from datetime import timedelta

import factories
import pytest
from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Highlight, HighlightKind, Kind
from outsidein.core.services import create_owned
from outsidein.customers.models import Competitor, Product
from outsidein.journeys import services
from outsidein.journeys.marketplace import marketplace_brief


@pytest.fixture
def market(workspace, owner, segments):
    enterprise, smb = segments["Retail"], segments["Wholesale"]
    create_owned(Product, workspace, {"name": "TMS", "product_class": "Transportation management",
                                      "target_segments": [enterprise], "non_target_segments": [smb]})
    create_owned(Product, workspace, {"name": "TMS Lite", "product_class": "Transportation management",
                                      "target_segments": [smb]})
    create_owned(Product, workspace, {"name": "Audit", "product_class": "Finance", "target_segments": [enterprise]})
    pilot = create_owned(Competitor, workspace, {"name": "FreightPilot", "competitor_class": "direct"})
    create_owned(Competitor, workspace, {"name": "Spreadsheets", "competitor_class": "substitute"})
    big = factories.account(workspace, "Big Co", segment=enterprise)
    small = factories.account(workspace, "Small Co", segment=smb)
    now = timezone.now()
    for days, kind, account, text in [(30, Kind.COFFEE, big, "FreightPilot showed live tracking"),
                                      (10, Kind.SALES_SIT_IN, big, "We lost to FreightPilot on price"),
                                      (5, Kind.CUSTOMER_VISIT, small, "FreightPilot is cheaper for us"),
                                      (1, Kind.COFFEE, big, "FreightPilot showed live tracking")]:
        talk = factories.conversation(workspace, kind=kind, members=[owner], account=account,
                                      occurred_at=now - timedelta(days=days))
        Highlight.objects.create(workspace=workspace, conversation=talk, kind=HighlightKind.COMPETITOR_MENTION,
                                 competitor=pilot, text=text)
    factories.feedback_item(workspace, "Switching to FreightPilot next year", source_name="survey")
    return enterprise, smb, pilot


def test_the_catalogue_by_class_with_its_segments_and_notes(workspace, owner, market) -> None:
    enterprise, smb, _ = market
    services.save_market_note(workspace, owner, product_class="Transportation management", segment=enterprise,
                              note="Direct sales, annual contracts.")
    brief = marketplace_brief(workspace)
    names = [c.name for c in brief.product_classes]
    assert names == ["Finance", "Transportation management"]
    tms = brief.product_classes[1]
    assert [p.name for p in tms.products] == ["TMS", "TMS Lite"]
    # SMB is a target of TMS Lite, so not a non-target of the class as a whole.
    assert [s.name for s in tms.targets] == [enterprise.name, smb.name] and tms.non_targets == []
    rows = {s.name: (targeted, note.note if note else None) for s, targeted, note in tms.segment_rows()}
    assert rows[enterprise.name] == (True, "Direct sales, annual contracts.")


def test_what_the_field_says_about_each_competitor(workspace, market) -> None:
    enterprise, smb, pilot = market
    brief = marketplace_brief(workspace)
    assert [name for name, _ in brief.competitor_classes] == ["direct", "substitute"]
    c = brief.competitor_classes[0][1][0]
    assert c.competitor == pilot and (c.heard, c.relayed) == (4, 1)
    # Newest first, the same words heard twice shown once.
    assert [h.text for h in c.latest] == ["FreightPilot showed live tracking", "FreightPilot is cheaper for us",
                                          "We lost to FreightPilot on price"]
    assert c.segments == [(enterprise.name, 3), (smb.name, 1)] and c.accounts[0] == ("Big Co", 3)
    assert [h.text for h in c.from_sales] == ["We lost to FreightPilot on price"]
    assert [i.text for i in c.latest_feedback] == ["Switching to FreightPilot next year"]
    nobody = brief.competitor_classes[1][1][0]
    assert (nobody.heard, nobody.relayed, nobody.latest) == (0, 0, [])


def test_the_brief_reads_a_bounded_number_of_queries(workspace, market, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(16):  # two competitors: two text searches each, the rest grouped
        marketplace_brief(workspace)


def test_the_page_and_a_go_to_market_note(owner_client, viewer_client, workspace, market) -> None:
    enterprise, _, _ = market
    page = owner_client.get(reverse("marketplace", kwargs={"ws": workspace.slug})).content.decode()
    assert "Transportation management" in page and "We lost to FreightPilot on price" in page
    edit = reverse("market-note-edit", kwargs={"ws": workspace.slug, "segment_id": enterprise.pk})
    saved = owner_client.post(edit, {"class": "Finance", "note": "Cross-sell after six months."})
    assert saved.status_code == 302
    assert "Cross-sell after six months." in owner_client.get(saved["Location"]).content.decode()
    unknown = owner_client.post(edit, {"class": "Nope", "note": "x"})
    assert unknown.status_code == 422 and "No product is of the class “Nope”" in unknown.content.decode()
    assert viewer_client.post(edit, {"class": "Finance", "note": "y"}).status_code == 403
    assert "write the go-to-market here" not in viewer_client.get(
        reverse("marketplace", kwargs={"ws": workspace.slug})).content.decode()


def test_the_marketplace_through_the_api(api, api_for, viewer, workspace, market) -> None:
    enterprise = market[0]
    written = api("PUT", "/market-notes", {"product_class": "Finance", "segment_id": enterprise.pk,
                                           "note": "Cross-sell after six months."})
    assert written.status_code == 200 and written.json()["target"] is True
    classes = {c["name"]: c for c in api.get("/product-classes").json()}
    finance = classes["Finance"]["segments"]
    assert finance == [{"segment_id": enterprise.pk, "segment": enterprise.name, "target": True,
                        "go_to_market": "Cross-sell after six months."}]
    competitors = api.get("/competitor-classes").json()
    direct = competitors[0]
    assert direct["name"] == "direct" and direct["competitors"][0]["name"] == "FreightPilot"
    first = direct["competitors"][0]
    assert (first["mentions_first_hand"], first["mentions_in_feedback"]) == (4, 1)
    assert [m["sales_meeting"] for m in first["latest"]] == [False, False, True]
    unknown = api("PUT", "/market-notes", {"product_class": "Nope", "segment_id": enterprise.pk, "note": "x"})
    assert unknown.status_code == 422 and "product_class" in unknown.content.decode()
    foreign = api("PUT", "/market-notes", {"product_class": "Finance", "segment_id": 999_999, "note": "x"})
    assert foreign.status_code == 422 and "segment_id" in foreign.content.decode()
    assert api_for(workspace, viewer)("PUT", "/market-notes", {
        "product_class": "Finance", "segment_id": enterprise.pk, "note": "y"}).status_code == 403
