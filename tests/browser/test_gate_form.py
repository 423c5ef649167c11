"""An owner edits a stage gate as rows, previews who would pass, and saves it, on a desktop and a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from outsidein.initiatives.models import GateSettings
from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_an_owner_changes_a_threshold_previews_and_saves(page: Page, demo, login, screenshot, horizontal_overflow,
                                                         browser_problems) -> None:
    login(*demo_login())
    page.goto(reverse("gate-settings", kwargs={"ws": demo.workspace.slug}))
    expect(page.get_by_role("heading", name="Edit the criteria")).to_be_visible()
    first = page.locator("#gate-row-1")
    expect(first.get_by_label("To leave, row 1")).to_have_value("pain")
    first.get_by_label("In each segment, row 1").fill("2")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Who would pass with these rows")).to_be_visible()
    expect(page.locator("#gate-row-1").get_by_label("In each segment, row 1")).to_have_value("2")
    assert not GateSettings.objects.filter(workspace=demo.workspace).exists()
    screenshot("preview")

    page.get_by_role("button", name="Save criteria").first.click()
    expect(page.get_by_text("Saved the stage gates.")).to_be_visible()
    expect(page.get_by_text("in at least 2 segments, at least 2 in each")).to_be_visible()
    stored = GateSettings.objects.get(workspace=demo.workspace).criteria
    assert stored["pain"][0]["min_per_segment"] == 2
    assert horizontal_overflow() is None
    assert browser_problems.errors == []
