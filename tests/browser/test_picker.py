"""On a phone, the quick log finds one account among twenty thousand by typing three letters."""

import itertools
from pathlib import Path

import pytest
from django.db.models import Value
from django.db.models.functions import Replace
from playwright.sync_api import Page, expect

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Account, Segment

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-12345678"  # the password tests/conftest.py gives every user it makes
FIRST = ["Harbour", "Northwind", "Quayside", "Summit", "Lakeside", "Granite", "Beacon", "Meridian", "Pioneer",
         "Riverside", "Atlas", "Copper", "Evergreen", "Falcon", "Orchard", "Sterling", "Tidewater", "Vantage"]
SECOND = ["Logistics", "Retail", "Foods", "Freight", "Pharma", "Motors", "Textiles", "Energy", "Media", "Labs"]


@pytest.fixture
def many_accounts(workspace) -> Account:
    """20,000 accounts of the workspace, one of them the Kestrel Retail the leader met."""
    retail = Segment.objects.create(workspace=workspace, name="Mid-market retail")
    names = (f"{a} {b} {n}" for n, (a, b) in zip(range(19_999), itertools.cycle(itertools.product(FIRST, SECOND))))
    Account.objects.bulk_create((Account(workspace=workspace, name=name) for name in names), batch_size=2000)
    # Names that contain the letters too, but do not start with them, come after the one that does.
    Account.objects.filter(name__startswith="Lakeside").update(
        name=Replace("name", Value("Lakeside"), Value("Lakeside Kestrels")))
    return Account.objects.create(workspace=workspace, name="Kestrel Retail", segment=retail)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_quick_log_on_a_phone_finds_an_account_among_20000(page: Page, login, owner, many_accounts,
                                                            horizontal_overflow, browser_problems) -> None:
    assert Account.objects.count() == 20_000
    login(owner.email, PASSWORD)
    response = page.goto(f"/w/{many_accounts.workspace.slug}/conversations/log/")
    # The page carries no list of accounts: a few kilobytes, not a megabyte.
    assert len(response.body()) < 40_000
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()

    account = page.get_by_label("Account", exact=True)
    account.press_sequentially("kes")
    options = page.get_by_role("listbox", name="Matches").get_by_role("option")
    expect(options.first).to_contain_text("Kestrel Retail")
    expect(options.first).to_contain_text("Mid-market retail")  # the segment tells it apart
    expect(options.nth(1)).to_contain_text("Lakeside Kestrels")  # a name that starts with it comes first
    assert options.count() <= 21
    expect(account).to_have_attribute("aria-expanded", "true")
    # A finger-sized row, and a list that fits the screen.
    first = options.first.bounding_box()
    assert first["height"] >= 44 and first["width"] >= 300
    assert horizontal_overflow() is None
    page.screenshot(path=ARTIFACTS / "picker-phone.png")

    # Keyboard: down to the first match, Enter chooses it and closes the list.
    account.press("ArrowDown")
    expect(options.first).to_have_class("active")
    account.press("Enter")
    expect(account).to_have_value("Kestrel Retail")
    expect(account).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name="Matches")).to_be_hidden()

    page.get_by_label("What did you learn?").fill("Stores re-count every delivery by hand.")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", name="Coffee with Kestrel Retail")).to_be_visible()
    assert Conversation.objects.get().account == many_accounts
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_typing_something_unknown_says_no_match_and_escape_closes(page: Page, login, owner, workspace) -> None:
    Account.objects.create(workspace=workspace, name="Kestrel Retail")
    login(owner.email, PASSWORD)
    page.goto(f"/w/{workspace.slug}/conversations/log/")
    account = page.get_by_label("Account", exact=True)
    account.press_sequentially("zzq")
    expect(page.get_by_role("listbox", name="Matches")).to_contain_text("No account matches “zzq”.")
    account.press("Escape")
    expect(page.get_by_role("listbox", name="Matches")).to_be_hidden()
