"""Owed replies and loop figures: who waits to hear back (and stops waiting once told), oldest first per leader;
the figures on constructed data; the pulse page, the weekly digest, the page, the API and the CLI show them."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import factories
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import client_for
from inbox import text_of

from outsidein.engagement.digest import send_weekly_digests
from outsidein.loop import figures
from outsidein.loop.models import (
    Message,
    MessageKind,
    MessageStatus,
    OptOut,
    Raiser,
    StatusChange,
    Suggestion,
    SuggestionStatus,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday morning


def suggestion(workspace, title: str, owner, **fields) -> Suggestion:
    return Suggestion.objects.create(workspace=workspace, title=title, owner=owner, created_by=owner, **fields)


def raised(suggestion: Suggestion, person, when: datetime, words: str = "") -> Raiser:
    return Raiser.objects.create(workspace=suggestion.workspace, suggestion=suggestion, person=person,
                                 account=person.account if person else None, said_at=when,
                                 words=words or f"{person} asked for {suggestion.title.lower()}")


def message(suggestion: Suggestion | None, person, when: datetime | None, *, by=None, kind=MessageKind.UPDATE,
            status=MessageStatus.SENT, workspace=None) -> Message:
    workspace = workspace or suggestion.workspace
    return Message.objects.create(
        workspace=workspace, kind=kind, key=f"test:{Message.objects.count()}", person=person, suggestion=suggestion,
        subject="What became of it", body="We did it.", email=person.email, status=status, sent_at=when,
        sent_by=by, created_by=by)


def closed(suggestion: Suggestion, when: datetime, to_status=SuggestionStatus.DONE, by=None) -> StatusChange:
    return StatusChange.objects.create(workspace=suggestion.workspace, suggestion=suggestion,
                                       from_status=SuggestionStatus.PILOTING, to_status=to_status, changed_at=when,
                                       changed_by=by)


@pytest.fixture
def people(workspace, account):
    """Ann, Ben and Cat at Globex; Dan at Initech."""
    initech = factories.account(workspace, "Initech")
    return {name: factories.person(workspace, name, account=initech if name == "Dan" else account,
                                   email=f"{name.lower()}@customer.example")
            for name in ("Ann", "Ben", "Cat", "Dan")}


def waiting(owed: figures.OwedReplies, owner_id) -> list[str]:
    leader = owed.of(owner_id)
    return [str(r.raiser.person) for r in leader.rows] if leader else []


def test_a_customer_is_owed_a_reply_after_n_days_until_told_about_that_suggestion(workspace, owner, people):
    export = suggestion(workspace, "Export to CSV", owner)
    other = suggestion(workspace, "Dark mode", owner)
    raised(export, people["Ann"], NOW - timedelta(days=20))
    raised(export, people["Ben"], NOW - timedelta(days=5))  # not yet: raised 5 days ago, owed after 14
    raised(other, people["Cat"], NOW - timedelta(days=30))

    owed = figures.owed_replies(workspace, days=14, now=NOW)
    assert waiting(owed, owner.pk) == ["Cat", "Ann"]  # the longest waiting first
    assert owed.of(owner.pk).rows[0].waiting == "30 days"
    assert waiting(figures.owed_replies(workspace, days=3, now=NOW), owner.pk) == ["Cat", "Ann", "Ben"]

    # Told about another suggestion, another person told, a draft, a failure, a message before they raised it:
    # Ann still waits.
    message(other, people["Ann"], NOW - timedelta(days=1))
    message(export, people["Ben"], NOW - timedelta(days=1))
    message(export, people["Ann"], None, status=MessageStatus.DRAFT)
    message(export, people["Ann"], None, status=MessageStatus.FAILED)
    message(export, people["Ann"], NOW - timedelta(days=25))
    assert waiting(figures.owed_replies(workspace, days=14, now=NOW), owner.pk) == ["Cat", "Ann"]

    # Told about it after raising it: no longer waiting.
    message(export, people["Ann"], NOW - timedelta(days=2), by=owner)
    assert waiting(figures.owed_replies(workspace, days=14, now=NOW), owner.pk) == ["Cat"]

    # A person who asked to hear nothing more is not waiting either.
    OptOut.objects.create(workspace=workspace, person=people["Cat"])
    assert figures.owed_replies(workspace, days=14, now=NOW).total == 0


def test_owed_replies_are_per_owner_counted_in_full_and_shown_oldest_first_up_to_a_limit(
        workspace, owner, leader, people, other_workspace):
    mine = suggestion(workspace, "Export to CSV", owner)
    theirs = suggestion(workspace, "Dark mode", leader)
    nobodys = suggestion(workspace, "Bigger fonts", None)
    for days, name in [(40, "Ann"), (20, "Ben"), (60, "Cat")]:
        raised(mine, people[name], NOW - timedelta(days=days))
    raised(theirs, people["Dan"], NOW - timedelta(days=16))
    raised(nobodys, people["Ann"], NOW - timedelta(days=90))
    raised(mine, None, NOW - timedelta(days=90))  # an account's raising with no person: nobody to tell
    stranger = factories.person(other_workspace, "Sam", email="sam@elsewhere.example")
    raised(suggestion(other_workspace, "Elsewhere", None), stranger, NOW - timedelta(days=90))

    owed = figures.owed_replies(workspace, now=NOW, days=14, limit=2)
    assert owed.total == 5
    assert [(group.name, group.count) for group in owed.leaders] == [
        ("Olivia Owner", 3), ("Leo Leader", 1), (figures.NO_OWNER, 1)]
    assert waiting(owed, owner.pk) == ["Cat", "Ann"] and owed.of(owner.pk).more == 1
    assert [r.account_name for r in owed.of(leader.pk).rows] == ["Initech"]
    assert [group.owner_id for group in owed.mine_first(leader.pk)] == [leader.pk, owner.pk, None]
    only_leo = figures.owed_replies(workspace, owner=leader, now=NOW, days=14)
    assert [group.owner_id for group in only_leo.leaders] == [leader.pk]


def test_loop_figures_per_leader_and_for_the_team(workspace, owner, leader, people):
    since, until = NOW - timedelta(days=90), NOW
    export = suggestion(workspace, "Export to CSV", owner)
    dark = suggestion(workspace, "Dark mode", owner)
    fonts = suggestion(workspace, "Bigger fonts", leader)
    closed(export, NOW - timedelta(days=10), by=owner)
    closed(export, NOW - timedelta(days=5), SuggestionStatus.NOT_DOING, by=owner)  # the same suggestion again
    closed(dark, NOW - timedelta(days=100), by=owner)  # before the period
    closed(fonts, NOW - timedelta(days=3), SuggestionStatus.NOT_DOING, by=leader)
    StatusChange.objects.create(workspace=workspace, suggestion=dark, from_status=SuggestionStatus.HEARD,
                                to_status=SuggestionStatus.PILOTING, changed_at=NOW - timedelta(days=2))

    # Raised → first told: Ann 3 days, Ben 10 days (Olivia's threads); Dan 1 day (Leo's); Cat never told.
    raised(export, people["Ann"], NOW - timedelta(days=30))
    raised(export, people["Ben"], NOW - timedelta(days=40))
    raised(fonts, people["Dan"], NOW - timedelta(days=8))
    raised(dark, people["Cat"], NOW - timedelta(days=20))
    message(export, people["Ann"], NOW - timedelta(days=27), by=owner)
    message(export, people["Ann"], NOW - timedelta(days=2), by=owner)  # a second message: not the first told
    message(export, people["Ben"], NOW - timedelta(days=30), by=leader)  # told by a colleague: still Olivia's thread
    message(fonts, people["Dan"], NOW - timedelta(days=7), by=leader)
    # Thank-yous: two by Olivia in the period, one before it; a draft one is not sent.
    message(None, people["Cat"], NOW - timedelta(days=1), by=owner, kind=MessageKind.THANKS, workspace=workspace)
    message(None, people["Dan"], NOW - timedelta(days=60), by=owner, kind=MessageKind.THANKS, workspace=workspace)
    message(None, people["Ann"], NOW - timedelta(days=120), by=owner, kind=MessageKind.THANKS, workspace=workspace)
    message(None, people["Ben"], None, by=owner, kind=MessageKind.THANKS, status=MessageStatus.DRAFT,
            workspace=workspace)

    loop = figures.loop_figures(workspace, since=since, until=until, now=NOW)
    olivia, leo, team = loop.of(owner.pk), loop.of(leader.pk), loop.team
    assert (olivia.closed, leo.closed, team.closed) == (1, 1, 2)
    assert (olivia.told, olivia.median_days, olivia.median_label) == (2, 6.5, "6.5 days")
    assert (leo.median_days, team.median_days, team.told) == (1.0, 3.0, 3)
    assert (olivia.thanks, leo.thanks, team.thanks) == (2, 0, 2)
    # Heard back: Olivia sent to Ann, Cat, Dan; Leo to Ben and Dan; the team reached all four once each.
    assert (olivia.heard_back, leo.heard_back, team.heard_back) == (3, 2, 4)

    last_week = figures.loop_figures(workspace, since=NOW - timedelta(days=7), until=NOW)
    assert (last_week.team.closed, last_week.team.told, last_week.team.thanks) == (2, 1, 1)
    assert last_week.team.median_label == "1 day"
    assert figures.loop_figures(workspace, since=NOW - timedelta(days=1), until=NOW).team.median_label == "–"


@pytest.fixture
def owed_to_olivia(workspace, owner, leader, people):
    """Ann (45 days) and Ben (20 days) wait on Olivia; Dan waits on Leo; Cat was told."""
    now = timezone.now()
    export = suggestion(workspace, "Export to CSV", owner)
    raised(export, people["Ann"], now - timedelta(days=45), "Let me export the month's orders to a spreadsheet")
    raised(export, people["Ben"], now - timedelta(days=20))
    raised(export, people["Cat"], now - timedelta(days=30))
    message(export, people["Cat"], now - timedelta(days=3), by=owner)
    raised(suggestion(workspace, "Dark mode", leader), people["Dan"], now - timedelta(days=16))
    return export


def test_the_pulse_page_shows_the_viewers_owed_replies_and_loop_figures(owed_to_olivia, workspace, owner):
    page = client_for(owner).get(f"/w/{workspace.slug}/pulse/").content.decode()
    section = page[page.index('id="owed-replies"'):]
    assert "2 customers</strong> raised something with you more than 14 days ago" in section
    assert section.index("Ann") < section.index("Ben") and "Dan" not in section  # Dan waits on Leo
    assert "Let me export the month&#x27;s orders" in section and "waiting 45 days" in section
    assert "Customers who heard back" in section and f"/w/{workspace.slug}/loop/owed/" in section


def test_the_pulse_page_costs_the_same_queries_with_2_or_20_owed_replies(owed_to_olivia, workspace, owner, people):
    client = client_for(owner)
    path = f"/w/{workspace.slug}/pulse/"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for n in range(18):
        person = factories.person(workspace, f"Customer {n}", email=f"c{n}@customer.example")
        raised(owed_to_olivia, person, timezone.now() - timedelta(days=15 + n))
        if n % 3 == 0:
            message(owed_to_olivia, person, timezone.now(), by=owner)
    with CaptureQueriesContext(connection) as many:
        client.get(path)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_workspace_without_suggestions_shows_no_loop_section(workspace, owner):
    page = client_for(owner).get(f"/w/{workspace.slug}/pulse/").content.decode()
    assert 'id="owed-replies"' not in page


def test_the_weekly_digest_tells_each_leader_whom_they_keep_waiting(smtp_inbox, owed_to_olivia, owner, leader):
    reports = send_weekly_digests()
    figures_of = {r.email: r.figures for r in reports}
    assert figures_of[owner.email]["owed_replies"] == 2 and figures_of[leader.email]["owed_replies"] == 1
    assert figures_of[owner.email]["customers_heard_back_90"] == 1
    (to_olivia,) = smtp_inbox.to(owner.email)
    text = text_of(to_olivia)
    assert "2 customers raised something with you more than 14 days ago" in text
    assert "Ann at Globex, waiting 45 days" in text and "Ben at Globex, waiting 20 days" in text
    assert "Customers who heard back: 1 / 1" in text
    assert text.index("Ann at Globex") < text.index("Ben at Globex")
    (to_leo,) = smtp_inbox.to(leader.email)
    assert "1 customer raised something with you" in text_of(to_leo) and "Dan at Initech" in text_of(to_leo)


def test_the_owed_replies_page_lists_mine_first_then_each_leader_with_the_period_figures(
        owed_to_olivia, workspace, owner, leader):
    client = client_for(leader)
    page = client.get(f"/w/{workspace.slug}/loop/owed/").content.decode()
    assert page.index("Waiting on you") < page.index("Waiting on Olivia Owner")
    assert page.index("Dan") < page.index("Ann") < page.index("Ben")
    assert "45 days" in page and owed_to_olivia.get_absolute_url() + "#messages" in page
    assert '<option value="90" selected>' in page
    year = client.get(f"/w/{workspace.slug}/loop/owed/?period=365").content.decode()
    assert '<option value="365" selected>' in year and "Last 365 days" in year
    assert client.get(f"/w/{workspace.slug}/loop/owed/?period=nonsense").status_code == 200


def test_the_api_lists_owed_replies_and_figures(owed_to_olivia, workspace, owner, leader, api):
    everyone = api.get("/loop/owed").json()
    assert everyone["days"] == 14 and everyone["total"] == 3
    olivia = next(o for o in everyone["owners"] if o["owner_id"] == owner.pk)
    assert [r["person"] for r in olivia["replies"]] == ["Ann", "Ben"] and olivia["replies"][0]["days_waiting"] == 45
    only_leo = api.get("/loop/owed", owner_id=leader.pk, days=10).json()
    assert [o["owner_id"] for o in only_leo["owners"]] == [leader.pk]
    assert api.get("/loop/owed", days=40).json()["total"] == 1
    assert api.get("/loop/owed", owner_id=999_999).status_code == 404

    loop = api.get("/loop/figures").json()
    assert loop["team"]["customers_heard_back"] == 1 and loop["team"]["median_days_to_told"] == 27.0
    today = timezone.now().date()
    empty = api.get("/loop/figures", since=str(today - timedelta(days=1)), until=str(today - timedelta(days=1)))
    assert empty.json()["team"]["customers_heard_back"] == 0
    assert api.get("/loop/figures", since=str(today), until=str(today - timedelta(days=2))).status_code == 422
    assert api.get("/loop/figures", since="0001-01-01").status_code == 422
    assert api.get("/loop/figures", until="9999-12-31").status_code == 422
    assert api.get("/loop/owed", owner_id=2**70).status_code == 422


def test_the_cli_prints_owed_replies_per_leader_oldest_first(owed_to_olivia, workspace, owner, leader):
    out = StringIO()
    call_command("loop", "owed", "--workspace", workspace.slug, stdout=out)
    text = out.getvalue()
    assert "3 customers waiting to hear back, raised more than 14 days ago" in text
    assert "Olivia Owner: 2 waiting" in text and "Leo Leader: 1 waiting" in text
    assert text.index("Ann (Globex)") < text.index("Ben (Globex)") and "45 days" in text

    out = StringIO()
    call_command("loop", "owed", "--leader", leader.email, "--days", "10", stdout=out)
    assert "Dan (Initech)" in out.getvalue() and "Ann" not in out.getvalue()
