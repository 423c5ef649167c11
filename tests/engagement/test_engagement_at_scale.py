"""The pulse, team, challenge and planning pages at volume: the database counts (GROUP BY member and week), the
figures agree with counting the conversations one by one, and the queries a page costs do not grow with data."""

import random
from datetime import timedelta

import pytest
from conftest import add_user, logged
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import client_for

from outsidein.conversations.models import Conversation, Highlight, Status
from outsidein.engagement import selectors, services
from outsidein.engagement.leaderboard import weekly_of
from outsidein.engagement.models import ConversationRead
from outsidein.engagement.pulse import Contact, compute_pulse
from outsidein.workspaces.models import Role

pytestmark = pytest.mark.django_db
KINDS = ["coffee", "customer_visit", "service_side_by_side", "sales_sit_in", "site_visit"]
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo"]

Presence = Conversation.members.through
Attendance = Conversation.persons.through


class History:
    """Leaders in three zones and a growing pile of first-hand conversations, highlights and reads."""

    def __init__(self, workspace, owner, market):
        self.workspace, self.market, self.rng = workspace, market, random.Random(10)
        self.leaders = [owner] + [add_user(workspace, f"lead{i}@example.com", f"Lead {i}", time_zone=zone)
                                  for i, zone in enumerate(ZONES)]
        self.host = add_user(workspace, "host@example.com", "Hana Host", role=Role.MEMBER)
        self.challenge = services.create_challenge(workspace, owner, {
            "name": "Coffee", "starts_on": timezone.localdate() - timedelta(days=20),
            "ends_on": timezone.localdate() + timedelta(days=20), "weekly_target": 2}, self.leaders[1:])
        for leader in self.leaders[1:]:
            services.join_challenge(self.challenge, leader)
        # Something planned and a request from the start, so no list is empty at either size.
        logged(workspace, timezone.now() + timedelta(days=3), [owner], status=Status.PLANNED, notes="")
        services.request_host(workspace, owner, {"host": self.host, "proposed_at": timezone.now() + timedelta(days=4)},
                              notify=False)
        self.count = 0

    def grow_to(self, n: int) -> None:
        """``n`` conversations in all, over the last 100 days (a few planned ahead), in bulk."""
        ws, now, rng = self.workspace, timezone.now(), self.rng
        accounts, persons = self.market["accounts"], [self.market["buyer"], self.market["user"]]
        new = [Conversation(workspace=ws, kind=rng.choice(KINDS), status=Status.LOGGED, notes="n",
                            account=rng.choice([*accounts, None]),
                            occurred_at=now - timedelta(minutes=rng.randrange(1, 100 * 24 * 60)))
               for _ in range(n - self.count)]
        for conversation in new[::10]:  # some plans ahead, for the planning page and the calendar
            conversation.status, conversation.occurred_at = Status.PLANNED, now + timedelta(days=rng.randrange(1, 50))
        new = Conversation.objects.bulk_create(new)
        Presence.objects.bulk_create([Presence(conversation=c, user=u) for c in new
                                      for u in rng.sample(self.leaders, rng.randrange(1, 3))])
        Attendance.objects.bulk_create([Attendance(conversation=c, person=p) for c in new
                                        for p in rng.sample(persons, rng.randrange(0, 3))])
        Highlight.objects.bulk_create([Highlight(workspace=ws, conversation=c, text="Late again",
                                                 kind=rng.choice(["pain", "competitor_mention", "quote"]))
                                       for c in new for _ in range(rng.randrange(0, 3))])
        ConversationRead.objects.bulk_create([ConversationRead(workspace=ws, conversation=c, user=u)
                                              for c in new[::3] for u in self.leaders
                                              if not c.members.filter(pk=u.pk).exists()])
        self.count = n


@pytest.fixture
def history(workspace, owner, market):
    return History(workspace, owner, market)


def contacts_of(workspace, user) -> list[Contact]:
    """A leader's first-hand conversations, one by one: the slow way the database must agree with."""
    return [Contact(c.occurred_at, c.kind, c.account.segment_id if c.account else None,
                    frozenset(p.role for p in c.persons.all()))
            for c in Conversation.objects.filter(workspace=workspace, status=Status.LOGGED, members=user)
            .select_related("account").prefetch_related("persons")]


def competitor_mentions_heard(workspace, user, now) -> int:
    """Competitor mentions of the leader's first-hand conversations of the last 90 days, one by one."""
    return sum(1 for c in Conversation.objects.filter(workspace=workspace, status=Status.LOGGED, members=user,
                                                      occurred_at__gte=now - timedelta(days=90), occurred_at__lte=now)
               for h in c.highlights.all() if h.kind == "competitor_mention")


def test_pulse_and_leaderboard_counted_by_the_database_agree_with_counting_one_by_one(history, workspace):
    history.grow_to(150)
    now = timezone.now()
    team = selectors.pulses_for(workspace, history.leaders, now, viewer_tz="Asia/Tokyo")
    for leader in history.leaders:
        expected = compute_pulse(leader.pk, leader.display_name, contacts_of(workspace, leader), now,
                                 time_zone=leader.time_zone, week_starts=team.week_starts)
        got = team.of(leader.pk)
        for figure in ("last_contact_at", "days_since_last", "last_7", "last_30", "last_90", "segments_met",
                       "buyers_met", "end_users_met", "internal_met", "settings_met", "weekly"):
            assert getattr(got, figure) == getattr(expected, figure), (leader.time_zone, figure)
        assert sum(got.weekly) > 0
        assert got.competitor_mentions == competitor_mentions_heard(workspace, leader, now) > 0
    board = selectors.leaderboard(history.challenge, now)
    span = board.span
    for row in board.rows:
        leader = next(u for u in history.leaders if u.pk == row.user_id)
        from zoneinfo import ZoneInfo

        moments = [c.occurred_at for c in contacts_of(workspace, leader)]
        assert row.weekly == weekly_of(span, moments, now, ZoneInfo(leader.time_zone))


