"""From a survey file to where to act first: upload a CSV, map its columns, watch the import, find the themes
in the comments and read the key driver chart; and the insight pages of the demo workspace on a phone."""

import csv
import random
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from outsidein.feedback.models import FeedbackItem
from outsidein.insights import drivers as drivers_services
from outsidein.insights import themes as themes_services
from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser

COMMENTS = {
    "delivery": ["The parcel delivery arrived late again", "Late delivery, the courier never called",
                 "Delivery was two days late and the parcel damaged", "Why is every parcel delivery late",
                 "Courier delivery late, parcel left at the wrong door"],
    "billing": ["I was charged twice on my invoice", "The invoice total is wrong, a double charge",
                "Refund the double charge on the last invoice", "Invoice shows a charge I never ordered",
                "Billing charged my card twice for one invoice"],
    "app": ["I cannot log in, the password reset email never arrives", "Password reset link broken, cannot log in",
            "Login fails after the password reset", "App log in broken, password reset loops",
            "Still cannot log in, password reset email missing"],
}


def write_survey(path: Path, rows: int = 90, seed: int = 3) -> Path:
    """A survey export: likelihood to recommend driven mostly by delivery, which also scores worst."""
    rng = random.Random(seed)
    topics = list(COMMENTS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "date", "comment", "likelihood_to_recommend", "driver_delivery",
                         "driver_support", "driver_price", "driver_app"])
        for i in range(rows):
            delivery, support = rng.randint(1, 4), rng.randint(2, 5)
            price, app = rng.randint(2, 5), rng.randint(3, 5)
            nps = max(0, min(10, round(1.5 * delivery + 0.5 * support + 0.2 * price + rng.gauss(0, 1))))
            topic = topics[i % 3]
            comment = f"{COMMENTS[topic][i // 3 % 5]} ({i})"
            writer.writerow([f"R{i:03}", f"2026-{10 + i % 2}-{1 + i % 28:02}", comment, nps, delivery, support,
                             price, app])
    return path


def test_from_a_survey_file_to_themes_and_key_drivers(page: Page, login, owner, workspace, screenshot,
                                                      browser_problems, tmp_path) -> None:
    survey = write_survey(tmp_path / "q4-survey.csv")
    login(owner.email, "pw-12345678")

    # Upload the file.
    page.goto(reverse("feedback-import-list", kwargs={"ws": workspace.slug}))
    page.get_by_label("File").set_input_files(survey)
    page.get_by_label("Source name").fill("Q4 NPS survey")
    screenshot("upload")
    page.get_by_role("button", name="Upload and map columns").click()

    # Map the columns: the first rows are shown and the guesses filled in; the comment column holds the text.
    expect(page.get_by_role("heading", name="Map the columns of q4-survey.csv")).to_be_visible()
    expect(page.get_by_role("cell", name="R000")).to_be_visible()
    def column(name: str):
        return page.get_by_label(name, exact=True)

    column("comment").select_option("text")
    column("likelihood_to_recommend").select_option("nps")
    for name in ["driver_delivery", "driver_support", "driver_price", "driver_app"]:
        expect(column(name)).to_have_value("driver")
    screenshot("map")
    page.get_by_role("button", name="Start the import").click()

    # Watch the progress: the panel ends at done with every row created.
    progress = page.locator("#batch-progress")
    expect(progress).to_be_visible()
    expect(page.locator("#rows-created")).to_have_text("90")
    expect(page.locator("#rows-rejected")).to_have_text("0")
    screenshot("imported")
    assert FeedbackItem.objects.filter(workspace=workspace, driver_ratings__has_key="delivery").count() == 90

    # Themes: run the analysis with three themes and open the one about late deliveries.
    page.goto(reverse("theme-list", kwargs={"ws": workspace.slug}))
    expect(page.get_by_text("No themes yet")).to_be_visible()
    page.get_by_label("Number of themes").fill("3")
    page.get_by_role("button", name="Find themes").click()
    expect(page.get_by_text("Theme analysis started")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    screenshot("themes")
    # Named in the customers' words: whatever phrase names it, it is the one about parcels arriving late.
    page.get_by_role("link", name=re.compile("deliver|parcel|courier|late", re.I)).first.click()
    expect(page.get_by_role("heading", name="Representative quotes")).to_be_visible()
    expect(page.locator("blockquote").first).to_contain_text(re.compile("deliver|courier", re.I))
    expect(page.locator(".kpi").first).to_have_text(re.compile(r"^\s*30\s+items\s*$"))
    screenshot("theme")

    # Key drivers: NPS on all four drivers; the chart names delivery as the driver to act on first.
    page.get_by_role("link", name="Key drivers").click()
    page.get_by_label("Likelihood to recommend").check()
    screenshot("drivers-form")
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("heading", name="Key drivers of NPS")).to_be_visible()
    expect(page.get_by_text("Act first: delivery.")).to_be_visible()
    chart = page.locator("figure.chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="Act first")).to_have_count(1)
    expect(page.locator("tr.act-first")).to_contain_text("delivery")
    screenshot("key-drivers")
    assert browser_problems.errors == []


@pytest.fixture
def demo(demo):
    """The shared demo with its themes and key drivers analysed once more, as a leader would."""
    context = demo
    ws = context.workspace
    themes_services.run_theme_analysis(ws)
    options = [o.name for o in drivers_services.driver_options(ws)]
    analysis = None
    if len(options) >= 2 and drivers_services.outcome_count(ws, "nps"):
        analysis = drivers_services.create_driver_analysis(ws, None, outcome="nps", drivers=options)
    return context, analysis


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_insight_pages_of_the_demo_workspace(page: Page, viewport, demo, login, screenshot, horizontal_overflow,
                                             browser_problems) -> None:
    """Themes, a theme, key drivers and monetizable pain answer, render and, on a phone, fit the screen."""
    context, analysis = demo
    ws = context.workspace
    login(*demo_login())
    largest = themes_services.live_themes(ws).first()
    pages = [("themes", reverse("theme-list", kwargs={"ws": ws.slug})),
             ("pain", reverse("pain-list", kwargs={"ws": ws.slug})),
             ("drivers", reverse("driver-analysis-list", kwargs={"ws": ws.slug}))]
    if largest:
        pages.append(("theme", reverse("theme-detail", kwargs={"ws": ws.slug, "theme_id": largest.pk})))
    if analysis:
        pages.append(("driver-analysis", reverse("driver-analysis-detail",
                                                 kwargs={"ws": ws.slug, "analysis_id": analysis.pk})))
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
