"""A walk through the main pages of the demo workspace, on a desktop and on a phone: every page answers,
nothing breaks in the browser, and on a phone nothing pushes the page wider than the screen."""

import re

import factories
import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from outsidein.conversations import services as conversation_services
from outsidein.conversations.models import Conversation
from outsidein.customers.models import Account
from outsidein.site.demo.builder import demo_login

pytestmark = pytest.mark.browser


def main_pages(demo) -> list[tuple[str, str]]:
    """(screenshot name, address) of the pages a leader uses every week."""
    ws = demo.workspace.slug

    def url(name: str) -> str:
        return reverse(name, kwargs={"ws": ws})

    busiest_account = (Account.objects.filter(workspace=demo.workspace)
                       .annotate(n=Count("conversations")).order_by("-n", "name").first())
    richest_conversation = (Conversation.objects.filter(workspace=demo.workspace, status="logged")
                            .annotate(n=Count("highlights")).order_by("-n", "-occurred_at").first())
    return [
        ("home", url("workspace-home")),
        ("quick-log", url("conversation-log")),
        ("conversations", url("conversation-list")),
        ("conversation", richest_conversation.get_absolute_url()),
        ("plan-conversation", url("conversation-create")),
        ("highlights", url("highlight-list")),
        ("accounts", url("account-list")),
        ("account", busiest_account.get_absolute_url()),
        ("import-accounts", url("account-import")),
        ("persons", url("person-list")),
        ("import-persons", url("person-import")),
        ("segments", url("segment-list")),
        ("competitors", url("competitor-list")),
        ("products", url("product-list")),
        ("members", url("member-list")),
        ("api-tokens", url("token-list")),
        ("profile", url("profile")),
    ]


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_main_pages(page: Page, viewport, demo, login, screenshot, horizontal_overflow, browser_problems) -> None:
    """No page answers with an error, none fails in the browser, and on a phone none scrolls sideways."""
    login(*demo_login())
    on_phone = viewport["width"] < 600
    problems: list[str] = []
    # Walk every page before judging, so one broken page still leaves screenshots of all the others.
    for name, address in main_pages(demo):
        response = page.goto(address)
        if response is None or response.status >= 400:
            problems.append(f"{name}: HTTP {response.status if response else 'no response'} at {address}")
        elif not page.locator("main h1").first.is_visible():
            problems.append(f"{name}: no page heading at {address}")
        if on_phone and (overflow := horizontal_overflow()):
            problems.append(f"{name}: wider than the phone: {overflow}")
        screenshot(name)
    assert problems == []
    assert browser_problems.errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_api_token_is_shown_once_and_works(page: Page, login, owner, workspace, screenshot, horizontal_overflow,
                                           browser_problems) -> None:
    login(owner.email, "pw-12345678")
    page.get_by_text("More", exact=True).click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()

    page.get_by_label("Name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("will not be shown again")).to_be_visible()
    secret = page.locator("#new-token").inner_text().strip()
    assert len(secret) >= 20
    screenshot("new-token")
    assert horizontal_overflow() is None

    # The token opens the API as its owner, in this workspace.
    answer = page.request.get("/api/workspace", headers={"Authorization": f"Bearer {secret}"})
    assert answer.ok
    assert answer.json()["name"] == workspace.name

    page.goto(page.url)  # come back later (a GET: reloading would post the form again)
    expect(page.get_by_role("cell", name="CRM sync")).to_be_visible()
    assert horizontal_overflow() is None
    expect(page.get_by_text(secret)).to_have_count(0)
    expect(page.get_by_text(re.compile("will not be shown again"))).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token “CRM sync” revoked.")).to_be_visible()
    answer = page.request.get("/api/workspace", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401
    assert browser_problems.errors == []


def test_home_counts_the_teams_conversations_by_kind(page: Page, login, owner, workspace) -> None:
    account = factories.account(workspace, "Harbour Logistics")
    yesterday = timezone.now() - timezone.timedelta(days=1)
    for kind, highlights in [("coffee", 3), ("coffee", 0), ("customer_visit", 2)]:
        conversation_services.save_conversation(
            workspace, owner, {"kind": kind, "account": account, "occurred_at": yesterday, "notes": "Met them."},
            highlights=[{"kind": "quote", "text": f"Remark {n}"} for n in range(highlights)],
        )
    login(owner.email, "pw-12345678")
    team = page.locator("section", has=page.get_by_role("heading", name="Team: last 30 days"))
    expect(team.locator(".kpi")).to_have_text(["2Coffee", "1Customer visit"])


def test_styles_and_scripts_are_served(page: Page, browser_problems) -> None:
    """The live server hands out Pico, the app's stylesheet and htmx, and the browser applies them."""
    page.goto("/login/")
    button = page.get_by_role("button", name="Log in")
    expect(button).to_have_css("width", re.compile(r"^[1-9]\d{2}(\.\d+)?px$"))  # Pico: full-width buttons
    expect(page.locator(".topbar")).to_have_css("border-bottom-style", "solid")  # app.css
    assert page.evaluate("() => typeof window.htmx === 'object'")
    assert browser_problems.errors == []


def test_sideways_scrolling_is_detected(page: Page, horizontal_overflow) -> None:
    """The phone check above would notice an element wider than the screen."""
    page.goto("/login/")
    assert horizontal_overflow() is None
    page.evaluate("() => { const d = document.createElement('div'); d.id = 'too-wide';"
                  " d.style.width = '3000px'; d.textContent = 'x'; document.querySelector('main').append(d); }")
    overflow = horizontal_overflow()
    assert overflow is not None
    assert any(element.startswith("div#too-wide") for element in overflow["elements"])