def queries_for(client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm per-process caches and roll over what is due
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["pulse/", "pulse/team/", "challenge", "planning/", ""])
def test_engagement_pages_cost_the_same_queries_with_10_and_200_conversations(history, workspace, owner, page):
    path = history.challenge.get_absolute_url() if page == "challenge" else f"/w/{workspace.slug}/{page}"
    client = client_for(owner)
    history.grow_to(10)
    small = queries_for(client, path)
    history.grow_to(200)
    assert queries_for(client, path) == small


def recent_and_planned(home: str) -> tuple[str, str]:
    """The home page's "Your recent conversations" list and its "Planned" part (empty when nothing is planned)."""
    section = home[home.index("Your recent conversations"):home.index("</section>", home.index("Your recent"))]
    recent, _, planned = section.partition("<h3>Planned</h3>")
    return recent, planned


def test_the_home_page_shows_the_viewers_past_plans_as_logged_before_the_hourly_rollover(workspace, owner, leader):
    now = timezone.now()
    mine = logged(workspace, now - timedelta(hours=2), [owner], status=Status.PLANNED, notes="")
    theirs = logged(workspace, now - timedelta(hours=2), [leader], status=Status.PLANNED, notes="")
    client = client_for(owner)
    before = client.get(f"/w/{workspace.slug}/").content.decode()
    assert "Add notes to 1 conversation" in before
    recent, planned = recent_and_planned(before)
    assert f'id="conversation-{mine.pk}"' in recent and 'class="badge planned"' not in recent
    assert f'id="conversation-{mine.pk}"' not in planned
    # The page wrote nothing: the hourly job rolls both over, and the page reads the same afterwards.
    assert Conversation.objects.filter(status=Status.PLANNED).count() == 2
    assert services.roll_over_planned(now) == 2
    assert Conversation.objects.get(pk=theirs.pk).status == Status.LOGGED
    after = client.get(f"/w/{workspace.slug}/").content.decode()
    assert "Add notes to 1 conversation" in after
    assert recent_and_planned(after) == (recent, planned)


@pytest.mark.parametrize("page", ["", "planning/"])
def test_opening_the_home_and_planning_pages_writes_nothing(workspace, owner, leader, page):
    now = timezone.now()
    past = logged(workspace, now - timedelta(hours=2), [owner], status=Status.PLANNED, notes="")
    logged(workspace, now + timedelta(days=2), [owner], status=Status.PLANNED, notes="")
    logged(workspace, now - timedelta(hours=3), [leader], status=Status.PLANNED, notes="")
    client = client_for(owner)
    # The session's first write behind us, on a page that never rolled anything over.
    assert client.get(f"/w/{workspace.slug}/pulse/").status_code == 200
    rows = list(Conversation.objects.order_by("pk").values_list("pk", "status", "updated_at"))
    with CaptureQueriesContext(connection) as captured:
        page_html = client.get(f"/w/{workspace.slug}/{page}").content.decode()
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "django_session" not in q["sql"]]
    assert writes == []
    assert list(Conversation.objects.order_by("pk").values_list("pk", "status", "updated_at")) == rows
    assert f"/conversations/{past.pk}/edit/" in page_html  # its "add notes" reminder, all the same


def test_the_planning_page_lists_the_next_plans_and_says_how_many_more(workspace, owner):
    now = timezone.now()
    for day in range(1, 26):
        logged(workspace, now + timedelta(days=day), [owner], status=Status.PLANNED, notes="")
    page = client_for(owner).get(f"/w/{workspace.slug}/planning/").content.decode()
    upcoming = page[page.index('id="upcoming"'):page.index("</section>", page.index('id="upcoming"'))]
    assert upcoming.count('class="conversation-item"') == 20
    assert "More is planned in the next 60 days" in upcoming


def test_the_home_page_lists_the_viewers_next_plans_soonest_first(workspace, owner, leader):
    now = timezone.now()
    for days in (9, 2, 30, 5, 1, 14):
        logged(workspace, now + timedelta(days=days), [owner], status=Status.PLANNED, notes=f"Plan in {days:02d} days")
    logged(workspace, now + timedelta(hours=12), [leader], status=Status.PLANNED, notes="Not mine")
    logged(workspace, now - timedelta(days=1), [owner], notes="Had yesterday")
    home = client_for(owner).get(f"/w/{workspace.slug}/").content.decode()
    planned = home[home.index("<h3>Planned</h3>"):home.index("</section>", home.index("<h3>Planned</h3>"))]
    shown = [days for days in (1, 2, 5, 9, 14, 30) if f"Plan in {days:02d} days" in planned]
    assert shown == [1, 2, 5, 9, 14]  # the five soonest
    positions = [planned.index(f"Plan in {days:02d} days") for days in shown]
    assert positions == sorted(positions)
    assert "Not mine" not in planned and "Had yesterday" not in planned
