"""Pages on paper: the print view keeps the content and the charts and leaves out the navigation, buttons and forms."""

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
