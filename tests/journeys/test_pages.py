"""The journey pages: a journey from a template, touchpoints added, evidence proposed and decided with htmx, the
canvas as valid SVG that fits a phone (inside its frame) and one landscape page."""

import functools
from xml.etree import ElementTree

import factories
import pytest
from django.urls import reverse

from outsidein.insights import themes
from outsidein.journeys import selectors, services
from outsidein.journeys.canvas import journey_canvas
from outsidein.journeys.models import EvidenceLink, Journey, LinkStatus, Touchpoint

SVG = "{http://www.w3.org/2000/svg}"
add_feedback = functools.partial(factories.feedback_item, source_name="survey", sentiment=-0.4)
TEXTS = ["The invoice amount never matches the quote", "We were invoiced twice for one load",
         "The invoice total does not match what sales quoted", "Every invoice needs a manual correction",
         "Invoice does not match the quote again", "The invoice shows a rate that is not the quote",
         "The tracking page shows the truck in the wrong city", "Tracking updates stop after pick up",
         "No tracking update for two days while in transit", "I cannot log in to the portal",
         "Password reset e-mail never arrives", "Locked out of my account again"]


def url(name: str, ws, **kwargs) -> str:
    return reverse(name, kwargs={"ws": ws.slug, **kwargs})


def test_a_journey_is_built_from_a_template_and_filled_in(owner_client, workspace, segment) -> None:
    response = owner_client.post(url("journey-create", workspace), {
        "name": "Shippers", "segment": segment.pk, "template": "shipment", "description": ""})
    journey = Journey.objects.get(workspace=workspace, name="Shippers")
    assert response.status_code == 302 and response["Location"] == journey.get_absolute_url()
    invoice_stage = journey.stages.get(name="Invoice")
    owner_client.post(url("touchpoint-add", workspace, stage_id=invoice_stage.pk), {
        "name": "Invoice arrives", "channel": "e-mail", "owner_team": "Finance",
        "expectation": "The invoice matches the quote", "belief": 2})
    owner_client.post(url("stage-add", workspace, journey_id=journey.pk), {"name": "Dispute"})
    last = journey.stages.order_by("position").last()
    assert last is not None and last.name == "Dispute"
    owner_client.post(url("stage-move", workspace, stage_id=last.pk), {"direction": "earlier"})
    assert [s.name for s in journey.stages.order_by("position")][-2:] == ["Dispute", "Invoice"]
    page = owner_client.get(journey.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Invoice arrives" in html and "no evidence yet" in html and "<svg" in html


def test_a_journey_name_used_twice_is_refused_next_to_its_field(owner_client, workspace, segment, owner) -> None:
    services.create_journey(workspace, owner, name="Shippers", segment=segment)
    response = owner_client.post(url("journey-create", workspace), {
        "name": "Shippers", "segment": segment.pk, "template": "business"})
    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert Journey.objects.filter(workspace=workspace).count() == 1


def test_a_segment_of_another_workspace_is_not_offered(owner_client, workspace, other_workspace) -> None:
    theirs = factories.segment(other_workspace, "Their segment")
    response = owner_client.post(url("journey-create", workspace), {
        "name": "Sneaky", "segment": theirs.pk, "template": "business"})
    assert response.status_code == 422 and not Journey.objects.filter(name="Sneaky").exists()


@pytest.fixture
def touchpoint(workspace, owner, segment) -> Touchpoint:
    for text in TEXTS:
        add_feedback(workspace, text)
    themes.run_theme_analysis(workspace, k=3, method="tfidf")
    journey = services.create_journey(workspace, owner, name="Shippers", segment=segment, template="shipment")
    return services.add_touchpoint(journey.stages.get(name="Invoice"), name="Invoice arrives",
                                   expectation="The invoice matches the quote", belief=2)


def test_evidence_is_proposed_and_decided_in_place(owner_client, workspace, touchpoint) -> None:
    htmx = {"HTTP_HX_REQUEST": "true"}
    found = owner_client.post(url("touchpoint-propose", workspace, touchpoint_id=touchpoint.pk), **htmx)
    assert found.status_code == 200 and 'id="evidence"' in found.content.decode()
    assert "proposed: accept what is evidence" in found.content.decode()
    proposals = list(selectors.proposals_for(touchpoint))
    assert proposals and all("invoice" in link.source.text.lower() for link in proposals)
    first, second = proposals[0], proposals[1]
    answer = owner_client.post(url("evidence-decide", workspace, evidence_link_id=first.pk), {"decision": "accept"},
                               **htmx)
    assert "Accepted as evidence." in answer.content.decode()
    owner_client.post(url("evidence-decide", workspace, evidence_link_id=second.pk), {"decision": "reject"})
    assert EvidenceLink.objects.get(pk=first.pk).status == LinkStatus.ACCEPTED
    assert EvidenceLink.objects.get(pk=second.pk).status == LinkStatus.REJECTED
    page = owner_client.get(touchpoint.get_absolute_url()).content.decode()
    assert first.source.text in page and "1</strong> piece of evidence" in page


def test_a_viewer_reads_the_evidence_but_cannot_decide(viewer_client, workspace, touchpoint) -> None:
    link = services.propose_evidence(touchpoint)[0]
    page = viewer_client.get(touchpoint.get_absolute_url()).content.decode()
    assert link.source.text in page and "Accept</button>" not in page and "Find evidence" not in page
    refused = viewer_client.post(url("evidence-decide", workspace, evidence_link_id=link.pk), {"decision": "accept"})
    assert refused.status_code == 403
    assert EvidenceLink.objects.get(pk=link.pk).status == LinkStatus.PROPOSED


def test_the_canvas_is_valid_svg_with_every_stage_touchpoint_and_pain(workspace, owner, touchpoint) -> None:
    for link in services.propose_evidence(touchpoint)[:3]:
        services.decide(link, owner, accept=True)
    journey = selectors.journey_detail(workspace, touchpoint.stage.journey_id)
    figures = selectors.touchpoint_figures(journey)
    svg = ElementTree.fromstring(str(journey_canvas(journey, figures)))  # parses: well-formed XML
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img" and svg.findtext(f"{SVG}title")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for stage in ("Quote", "Book", "Pick up", "In transit", "Deliver", "Invoice"):
        assert stage in texts
    assert "Invoice arrives" in texts and "3 pieces" in texts
    assert figures[touchpoint.pk].painful  # believed very well, the invoices say otherwise
    assert len([p for p in svg.iter(f"{SVG}path") if p.get("class") == "pain-mark"]) == 1
    width = float(svg.get("viewBox").split()[2])
    assert width == 6 * 178 + 10  # six stages across, each a card's width


def test_a_feedback_item_and_a_theme_are_linked_from_their_pages(owner_client, workspace, touchpoint) -> None:
    item = add_feedback(workspace, "The invoice was wrong again this month")
    detail = owner_client.get(reverse("feedback-detail", kwargs={"ws": workspace.slug, "feedback_id": item.pk}))
    offer = url("evidence-link-new", workspace) + f"?feedback={item.pk}"
    assert offer in detail.content.decode()  # "Link to a journey" on the item's page
    page = owner_client.get(offer)
    assert page.status_code == 200 and "Shippers · Invoice · Invoice arrives" in page.content.decode()
    linked = owner_client.post(offer, {"feedback": item.pk, "touchpoint": touchpoint.pk})
    assert linked.status_code == 302 and linked["Location"] == touchpoint.get_absolute_url()
    assert EvidenceLink.objects.get(touchpoint=touchpoint, feedback_item=item).status == LinkStatus.ACCEPTED

    theme = themes.live_themes(workspace).order_by("-size").first()
    theme_page = owner_client.get(reverse("theme-detail", kwargs={"ws": workspace.slug, "theme_id": theme.pk}))
    assert f"?theme={theme.pk}" in theme_page.content.decode()
    owner_client.post(url("evidence-link-new", workspace), {"theme": theme.pk, "touchpoint": touchpoint.pk})
    members = {m.feedback_item_id for m in theme.members.all()}
    linked_items = set(EvidenceLink.objects.filter(touchpoint=touchpoint).values_list("feedback_item_id",
                                                                                      flat=True))
    assert members <= linked_items  # a small theme: every wording of it


def test_linking_a_text_of_another_workspace_is_not_found(owner_client, workspace, other_workspace,
                                                          touchpoint) -> None:
    theirs = factories.feedback_item(other_workspace, "Their words")
    offer = url("evidence-link-new", workspace) + f"?feedback={theirs.pk}"
    assert owner_client.get(offer).status_code == 404
    assert owner_client.post(offer, {"feedback": theirs.pk, "touchpoint": touchpoint.pk}).status_code == 404
    assert owner_client.get(url("evidence-link-new", workspace)).status_code == 404  # nothing named
