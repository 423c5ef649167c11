"""On a phone, the quick log finds one account among twenty thousand by typing three letters."""

import itertools
import re
from pathlib import Path

import factories
import pytest
from django.db.models import Value
from django.db.models.functions import Replace
from playwright.sync_api import Page, expect

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Account

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-12345678"  # the password tests/conftest.py gives every user it makes
FIRST = ["Harbour", "Northwind", "Quayside", "Summit", "Lakeside", "Granite", "Beacon", "Meridian", "Pioneer",
         "Riverside", "Atlas", "Copper", "Evergreen", "Falcon", "Orchard", "Sterling", "Tidewater", "Vantage"]
SECOND = ["Logistics", "Retail", "Foods", "Freight", "Pharma", "Motors", "Textiles", "Energy", "Media", "Labs"]


@pytest.fixture
def many_accounts(workspace) -> Account:
    """20,000 accounts of the workspace, one of them the Kestrel Retail the leader met."""
    retail = factories.segment(workspace, "Mid-market retail")
    names = (f"{a} {b} {n}" for n, (a, b) in zip(range(19_999), itertools.cycle(itertools.product(FIRST, SECOND))))
    Account.objects.bulk_create((Account(workspace=workspace, name=name) for name in names), batch_size=2000)
    # Names that contain the letters too, but do not start with them, come after the one that does.
    Account.objects.filter(name__startswith="Lakeside").update(
        name=Replace("name", Value("Lakeside"), Value("Lakeside Kestrels")))
    return factories.account(workspace, "Kestrel Retail", segment=retail)


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
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(account).to_have_attribute("aria-activedescendant", "id_account_options_0")
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
    factories.account(workspace, "Kestrel Retail")
    login(owner.email, PASSWORD)
    page.goto(f"/w/{workspace.slug}/conversations/log/")
    account = page.get_by_label("Account", exact=True)
    account.press_sequentially("zzq")
    expect(page.get_by_role("listbox", name="Matches")).to_contain_text("No account matches “zzq”.")
    account.press("Escape")
    expect(page.get_by_role("listbox", name="Matches")).to_be_hidden()


def test_several_people_are_chosen_as_chips_and_one_removed(page: Page, login, owner, workspace,
                                                           browser_problems) -> None:
    initech = factories.account(workspace, "Initech")
    alex = factories.person(workspace, "Alex Meyer", title="CFO", account=initech)
    factories.person(workspace, "Alex Meyer", title="Dispatcher")
    factories.person(workspace, "Bo Brandt", account=initech)
    login(owner.email, PASSWORD)
    page.goto(f"/w/{workspace.slug}/conversations/new/")
    persons = page.get_by_label("Persons", exact=True)
    chips = page.locator("#field-persons .picker-chip")
    for typed, option in (("alex", "Alex Meyer (Initech)"), ("bo", "Bo Brandt (Initech)")):
        persons.press_sequentially(typed)
        page.locator("#field-persons").get_by_role("option", name=option).click()
    expect(chips).to_have_count(2)
    expect(persons).to_have_value("")
    page.screenshot(path=ARTIFACTS / "picker-chips.png")
    page.get_by_role("button", name="Remove Bo Brandt (Initech)").click()
    expect(chips).to_have_count(1)
    page.get_by_label("Notes").fill("Walked the warehouse.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Conversation saved.")).to_be_visible()
    assert list(Conversation.objects.get().persons.all()) == [alex]
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_feedback_is_filtered_by_an_account_found_by_typing(page: Page, login, owner, workspace) -> None:
    globex, initech = factories.accounts(workspace, ["Globex", "Initech"])
    factories.feedback_item(workspace, "The invoices arrive late.", account=globex, nps=3)
    factories.feedback_item(workspace, "Support was quick.", account=initech, nps=9)
    login(owner.email, PASSWORD)
    page.goto(f"/w/{workspace.slug}/voice/feedback/")
    page.get_by_role("combobox", name="Account").press_sequentially("ini")
    page.get_by_role("option", name="Initech").click()
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"[?&]account={initech.pk}(&|$)"))
    expect(page.get_by_text("Support was quick.")).to_be_visible()
    expect(page.get_by_text("The invoices arrive late.")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Account")).to_have_value("Initech")
    page.screenshot(path=ARTIFACTS / "picker-feedback-filter.png", full_page=True)
