"""A leader in Berlin asks a colleague in New York to host a visit: each reads every time in their own zone,
with the zone named (pages, the request and acceptance e-mails, the digest, the calendar feed)."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import add_user
from django.conf import settings
from django.test import Client
from django.utils import timezone
from factories import client_for
from icalendar import Calendar
from inbox import text_of

from outsidein.engagement.digest import send_weekly_digests
from outsidein.engagement.models import HostRequest
from outsidein.workspaces.models import Role

pytestmark = pytest.mark.django_db
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
FEED = re.compile(r"https?://[^\s<\"]+/calendar/(cal_[\w-]+)\.ics")


def named(moment: datetime, zone: ZoneInfo) -> str:
    """How a person in ``zone`` should read ``moment``: the day, the hour and the zone's name."""
    there = moment.astimezone(zone)
    return f"{there:%a} {there.day} {there:%b}", f"{there:%H:%M} {there:%Z} ({zone.key})"


def assert_reads(text: str, moment: datetime, zone: ZoneInfo) -> None:
    day, hour = named(moment, zone)
    assert day in text and hour in text, f"expected {day}, {hour} in:\n{text}"


def section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start:page.index("</section>", start)]


@pytest.fixture
def people(workspace):
    leader = add_user(workspace, "lena@example.com", "Lena Berlin", role=Role.LEADER, time_zone="Europe/Berlin")
    host = add_user(workspace, "nate@example.com", "Nate NewYork", role=Role.LEADER, time_zone="America/New_York")
    return leader, host


@pytest.fixture
def visit_at() -> datetime:
    """10:00 in Berlin, three days from now (in winter CET, in summer CEST: the test holds either way)."""
    day = timezone.now().astimezone(BERLIN).date() + timedelta(days=3)
    return datetime.combine(day, time(10, 0), tzinfo=BERLIN)


def test_each_person_reads_the_visit_in_their_own_zone(workspace, people, visit_at, smtp_inbox,
                                                       django_capture_on_commit_callbacks):
    leader, host = people
    leader_client, host_client = client_for(leader), client_for(host)

    # Lena types 10:00 on the planning page: her 10:00, Berlin time.
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(f"/w/{workspace.slug}/planning/", {
            "host": host.pk, "kind": "customer_visit", "proposed_at": visit_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60, "note": "Keen to see the loading dock"})
    assert response.status_code == 302, response.content.decode()[:2000]
    request = HostRequest.objects.get()
    assert request.proposed_at == visit_at  # the same instant, whatever zone it is stored in

    mine = section(leader_client.get(f"/w/{workspace.slug}/planning/").content.decode(), 'id="host-requests"')
    assert_reads(mine, visit_at, BERLIN)
    # A CSRF token is random letters, which now and then spell "UTC": only what the page says is looked at.
    said = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", mine)
    assert "UTC" not in said and "New_York" not in said

    # Nate's e-mail and page say 04:00 or 05:00 New York time, never Lena's 10:00.
    (asked,) = smtp_inbox.to(host.email)
    assert_reads(text_of(asked), visit_at, NEW_YORK)
    assert "Europe/Berlin" not in text_of(asked) and " UTC" not in text_of(asked)
    theirs = section(host_client.get(f"/w/{workspace.slug}/planning/").content.decode(), 'id="host-requests"')
    assert_reads(theirs, visit_at, NEW_YORK)

    with django_capture_on_commit_callbacks(execute=True):
        host_client.post(f"/w/{workspace.slug}/planning/requests/{request.pk}/answer/", {"answer": "accept"})
    (accepted,) = smtp_inbox.to(leader.email)
    assert "accepted" in accepted["Subject"]
    assert_reads(text_of(accepted), visit_at, BERLIN)
    assert "America/New_York" not in text_of(accepted)

    # The planned conversation on Lena's planning page, in Berlin time.
    planned = section(leader_client.get(f"/w/{workspace.slug}/planning/").content.decode(), 'id="upcoming"')
    assert_reads(planned, visit_at, BERLIN)

    # The digest of that week: each recipient reads the visit in their own zone, in both parts.
    send_weekly_digests(visit_at - timedelta(days=2), workspace=workspace)
    digest_to = {address: next(m for m in smtp_inbox.to(address) if "pulse" in m["Subject"])
                 for address in (leader.email, host.email)}
    assert_reads(text_of(digest_to[leader.email]), visit_at, BERLIN)
    assert "New_York" not in text_of(digest_to[leader.email])
    assert_reads(text_of(digest_to[host.email]), visit_at, NEW_YORK)
    assert "Europe/Berlin" not in text_of(digest_to[host.email])


def feed_event(client: Client, workspace):
    page = client.post(f"/w/{workspace.slug}/settings/calendar/", {"action": "create"}).content.decode()
    url = FEED.search(page).group(0).removeprefix(settings.SITE_URL)
    (event,) = Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    return event


def test_calendar_feeds_carry_the_instant_and_name_it_in_each_owners_zone(workspace, people, visit_at):
    from outsidein.engagement import services

    leader, host = people
    request = services.request_host(workspace, leader, {"host": host, "kind": "customer_visit",
                                                        "proposed_at": visit_at}, notify=False)
    services.answer_host_request(request, host, accept=True, notify=False)
    for user, zone in ((leader, BERLIN), (host, NEW_YORK)):
        event = feed_event(client_for(user), workspace)
        assert event.decoded("DTSTART") == visit_at  # one absolute instant for both calendars
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
        assert_reads(str(event["DESCRIPTION"]), visit_at, zone)
