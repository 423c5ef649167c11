"""The journey canvas in the browser: a journey built from its template, a touchpoint added, the evidence Outside-In
proposes accepted in place; the canvas read on a phone and printed on one A4 landscape page."""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from outsidein.journeys.models import EvidenceLink, Journey, LinkStatus
from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser


def test_build_a_journey_and_accept_its_evidence(page: Page, demo, login, screenshot, browser_problems) -> None:
    login(*demo_login())
    ws = demo.workspace
    page.goto(reverse("journey-list", kwargs={"ws": ws.slug}))
    page.get_by_role("button", name="New journey").click()
    page.get_by_label("Name").fill("Carriers, week by week")
    page.get_by_label("Segment").select_option(label="Independent carriers")
    page.get_by_label("Start from").select_option(label="Business customer")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Journey created")).to_be_visible()
    for stage in ("Discover", "Buy", "Onboard", "Use", "Get help", "Renew"):
        expect(page.get_by_role("heading", name=stage, exact=True)).to_be_visible()

    page.locator("#stage-" + str(Journey.objects.get(name="Carriers, week by week").stages.get(name="Get help").pk)
                 ).get_by_role("button", name="+ Touchpoint").click()
    page.get_by_label("Name").fill("Support call")
    page.get_by_label("Channel").fill("phone")
    page.get_by_label("What we believe they expect").fill("Support knows our lanes and answers on the first call")
    page.get_by_label("How well we believe we serve it").select_option(label="Very well")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Touchpoint added")).to_be_visible()

    page.get_by_role("button", name="Find evidence").click()
    expect(page.get_by_text("proposed: accept what is evidence")).to_be_visible()
    screenshot("proposals")
    first = page.locator(".proposals li").first
    quote = first.locator("blockquote").inner_text()
    first.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted as evidence.")).to_be_visible()
    expect(page.locator(".evidence-list").first.get_by_text(quote).first).to_be_visible()
    link = EvidenceLink.objects.get(touchpoint__stage__journey__name="Carriers, week by week",
                                    status=LinkStatus.ACCEPTED)
    assert link.source.text == quote
    page.get_by_role("link", name="← Carriers, week by week").click()
    expect(page.locator(".journey-canvas svg")).to_be_visible()
    screenshot("journey")

    # From the touchpoint to action: an initiative in "nail the pain", its evidence carried along.
    page.get_by_role("link", name="Support call").first.click()
    page.get_by_role("button", name="Start an initiative").click()
    expect(page.get_by_text("Initiative started in “nail the pain”")).to_be_visible()
    expect(page.get_by_role("heading", name="Journey touchpoints it addresses")).to_be_visible()
    expect(page.locator("#touchpoints").get_by_role("link", name="Support call")).to_be_visible()
    screenshot("initiative")
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_canvas_reads_on_a_phone(page: Page, demo, login, screenshot, browser_problems) -> None:
    login(*demo_login())
    journey = Journey.objects.get(workspace=demo.workspace, name="A shipment, end to end")
    page.goto(journey.get_absolute_url())
    expect(page.locator("#widest-gap")).to_be_visible()  # the demo's evidence calls one moment out
    canvas = page.locator(".journey-canvas svg")
    scale = page.evaluate("s => s.getScreenCTM().a", canvas.element_handle())
    assert scale >= 0.89  # its text at 90% of its size or more: the canvas scrolls inside its frame instead
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    screenshot("phone")
    assert browser_problems.errors == []


def test_the_canvas_prints_on_one_landscape_page(page: Page, demo, login, screenshot) -> None:
    login(*demo_login())
    journey = Journey.objects.get(workspace=demo.workspace, name="A shipment, end to end")
    page.goto(reverse("journey-print", kwargs={"ws": demo.workspace.slug, "journey_id": journey.pk}))
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    screenshot("print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert "Invoice arrives" in pdf.pages[0].extract_text()


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_read_the_marketplace_brief(page: Page, demo, login, screenshot, browser_problems, viewport) -> None:
    login(*demo_login())
    page.goto(reverse("marketplace", kwargs={"ws": demo.workspace.slug}))
    expect(page.get_by_role("heading", name="The catalogue")).to_be_visible()
    expect(page.get_by_role("heading", name="Transportation management")).to_be_visible()
    expect(page.get_by_text("Direct sales with a solutions engineer").first).to_be_visible()  # a demo note
    expect(page.get_by_role("heading", name="LoadLedger")).to_be_visible()
    expect(page.locator(".competitor").first.get_by_text("first-hand").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    screenshot("brief")
    assert browser_problems.errors == []
