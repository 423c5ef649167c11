"""Addresses whose secret is the key (calendar feed, digest unsubscribe, invitation): an address that keeps
opening links that do not exist is refused (429, Retry-After) before the next link is looked up."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outsidein.engagement import services
from outsidein.engagement.digest import unsubscribe_token
from outsidein.workspaces import services as workspace_services

pytestmark = pytest.mark.django_db
REFUSAL = "Too many wrong or expired links were opened from here; try again in 15 minutes."


def test_guessing_calendar_addresses_is_refused_even_for_the_right_one(workspace, owner):
    _, secret = services.create_calendar_feed(workspace, owner)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    assert [guesser.get(f"/calendar/cal_guess{n}.ics").status_code for n in range(20)] == [404] * 20
    with CaptureQueriesContext(connection) as queries:
        refused = guesser.get(f"/calendar/{secret}.ics")
    assert refused.status_code == 429 and REFUSAL in refused.content.decode()
    assert 899 <= int(refused["Retry-After"]) <= 900
    assert not any("engagement_calendarfeed" in q["sql"] for q in queries.captured_queries)
    # The owner's calendar app, elsewhere, still reads the feed.
    feed = Client(REMOTE_ADDR="198.51.100.20").get(f"/calendar/{secret}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")


def test_wrong_links_of_every_kind_share_one_count(workspace, owner):
    _, link = workspace_services.invite(workspace, owner, "new@example.com")
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        assert guesser.get(f"/digest/unsubscribe/forged-{n}/").status_code == 404
        assert guesser.get(f"/invitations/guess-{n}/").status_code == 404
    invitation = link.removeprefix(settings.SITE_URL)
    unsubscribe = f"/digest/unsubscribe/{unsubscribe_token(workspace.memberships.get(user=owner))}/"
    assert guesser.get(invitation).status_code == 429
    assert guesser.get(unsubscribe).status_code == 429
    assert Client().get(invitation).status_code == 200
    assert Client().get(unsubscribe).status_code == 200


def test_links_that_work_are_not_counted(workspace, owner):
    _, secret = services.create_calendar_feed(workspace, owner)
    client = Client()
    for _ in range(30):
        assert client.get(f"/calendar/{secret}.ics").status_code == 200
    assert client.get("/calendar/cal_typo.ics").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_wrong_links_opened_through_another_process_count_here(workspace, owner, second_process):
    _, secret = services.create_calendar_feed(workspace, owner)
    printed = second_process(
        "from django.test import Client\n"
        "client = Client()\n"
        "print(' '.join(str(client.get(f'/calendar/cal_guess{n}.ics').status_code) for n in range(20)))\n")
    assert printed.split() == ["404"] * 20
    assert Client().get(f"/calendar/{secret}.ics").status_code == 429
