"""A leader's pulse, the team page and a challenge leaderboard in the browser, on a desktop and on a phone."""

import re
import urllib.request
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factories
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outsidein.conversations.models import Status
from outsidein.engagement import services as engagement_services
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User

pytestmark = pytest.mark.browser


def had_coffee(workspace, user, days_ago: float, account) -> None:
    factories.conversation(workspace, kind="coffee", status=Status.LOGGED, account=account, led_by=user,
                           created_by=user, occurred_at=timezone.now() - timedelta(days=days_ago), notes="Coffee.",
                           members=[user])


@pytest.fixture
def warm_server(live_server) -> None:
    """The first request to a fresh live server loads templates and static files; on a busy machine that can
    take longer than the browser waits for a page, so make it before the browser does."""
    with urllib.request.urlopen(f"{live_server.url}/login/", timeout=120) as response:
        response.read()


@pytest.fixture
def team(workspace, owner, warm_server):
    """Olivia (owner) goes out often; Tom (a leader) has not met a customer for seven weeks; Kim started a
    coffee challenge three weeks ago and invited both."""
    tom = User.objects.create_user("tom@example.com", "pw-12345678", name="Tom Insulated", time_zone="Europe/Berlin")
    kim = User.objects.create_user("kim@example.com", "pw-12345678", name="Kim Keen", time_zone="America/New_York")
    for user in (tom, kim):
        workspace_services.add_member(workspace, user, Role.LEADER)
    account = factories.account(workspace, "Harbour Logistics", annual_revenue=500_000)
    for days in (0.2, 1, 3, 6, 9, 13, 16, 20):
        had_coffee(workspace, owner, days, account)
    for days in (2, 5, 8, 12, 15):
        had_coffee(workspace, kim, days, account)
    # At noon, Tom's time, 49 of his calendar days ago: "49 days" whichever side of a clock change today falls.
    berlin = ZoneInfo("Europe/Berlin")
    noon = datetime.combine(timezone.now().astimezone(berlin).date() - timedelta(days=49), time(12), berlin)
    had_coffee(workspace, tom, (timezone.now() - noon) / timedelta(days=1), account)
    today = timezone.now().date()
    starts_on = today - timedelta(days=today.weekday(), weeks=3)
    return engagement_services.create_challenge(workspace, kim, {
        "name": "Coffee Challenge", "starts_on": starts_on, "ends_on": starts_on + timedelta(weeks=8, days=-1),
        "weekly_target": 2}, [owner, tom])


@pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
def test_pulse_team_and_leaderboard(page: Page, viewport, login, owner, team, screenshot, horizontal_overflow,
                                    browser_problems) -> None:
    login(owner.email, "pw-12345678")
    expect(page.get_by_role("heading", name="Your customer pulse")).to_be_visible()
    expect(page.locator("#pulse .kpi").first).to_contain_text("days since the last first-hand")

    page.get_by_role("navigation").get_by_role("link", name="Pulse", exact=True).click()
    expect(page.get_by_role("heading", name="Your customer pulse")).to_be_visible()
    figures = page.locator("#pulse-figures .kpi")
    expect(figures.filter(has_text="first-hand in 30 days")).to_contain_text("8")
    expect(page.locator("figure.chart svg")).to_have_attribute("aria-label", re.compile("last 30 days"))
    assert horizontal_overflow() is None
    screenshot("pulse")

    page.get_by_role("button", name="Team", exact=True).click()
    expect(page.get_by_role("heading", name="Team pulse")).to_be_visible()
    expect(page.locator("#insulated")).to_contain_text("Tom Insulated: 49 days")
    expect(page.locator("#insulated")).not_to_contain_text("Kim Keen")
    expect(page.locator("svg[aria-label^='First-hand customer conversations per week']")).to_be_visible()
    assert horizontal_overflow() is None
    screenshot("team")

    page.get_by_role("link", name="Challenges", exact=True).first.click()
    expect(page.get_by_text("Kim Keen invites you to")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You joined “Coffee Challenge”.")).to_be_visible()
    board = page.locator("#leaderboard table")
    expect(board.locator("tbody tr")).to_have_count(2)
    expect(board.locator("tbody tr").first).to_contain_text("Olivia Owner")
    expect(board.locator("tr.me")).to_contain_text("Olivia Owner")
    expect(page.get_by_text("Tom Insulated")).to_be_visible()  # invited, not answered yet
    assert horizontal_overflow() is None
    screenshot("leaderboard")
    assert browser_problems.errors == []
