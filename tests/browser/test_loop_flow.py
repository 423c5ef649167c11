"""Closing the loop in the browser: a leader raises a customer's suggestion from a highlight (it joins the same
idea heard at another account), links an initiative, moves it to "being piloted", edits one drafted message and
sends them all; a real SMTP server on loopback receives one message per customer, in their own words, with an
opt-out link, and the message log shows them sent. The suggestion and the owed replies also read on a phone."""

import re

import factories
import pytest
from inbox import text_of
from playwright.sync_api import Page, expect

from outsidein.conversations import services as conversation_services
from outsidein.initiatives import services as initiative_services
from outsidein.loop import threads
from outsidein.loop.models import Message, MessageStatus, RaisedVia, Suggestion

pytestmark = pytest.mark.browser

HANK_WORDS = "Could you send us a text message when the truck is running late?"
MARGE_WORDS = "We need a text message warning when the truck will be late"
EDITED = "PS: Hank, the drivers at the Springfield depot start with the new texts on Monday."


@pytest.fixture
def story(workspace, leader):
    """Hank (Globex) said it in a visit, as a highlight; Marge (Initech) raised the same idea by phone before."""
    globex = factories.account(workspace, "Globex")
    initech = factories.account(workspace, "Initech")
    hank = factories.person(workspace, "Hank Scorpio", account=globex, email="hank@globex.example")
    marge = factories.person(workspace, "Marge Simpson", account=initech, email="marge@initech.example")
    threads.raise_suggestion(workspace, leader, words=MARGE_WORDS, via=RaisedVia.TYPED, person=marge,
                             title="Text us when a truck runs late")
    visit = conversation_services.save_conversation(workspace, leader, {"kind": "site_visit", "account": globex,
                                                                        "title": "Globex dock visit"})
    highlight = conversation_services.add_highlight(visit, leader, kind="suggestion", text=HANK_WORDS, person=hank)
    initiative_services.save_initiative(workspace, leader, {
        "name": "Late truck alerts", "pain_statement": "Shippers hear about late trucks from their customers."})
    return {"visit": visit, "highlight": highlight, "hank": hank, "marge": marge}


def test_a_leader_raises_moves_and_tells_the_customers(page: Page, login, leader, workspace, story, smtp_inbox,
                                                       screenshot, horizontal_overflow, browser_problems) -> None:
    login(leader.email, "pw-12345678")
    page.goto(f"/w/{workspace.slug}/loop/")
    expect(page.get_by_role("link", name="Text us when a truck runs late")).to_be_visible()
    screenshot("suggestion-list")

    page.goto(story["visit"].get_absolute_url())
    page.locator(f"#highlight-{story['highlight'].pk}").get_by_role("link", name="Raise as suggestion").click()
    expect(page.get_by_role("heading", name="Raise a suggestion")).to_be_visible()
    expect(page.get_by_label("What they said, in their words")).to_have_value(HANK_WORDS)
    expect(page.get_by_text("Already raised?")).to_be_visible()
    screenshot("raise-form")
    page.get_by_role("button", name="Raise it").click()

    expect(page.get_by_role("heading", name="Text us when a truck runs late")).to_be_visible()
    expect(page.get_by_text("Raised by 2 people at 2 accounts", exact=True)).to_be_visible()
    suggestion = Suggestion.objects.get()

    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Initiative").select_option(label="Late truck alerts")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Late truck alerts")).to_be_visible()

    status = page.locator("#status")
    status.get_by_label("Status").select_option(label="Being piloted")
    status.get_by_label("What comes next for them").fill("Three depots send the texts for a month from Monday.")
    status.get_by_role("button", name="Change the status and draft the messages").click()
    expect(page.get_by_text("2 messages drafted below")).to_be_visible()
    drafts = page.locator("#suggestion-messages")
    expect(drafts.locator("tbody tr")).to_have_count(2)
    screenshot("suggestion-drafts")

    drafts.locator("tr", has_text="Hank Scorpio").get_by_role("link", name="Edit").click()
    body = page.get_by_label("Body")
    expect(body).to_contain_text(HANK_WORDS)
    body.fill(body.input_value() + "\n\n" + EDITED)
    screenshot("message-edit")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.goto(suggestion.get_absolute_url())
    page.get_by_role("button", name="Send all drafts (2)").click()
    expect(page.get_by_text("Sent 2 messages.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Send all drafts"))).to_have_count(0)

    assert sorted(address for rcpts, _ in smtp_inbox.messages for address in rcpts) == [
        "hank@globex.example", "marge@initech.example"]
    hank_mail, marge_mail = (text_of(smtp_inbox.to(a)[0]) for a in ("hank@globex.example", "marge@initech.example"))
    assert HANK_WORDS in hank_mail and EDITED in hank_mail
    assert MARGE_WORDS in marge_mail and EDITED not in marge_mail and HANK_WORDS not in marge_mail
    for text in (hank_mail, marge_mail):
        assert re.search(r"https?://\S+/loop/opt-out/\S+/", text)

    page.goto(f"/w/{workspace.slug}/loop/messages/")
    for name in ("Hank Scorpio", "Marge Simpson"):
        expect(page.locator("tbody tr", has_text=name).locator(".badge")).to_have_text("sent")
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    screenshot("message-log")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(suggestion.get_absolute_url())
    assert horizontal_overflow() is None
    screenshot("phone-suggestion")
    page.goto(f"/w/{workspace.slug}/loop/owed/")
    expect(page.locator("h1")).to_be_visible()
    assert horizontal_overflow() is None
    screenshot("phone-owed")
    assert browser_problems.errors == []
