"""The learning loop in the browser: write an assumption, link a highlight that refutes it and watch its
confidence and its place on the assumption map change; move an initiative on the board, by override."""

import re

import factories
import pytest
from playwright.sync_api import Page, expect

from outsidein.conversations import services as conversation_services
from outsidein.initiatives import services as initiative_services
from outsidein.initiatives.models import StageMove

pytestmark = pytest.mark.browser


@pytest.fixture
def highlight(workspace, owner):
    account = factories.account(workspace, "Harbour Foods", segment=factories.segment(workspace, "Retail"))
    conversation = conversation_services.save_conversation(workspace, owner, {"kind": "site_visit",
                                                                              "account": account})
    return conversation_services.add_highlight(conversation, owner, kind="observation",
                                               text="They track every late load on a shared screen already")


def map_dot_x(page: Page) -> float:
    return float(page.locator("#assumption-map circle").first.get_attribute("cx"))


def test_a_refuting_highlight_moves_confidence_and_the_map(page: Page, login, owner, workspace, highlight,
                                                           screenshot, browser_problems) -> None:
    login(owner.email, "pw-12345678")
    page.goto(f"/w/{workspace.slug}/assumptions/")
    page.get_by_role("button", name="New assumption").click()
    page.get_by_label("We believe that").fill("Shippers have no way to see late loads coming")
    page.get_by_label("Importance").fill("5")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Shippers have no way to see late loads coming")).to_be_visible()
    expect(page.locator("#confidence strong")).to_have_text("+0.00")
    expect(page.locator("#assumption-map")).to_contain_text("Important and unproven")
    x_before = map_dot_x(page)
    screenshot("assumption-new")

    page.get_by_text("Link a highlight or a conversation as evidence").click()
    page.get_by_label("Search highlights").fill("late load")
    result = page.locator(".evidence-search li", has_text="shared screen")
    expect(result).to_be_visible()
    screenshot("search")
    result.get_by_role("button", name="Refutes").click()

    expect(page.get_by_text("Linked as refuting evidence (strength 1.00).")).to_be_visible()
    # One first-hand observation against: -1 / (1 + 2).
    expect(page.locator("#confidence strong")).to_have_text("−0.33")
    expect(page.get_by_role("heading", name="Refutes (1)")).to_be_visible()
    expect(page.locator("#evidence-" + str(highlight.evidence.get().pk))).to_contain_text("first-hand")
    assert map_dot_x(page) > x_before
    screenshot("refuted")
    assert browser_problems.errors == []


def test_an_initiative_moves_on_the_board_by_override(page: Page, login, owner, workspace, screenshot,
                                                      browser_problems) -> None:
    initiative = initiative_services.save_initiative(workspace, owner, {
        "name": "Live load tracking", "pain_statement": "Shippers hear about late loads from their customers."})
    login(owner.email, "pw-12345678")
    page.get_by_role("link", name="Initiatives").first.click()
    pain = page.locator("#stage-pain")
    expect(pain).to_contain_text("Live load tracking")

    pain.get_by_role("button", name="Move Live load tracking on").click()
    refusal = page.locator(".refusal")
    expect(refusal).to_contain_text("The gate's criteria are not met")
    screenshot("refused")
    refusal.get_by_label(re.compile("Reason to move")).fill("The sponsor heard it at every visit this quarter")
    refusal.get_by_role("button", name="Override and move").click()

    expect(page.locator("#stage-solution")).to_contain_text("Live load tracking")
    expect(page.locator("#stage-pain")).not_to_contain_text("Live load tracking")
    move = StageMove.objects.get(initiative=initiative)
    assert (move.override, move.reason, move.moved_by) == (True, "The sponsor heard it at every visit this quarter",
                                                            owner)
    page.get_by_role("link", name="Live load tracking").click()
    expect(page.locator("#moves")).to_contain_text("The sponsor heard it at every visit this quarter")
    screenshot("move-log")
    assert browser_problems.errors == []
