"""The voice pages of the demo workspace: scores with margin bands, feedback, imports, and an import with
rejected rows; on a phone the scores fit the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from outsidein.feedback.models import FeedbackItem
from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_voice_pages_of_the_demo_workspace(page: Page, viewport, demo, login, screenshot, horizontal_overflow,
                                           browser_problems) -> None:
    ws = demo.workspace
    login(*demo_login())
    item = FeedbackItem.objects.filter(workspace=ws).exclude(text="").order_by("pk").first()
    pages = [("scores", reverse("voice-scores", kwargs={"ws": ws.slug})),
             ("feedback", reverse("feedback-list", kwargs={"ws": ws.slug}) + "?nps_group=detractor"),
             ("feedback-item", item.get_absolute_url()),
             ("imports", reverse("feedback-import-list", kwargs={"ws": ws.slug}))]
    problems = []
    for name, address in pages:
        response = page.goto(address)
        if response is None or response.status >= 400:
            problems.append(f"{name}: HTTP {response.status if response else 'no response'}")
        elif viewport["width"] < 600 and (overflow := horizontal_overflow()):
            problems.append(f"{name}: wider than the phone: {overflow}")
        screenshot(name)
    assert problems == []
    assert browser_problems.errors == []


def test_compare_periods_and_an_import_with_rejected_rows(page: Page, demo, login, screenshot, tmp_path,
                                                          browser_problems) -> None:
    ws = demo.workspace
    login(*demo_login())
    page.goto(reverse("voice-scores", kwargs={"ws": ws.slug}))
    page.get_by_label("Before: from").fill("2026-01-01")
    page.locator("#id_cmp-before_to").fill("2026-08-31")
    page.get_by_label("After: from").fill("2026-09-01")
    page.locator("#id_cmp-after_to").fill("2026-12-31")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#verdict")).to_contain_text("NPS")
    screenshot("compare")

    survey = tmp_path / "pulse.csv"
    survey.write_text("Response,Date,Score,Comment\nP1,2026-11-01,9,Great tracking\nP2,2026-11-02,11,Too high\n"
                      "P3,yesterday,7,Bad date\nP4,2026-11-03,3,=HYPERLINK(\"http://x.example\")\n", encoding="utf-8")
    page.goto(reverse("feedback-import-list", kwargs={"ws": ws.slug}))
    page.get_by_label("File").set_input_files(survey)
    page.get_by_label("Source name").fill("Pulse survey")
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_label("Score")).to_have_value("nps")
    expect(page.get_by_label("Comment")).to_have_value("text")
    screenshot("map")
    page.get_by_role("button", name="Start the import").click()
    expect(page.locator("#rows-created")).to_have_text("2")
    expect(page.locator("#rows-rejected")).to_have_text("2")
    expect(page.get_by_role("cell", name="nps 11 is out of range: nps runs from 0 to 10.")).to_be_visible()
    screenshot("result")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all 2 rejected rows (CSV)").click()
    assert download.value.suggested_filename.startswith("rejected-rows-batch-")
    assert browser_problems.errors == []
