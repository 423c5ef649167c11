"""Charts on a phone: their text stays readable (a chart keeps a minimum width and scrolls inside its frame) and
the page itself never scrolls sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser

# The rendered size of each chart text, in CSS pixels: its font size in chart units times the chart's scale.
TEXT_SIZES = """() => [...document.querySelectorAll('main .chart svg text')]
  .filter(t => t.getClientRects().length)
  .map(t => ({size: parseFloat(t.getAttribute('font-size') || '12') * t.ownerSVGElement.getScreenCTM().a,
              drawn: parseFloat(t.getAttribute('font-size') || '12')}))"""


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("name", ["pulse", "pulse-team", "voice-scores"])
def test_chart_text_is_readable_on_a_phone(page: Page, demo, login, screenshot, name, browser_problems) -> None:
    login(*demo_login())
    page.goto(reverse(name, kwargs={"ws": demo.workspace.slug}))
    sizes = page.evaluate(TEXT_SIZES)
    assert sizes, "the page shows a chart"
    # Labels drawn at 12 (titles, bar names and values) read at 10.8 px or more, the smallest (10, ticks) at 9.
    assert min(s["size"] for s in sizes if s["drawn"] >= 12) >= 10.5
    assert min(s["size"] for s in sizes if s["drawn"] >= 10) >= 8.9
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # only the chart frames scroll
    screenshot("phone")
    assert browser_problems.errors == []
