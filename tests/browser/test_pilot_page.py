"""The pilot page as a sponsor reads it on a desktop: the verdict first under the title, then pilot against
control, the effect against zero, the decision, and the technical table folded away until asked for."""

import re
from datetime import date
from pathlib import Path

import factories
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from outsidein.initiatives import services
from outsidein.initiatives.pilot_verdict import verdict_for

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-artifacts" / "pilot-verdict.png"


@pytest.fixture
def pilot(workspace, owner):
    """Twelve pilot and twelve control accounts; the team hoped for +0.2 on-time deliveries a week, which groups
    this size cannot count on detecting, and got about +3: a clear result beside a "too small" warning."""
    accounts = factories.accounts(workspace, [f"Shipper {i:02d}" for i in range(24)],
                                  segment=factories.segment(workspace, "Retail"))
    initiative = services.save_initiative(workspace, owner, {"name": "Delay calls",
                                                           "pain_statement": "Shippers hear of delays too late"})
    pilot = services.save_pilot(initiative, owner, {
        "name": "Proactive delay calls", "change": "Call the shipper before they notice a delay",
        "metric_name": "On-time deliveries a week", "baseline_start": date(2026, 1, 1),
        "baseline_end": date(2026, 3, 31), "pilot_start": date(2026, 4, 1), "pilot_end": date(2026, 6, 30),
        "expected_effect": 0.2}, pilot_accounts=accounts[:12])
    services.choose_control_group(pilot, owner, accounts[12:])
    rng = np.random.default_rng(7)
    rows = []
    for index, account in enumerate(accounts):
        level = 20 + rng.normal()
        for period in ("baseline", "pilot"):
            lift = 3.0 if index < 12 and period == "pilot" else 0.0
            rows += [{"account": account.pk, "period": period, "value": level + lift + rng.normal()}
                     for _ in range(2)]
    services.record_measurements(pilot, owner, rows)
    services.compute_result(pilot)
    pilot.refresh_from_db()
    return pilot


def test_the_verdict_comes_first_and_the_technical_table_is_folded(page: Page, login, owner, pilot,
                                                                   browser_problems) -> None:
    verdict = verdict_for(pilot)
    login(owner.email, "pw-12345678")
    page.goto(pilot.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Proactive delay calls")
    # The element right after the title block is the verdict, with its badge and sentence.
    first = page.locator(".page-head + *")
    expect(first).to_have_id("verdict")
    expect(first.locator(".badge")).to_have_text("Worked")
    expect(first.locator("#verdict-sentence")).to_have_text(verdict.sentence)
    expect(first).to_contain_text("Both hold")
    # Then the two charts, then the decision; the technical table only when unfolded.
    tops = [page.locator(selector).bounding_box()["y"]
            for selector in ("#verdict", "#groups-chart", "#effect-chart", "#decision", "#result")]
    assert tops == sorted(tops)
    technical = page.locator("details#result")
    expect(technical).not_to_have_attribute("open", re.compile(".*"))
    expect(technical.locator("table")).to_be_hidden()
    page.screenshot(path=SCREENSHOT, full_page=True)

    technical.locator("summary").click()
    expect(technical.locator("table")).to_be_visible()
    expect(technical).to_contain_text("Read together")
    assert browser_problems.errors == []
