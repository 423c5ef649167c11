"""The private iCalendar feed: shown once, parses with `icalendar`, one event per planned conversation, revocable."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import add_user, logged
from django.conf import settings
from django.test import Client
from factories import client_for
from icalendar import Calendar

from outsidein.conversations.models import Status
from outsidein.engagement import services
from outsidein.engagement.models import CalendarFeed

pytestmark = pytest.mark.django_db
FEED = re.compile(r"https?://[^\s<\"]+/calendar/(cal_[\w-]+)\.ics")


def create_feed_on_the_page(client: Client, workspace) -> str:
    page = client.post(f"/w/{workspace.slug}/settings/calendar/", {"action": "create"}).content.decode()
    return FEED.search(page).group(0)


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def test_feed_has_one_event_per_planned_conversation_with_utc_times(workspace, owner, market):
    colleague = add_user(workspace, "k@example.com", "Kim Colleague", time_zone="America/New_York")
    acme = market["accounts"][0]
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=14, minute=30, second=0, microsecond=0)
    visit = logged(workspace, start, [owner, colleague], account=acme, kind="customer_visit",
                   status=Status.PLANNED, persons=[market["buyer"]], notes="")
    coffee = logged(workspace, start + timedelta(days=1), [owner], account=market["accounts"][1],
                    status=Status.PLANNED, notes="")
    logged(workspace, start - timedelta(days=10), [owner], account=acme)  # logged: not in the feed
    logged(workspace, start, [colleague], status=Status.PLANNED)  # not the owner's
    logged(workspace, start, [owner], status=Status.CANCELLED)

    url = create_feed_on_the_page(client_for(owner), workspace)
    assert CalendarFeed.objects.get().token_hash not in url  # only the hash is stored
    response = Client().get(path_of(url))  # no login: calendar apps cannot log in
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 2
    event = next(e for e in events.values() if "Acme Freight" in str(e["SUMMARY"]))
    assert str(event["SUMMARY"]) == "Customer visit: Acme Freight"
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == start + timedelta(minutes=30)
    assert b"DTSTART:" in response.content and start.strftime("%Y%m%dT%H%M%SZ").encode() in response.content
    description = str(event["DESCRIPTION"])
    assert "Bea Buyer" in description and settings.SITE_URL + visit.get_absolute_url() in description
    # The UID is stable: a moved conversation moves, it does not appear twice.
    visit.occurred_at += timedelta(hours=2)
    visit.save()
    again = Calendar.from_ical(Client().get(path_of(url)).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)
    assert coffee.pk and len(list(again.walk("VEVENT"))) == 2


def test_revoked_reset_and_unknown_feeds_are_not_found(workspace, owner):
    client = client_for(owner)
    first = create_feed_on_the_page(client, workspace)
    assert Client().get(path_of(first)).status_code == 200
    second = create_feed_on_the_page(client, workspace)  # reset: a new address, the old one stops
    assert Client().get(path_of(first)).status_code == 404
    assert Client().get(path_of(second)).status_code == 200
    client.post(f"/w/{workspace.slug}/settings/calendar/", {"action": "revoke"})
    assert Client().get(path_of(second)).status_code == 404
    assert Client().get("/calendar/cal_not-a-real-token.ics").status_code == 404
    page = client.get(f"/w/{workspace.slug}/settings/calendar/").content.decode()
    assert not FEED.search(page)  # the address is shown only once, when made


def test_a_former_member_feed_stops_working(workspace, owner, leader):
    _, secret = services.create_calendar_feed(workspace, leader)
    assert Client().get(f"/calendar/{secret}.ics").status_code == 200
    workspace.memberships.get(user=leader).delete()
    assert Client().get(f"/calendar/{secret}.ics").status_code == 404
