"""A leader logs a coffee from a phone in under a minute, then anyone finds it again through search."""

import re

import factories
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outsidein.conversations import services as conversation_services
from outsidein.customers.models import Account

pytestmark = pytest.mark.browser

PASSWORD = "pw-12345678"  # the password tests/conftest.py gives every user it makes
HIGHLIGHT = "We re-key every manifest by hand because the portal drops the pallet counts."


@pytest.fixture
def accounts(workspace, owner) -> list[Account]:
    accounts = factories.accounts(workspace, ["Harbour Logistics", "Kestrel Retail", "Quayside Foods"])
    # An older conversation that the search must leave out.
    conversation_services.save_conversation(
        workspace, owner,
        {"kind": "customer_visit", "account": accounts[0], "occurred_at": timezone.now() - timezone.timedelta(days=3),
         "notes": "Walked the cross-dock with the night shift."},
        highlights=[{"kind": "pain", "text": "The scanners freeze when it is cold."}],
    )
    return accounts


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_log_a_coffee_on_a_phone_and_find_it_by_search(page: Page, login, screenshot, owner, accounts,
                                                       browser_problems) -> None:
    login(owner.email, PASSWORD)

    # The top bar's "+ Log" is styled as a button.
    page.get_by_role("button", name="+ Log", exact=True).click()
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()
    expect(page.get_by_label("Kind")).to_have_value("coffee")
    page.get_by_label("Account", exact=True).fill("kes")
    page.get_by_role("option", name="Kestrel Retail").click()
    page.get_by_label("What did you learn?").fill("Ops team keys manifests twice; wants the portal to keep counts.")
    page.get_by_label("Quote or observation").fill(HIGHLIGHT)
    screenshot("1-quick-log-form")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("heading", name="Coffee with Kestrel Retail")).to_be_visible()
    expect(page.get_by_text("Conversation logged.")).to_be_visible()
    expect(page.get_by_text("first-hand for you")).to_be_visible()
    expect(page.get_by_text(HIGHLIGHT)).to_be_visible()
    screenshot("2-conversation")

    page.get_by_role("link", name="Conversations").first.click()
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    expect(page.locator("#conversation-results article")).to_have_count(2)
    results = page.locator("#conversation-results")
    page.get_by_role("searchbox").fill("pallet")
    expect(page).to_have_url(re.compile(r"[?&]q=pallet"))
    expect(results.get_by_role("link", name="Coffee · Kestrel Retail")).to_be_visible()
    expect(results.locator("article")).to_have_count(1)
    screenshot("3-search-result")

    page.get_by_role("searchbox").fill("forklift")
    expect(results.get_by_text("No conversations match.")).to_be_visible()
    page.get_by_role("searchbox").fill("pallet counts")
    results.get_by_role("link", name="Coffee · Kestrel Retail").click()
    expect(page.get_by_role("heading", name="Coffee with Kestrel Retail")).to_be_visible()
    expect(page.get_by_text(HIGHLIGHT)).to_be_visible()
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_quick_log_shows_what_is_missing_next_to_the_field(page: Page, login, screenshot, owner, accounts) -> None:
    login(owner.email, PASSWORD)
    page.get_by_role("button", name="+ Log", exact=True).click()
    page.get_by_label("Quote or observation").fill(HIGHLIGHT)
    page.get_by_role("button", name="Log it").click()

    expect(page.locator("#field-account .errorlist")).to_have_text("Name the account or the person you met (or add someone new below).")
    expect(page.locator("#field-notes .errorlist")).to_have_text("This field is required.")
    # Nothing typed is lost.
    expect(page.get_by_label("Quote or observation")).to_have_value(HIGHLIGHT)
    screenshot("errors")

    page.get_by_label("Account", exact=True).fill("Quay")
    page.get_by_role("option", name="Quayside Foods").click()
    page.get_by_label("What did you learn?").fill("They print every proof of delivery.")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", name="Coffee with Quayside Foods")).to_be_visible()
