"""Pages on paper: the print view keeps the content and the charts and leaves out the navigation, buttons and forms."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", ["pulse-team", "voice-scores", "initiative-board"])
def test_the_print_view_is_the_content_with_its_charts(page: Page, demo, login, screenshot, name,
                                                       browser_problems) -> None:
    login(*demo_login())
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 page at 96 dpi
    page.goto(reverse(name, kwargs={"ws": demo.workspace.slug}))
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("main h1").first).to_be_visible()
    assert page.locator("main button:visible, main form:visible, main [role=button]:visible").count() == 0
    charts = page.locator("main svg:visible")
    if name != "initiative-board":  # the board is cards, not a chart
        assert charts.count() >= 1
        box = charts.first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 794  # within the page's width
    screenshot("print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    assert browser_problems.errors == []


def test_the_leadership_review_downloads_from_its_page(page: Page, demo, login, screenshot, browser_problems) -> None:
    login(*demo_login())
    page.goto(reverse("pulse-team", kwargs={"ws": demo.workspace.slug}))
    page.get_by_role("button", name="Leadership review (PDF)").click()
    expect(page.get_by_role("heading", name="Leadership review")).to_be_visible()
    screenshot("page")
    running = page.get_by_role("button", name=re.compile(r"^Q\d \d{4}, so far \(PDF\)$"))
    with page.expect_download() as caught:
        running.click()
    download = caught.value
    assert re.fullmatch(r"leadership-review-northwind-\d{4}-Q\d\.pdf", download.suggested_filename)
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    # A period it cannot read is named, and what was typed stays.
    page.get_by_label("Period").fill("2026-13")
    page.get_by_role("button", name="Download the PDF").click()
    expect(page.get_by_text("months run from 1 to 12")).to_be_visible()
    expect(page.get_by_label("Period")).to_have_value("2026-13")
    assert [e for e in browser_problems.errors if "400" not in e] == []
