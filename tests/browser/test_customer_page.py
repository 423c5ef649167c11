"""A customer's own page in the browser: the team makes a link on a person's links page; the customer opens it on a
phone, reads what became of what they said and sends a new idea, which the page thanks them for."""

import re

import factories
import pytest
from playwright.sync_api import Page, Request, expect

from outsidein.feedback.models import FeedbackItem
from outsidein.loop import threads
from outsidein.loop.models import RaisedVia, SuggestionStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def hank(workspace, owner):
    account = factories.account(workspace, "Harbour Foods")
    person = factories.person(workspace, "Hank Scorpio", account=account)
    pay = threads.raise_suggestion(workspace, owner, words="Let us pay the invoices by credit card.",
                                   via=RaisedVia.TYPED, person=person, title="Pay invoices by card",
                                   join=False).suggestion
    threads.change_status(pay, owner, SuggestionStatus.CONSIDERING, next_step="We will call you in May.")
    return person


def test_the_team_makes_a_link_that_is_shown_once(page: Page, login, owner, workspace, hank, screenshot,
                                                  browser_problems) -> None:
    login(owner.email, "pw-12345678")
    page.goto(f"/w/{workspace.slug}/loop/persons/{hank.pk}/links/")
    expect(page.get_by_text("Hank Scorpio has no link yet.")).to_be_visible()
    page.get_by_text("New link").click()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="The new link")).to_be_visible()
    url = page.locator(".secret").inner_text()
    assert re.search(r"/c/[^/]+/$", url)
    screenshot("made")
    page.reload()
    expect(page.get_by_role("heading", name="The new link")).to_have_count(0)
    expect(page.locator(".badge", has_text="live")).to_be_visible()
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_customer_reads_and_adds_on_a_phone(page: Page, owner, hank, screenshot, horizontal_overflow,
                                               browser_problems) -> None:
    from outsidein.loop import links

    _, url = links.create_link(hank, owner)
    path = "/" + url.split("/", 3)[3]
    requested: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    page.on("request", note)
    page.goto(path)
    expect(page.get_by_role("heading", name="Hello Hank Scorpio")).to_be_visible()
    expect(page.get_by_text("We are looking into it", exact=True)).to_be_visible()
    expect(page.get_by_text("We will call you in May.")).to_be_visible()
    assert horizontal_overflow() is None
    assert requested == [page.url]  # the page alone: no script, style sheet, font or image from anywhere
    button = page.get_by_role("button", name=re.compile("^Send it to"))
    assert button.bounding_box()["height"] >= 44  # a thumb's size
    screenshot("read")

    page.get_by_label("A concern").check()
    page.get_by_label("Tell us in your own words").fill("The dock closes too early on Fridays.")
    button.click()
    expect(page.get_by_text(re.compile("^Thank you!"))).to_be_visible()
    expect(page.get_by_text("The dock closes too early on Fridays.").first).to_be_visible()
    assert FeedbackItem.objects.get(source="customer_page").person == hank
    assert horizontal_overflow() is None
    assert browser_problems.errors == []
