"""A brainstorm board in the browser: the team adds ideas (one typed in for a customer), groups and votes without
the page reloading, and turns an idea into a suggestion; a customer places dots through their link on a phone."""

import re
from datetime import timedelta

import factories
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outsidein.conversations.models import Kind
from outsidein.loop import brainstorms
from outsidein.loop.models import CustomerLink, Raiser, Vote, hash_secret, new_secret

pytestmark = pytest.mark.browser


@pytest.fixture
def session(workspace, owner):
    account = factories.account(workspace, "Harbour Foods")
    made = factories.conversation(workspace, kind=Kind.BRAINSTORM, title="Dock booking brainstorm", account=account,
                                  members=[owner])
    made.persons.set([factories.person(workspace, "Hank Scorpio", account=account)])
    return made


def test_the_team_groups_and_votes_on_the_board(page: Page, login, owner, workspace, session, screenshot,
                                                browser_problems) -> None:
    login(owner.email, "pw-12345678")
    page.goto(f"/w/{workspace.slug}/loop/brainstorms/")
    page.get_by_role("link", name="Dock booking brainstorm").click()
    expect(page.get_by_role("heading", name="Dock booking brainstorm")).to_be_visible()

    page.get_by_label("The idea").fill("Book the dock slot by text message")
    page.get_by_label("Whose idea").select_option(label="Hank Scorpio")
    page.get_by_role("button", name="Add to the board").click()
    expect(page.get_by_text("Idea added to the board.")).to_be_visible()
    page.get_by_text("Add an idea").click()
    page.get_by_label("The idea").fill("Show free slots on a screen at the gate")
    page.get_by_role("button", name="Add to the board").click()

    text_card = page.locator(".idea-card", has_text="Book the dock slot by text message")
    screen_card = page.locator(".idea-card", has_text="Show free slots on a screen")
    text_card.get_by_label("Group of this idea").fill("Booking")
    text_card.get_by_role("button", name="Group").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Booking"))).to_be_visible()

    marker = page.evaluate("() => (window.__stayed = true)")  # gone if a vote reloaded the page
    page.locator(".idea-card", has_text="Book the dock slot").get_by_role("button", name="Put a dot").click()
    expect(page.get_by_text("You have 2 of 3 dots left.")).to_be_visible()
    screen_card.get_by_role("button", name="Put a dot").click()
    expect(page.get_by_text("You have 1 of 3 dots left.")).to_be_visible()
    assert marker and page.evaluate("() => window.__stayed === true")
    expect(text_card.locator(".votes")).to_have_text("1 dot")
    expect(text_card.get_by_role("button", name="Take my dot back")).to_be_visible()
    screenshot("voted")

    text_card.get_by_text("Turn into…").click()
    text_card.get_by_role("button", name="A suggestion raised by Hank Scorpio").click()
    expect(page.get_by_text(re.compile(r"The idea became the suggestion"))).to_be_visible()
    expect(text_card.get_by_role("link", name=re.compile("Book the dock slot"))).to_be_visible()
    raiser = Raiser.objects.get()
    assert raiser.person.name == "Hank Scorpio" and raiser.via == "brainstorm"
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_customer_places_dots_through_their_link_on_a_phone(page: Page, workspace, owner, session, screenshot,
                                                               horizontal_overflow, browser_problems) -> None:
    hank = session.persons.get()
    brainstorms.add_idea(session, "Book the dock slot by text message", group="Booking", person=hank)
    brainstorms.add_idea(session, "Show free slots on a screen at the gate", member=owner)
    secret = new_secret()
    CustomerLink.objects.create(workspace=workspace, person=hank, secret_hash=hash_secret(secret),
                                expires_at=timezone.now() + timedelta(days=30))

    page.goto(f"/c/{secret}/brainstorms/{session.pk}/")
    expect(page.get_by_role("heading", name="Dock booking brainstorm")).to_be_visible()
    expect(page.get_by_text("You have 3 of 3 dots left.")).to_be_visible()
    card = page.locator("section.card", has_text="Show free slots")
    card.get_by_role("button", name="Put a dot here").click()
    expect(page.get_by_text("Dot placed.")).to_be_visible()
    expect(page.get_by_text("You have 2 of 3 dots left.")).to_be_visible()
    expect(card).to_contain_text("1 dot")

    page.get_by_label("Your idea").fill("Let drivers wait in the canteen")
    page.get_by_role("button", name="Add my idea to the board").click()
    expect(page.get_by_text("Thank you: your idea is on the board.")).to_be_visible()
    expect(page.locator("section.card", has_text="Let drivers wait in the canteen")).to_contain_text("your idea")
    assert horizontal_overflow() is None
    screenshot("customer")
    assert Vote.objects.get().person == hank
    assert browser_problems.errors == []
