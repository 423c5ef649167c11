"""Challenges, pulses, reads, host requests, the rollover and suggestions, against the database."""

import socket
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import add_user, logged
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from factories import client_for

from outsidein.conversations.models import Conversation, Status
from outsidein.engagement import selectors, services
from outsidein.engagement.models import ConversationRead, HostRequestStatus, ParticipantStatus

UTC = ZoneInfo("UTC")
pytestmark = pytest.mark.django_db


def test_leaderboard_counts_first_hand_conversations_by_each_members_week_across_a_dst_change(workspace, owner):
    berlin = add_user(workspace, "b@example.com", "Berta Berlin", time_zone="Europe/Berlin")
    york = add_user(workspace, "n@example.com", "Ned NewYork", time_zone="America/New_York")
    challenge = services.create_challenge(workspace, owner, {
        "name": "Coffee Challenge", "starts_on": date(2026, 3, 23), "ends_on": date(2026, 4, 19),
        "weekly_target": 1}, [berlin, york])
    for entry in challenge.participants.exclude(user=owner):
        services.respond_to_invitation(entry, entry.user, accept=True)
    # 00:30 on Monday 30 March in Berlin, the first Monday after clocks went forward: week 2 for Berta.
    logged(workspace, datetime(2026, 3, 29, 22, 30, tzinfo=UTC), [berlin])
    # The same instant is 18:30 on Sunday in New York: week 1 for Ned.
    logged(workspace, datetime(2026, 3, 29, 22, 30, tzinfo=UTC), [york])
    # Present, but the conversation was cancelled: not counted. Relayed (Ned not present): not counted.
    logged(workspace, datetime(2026, 3, 24, 10, tzinfo=UTC), [berlin], status=Status.CANCELLED)
    logged(workspace, datetime(2026, 3, 25, 10, tzinfo=UTC), [owner])
    board = selectors.leaderboard(challenge, now=datetime(2026, 3, 31, 12, tzinfo=UTC))
    rows = {r.name: r for r in board.rows}
    assert rows["Berta Berlin"].weekly[:2] == [0, 1] and rows["Berta Berlin"].this_week == 1
    assert rows["Ned NewYork"].weekly[:2] == [1, 0] and rows["Ned NewYork"].this_week == 0
    assert rows["Ned NewYork"].streak == 1  # week 1 at target; week 2 still running
    assert rows["Olivia Owner"].weekly[:2] == [1, 0]


def test_only_leaders_take_part_and_only_the_invited_answer(workspace, owner, member):
    leader = add_user(workspace, "l2@example.com", "Lea Leader")
    with pytest.raises(PermissionDenied):
        services.create_challenge(workspace, member, {"name": "Mine", "starts_on": date(2026, 1, 5),
                                                      "ends_on": date(2026, 2, 1)})
    with pytest.raises(ValidationError):
        services.create_challenge(workspace, owner, {"name": "Bad", "starts_on": date(2026, 2, 5),
                                                     "ends_on": date(2026, 2, 1)})
    challenge = services.create_challenge(workspace, owner, {"name": "Coffee", "starts_on": date(2026, 1, 5),
                                                             "ends_on": date(2026, 2, 1)})
    with pytest.raises(ValidationError):
        services.invite_leaders(challenge, owner, [member])
    [entry] = services.invite_leaders(challenge, owner, [leader])
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(entry, owner, accept=True)
    response = client_for(leader).post(f"/w/{workspace.slug}/challenges/entries/{entry.pk}/answer/",
                                       {"answer": "decline"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ParticipantStatus.DECLINED
    page = client_for(owner).get(challenge.get_absolute_url())
    assert "declined" in page.content.decode()


def test_pulse_figures_and_the_share_of_highlights_taken_in_first_hand(workspace, owner, market, leader,
                                                                       django_assert_max_num_queries):
    now = timezone.now()
    acme = market["accounts"][0]
    mine = logged(workspace, now - timedelta(days=3), [owner], account=acme, kind="service_side_by_side",
                  persons=[market["buyer"], market["user"]],
                  highlights=[("pain", "Late loads cost us"), ("competitor_mention", "FreightCo is cheaper")])
    logged(workspace, now - timedelta(days=40), [owner], account=market["accounts"][1])
    theirs = logged(workspace, now - timedelta(days=1), [leader], account=acme,
                    highlights=[("quote", "a"), ("quote", "b"), ("idea", "c"), ("pain", "d"), ("gain", "e"),
                                ("quote", "f")])
    client = client_for(owner)
    assert client.get(theirs.get_absolute_url()).status_code == 200  # owner reads Leo's conversation
    assert client.get(mine.get_absolute_url()).status_code == 200  # their own: not a relayed read
    assert ConversationRead.objects.filter(user=owner).count() == 1
    with django_assert_max_num_queries(8):
        team = selectors.team_pulse(workspace)
    me = team.of(owner.pk)
    assert (me.days_since_last, me.last_7, me.last_30, me.last_90) == (3, 1, 1, 2)
    assert me.segments_met == 2 and me.buyers_met and me.end_users_met and not me.internal_met
    assert me.settings_met == ("service_side_by_side",) and me.competitor_mentions == 1
    assert me.first_hand_share == pytest.approx(2 / 8)  # 2 heard first-hand, 6 read relayed
    assert team.of(leader.pk).first_hand_share == 1.0
    assert team.medians["last_90"] == 1.5


def test_a_leader_without_contact_for_30_days_shows_on_the_team_page(workspace, owner, leader):
    now = timezone.now()
    logged(workspace, now - timedelta(days=49), [leader])
    logged(workspace, now - timedelta(days=2), [owner])
    page = client_for(owner).get(f"/w/{workspace.slug}/pulse/team/")
    body = page.content.decode()
    assert page.status_code == 200
    insulated = body[body.index('id="insulated"'):body.index("</section>", body.index('id="insulated"'))]
    assert "Leo Leader" in insulated and "49 days" in insulated and "Olivia Owner" not in insulated
    assert "<svg" in body and "team median" in body


def test_the_viewer_s_own_bar_is_picked_out_in_a_colour_that_does_not_mean_worse(workspace, owner, leader):
    """Top of the team, and red while the page says red means worse: the own bar is indigo, whatever the rank."""
    from outsidein.core.charts import CHOSEN, TONES

    now = timezone.now()
    for days in (1, 2, 3):
        logged(workspace, now - timedelta(days=days), [owner])
    logged(workspace, now - timedelta(days=4), [leader])
    body = client_for(owner).get(f"/w/{workspace.slug}/pulse/").content.decode()
    chart = body[body.index("<svg"):body.index("</svg>")]
    assert chart.count(f"fill='{CHOSEN}'") == 1 and TONES["bad"] not in chart


def test_host_request_accepted_becomes_a_planned_conversation_for_both(workspace, owner, member, market,
                                                                       django_capture_on_commit_callbacks):
    when = timezone.now() + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_host(workspace, owner, {"host": member, "kind": "service_side_by_side",
                                                           "account": market["accounts"][0], "proposed_at": when,
                                                           "note": "I want to hear the calls"})
    with pytest.raises(PermissionDenied):
        services.answer_host_request(request, owner, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(f"/w/{workspace.slug}/planning/requests/{request.pk}/answer/",
                                           {"answer": "accept", "note": "Bring a headset"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == HostRequestStatus.ACCEPTED and request.response_note == "Bring a headset"
    conversation = request.conversation
    assert conversation.status == Status.PLANNED and conversation.occurred_at == when
    assert set(conversation.members.all()) == {owner, member} and conversation.kind == "service_side_by_side"
    with pytest.raises(ValidationError):
        services.answer_host_request(request, member, accept=False)
    assert [m.to for m in mail.outbox] == [[member.email], [owner.email]]  # asked, then answered
    assert "Bring a headset" in mail.outbox[1].body and "I want to hear the calls" in mail.outbox[0].body
    declined = services.request_host(workspace, owner, {"host": member, "proposed_at": when})
    services.answer_host_request(declined, member, accept=False, note="I am on leave")
    page = client_for(owner).get(f"/w/{workspace.slug}/planning/").content.decode()
    assert "I am on leave" in page and "Declined" in page



def test_host_request_stands_when_the_mail_server_is_down(workspace, owner, member, settings, caplog,
                                                          django_capture_on_commit_callbacks):
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_host(workspace, owner, {"host": member,
                                                           "proposed_at": timezone.now() + timedelta(days=2)})
    assert request.pk and request.status == HostRequestStatus.PENDING
    assert f"Notice to {member.email} could not be sent" in caplog.text

def test_planned_conversations_roll_over_and_ask_for_notes(workspace, owner, market):
    now = timezone.now()
    past = logged(workspace, now - timedelta(hours=2), [owner], account=market["accounts"][0],
                  status=Status.PLANNED, notes="")
    future = logged(workspace, now + timedelta(days=2), [owner], status=Status.PLANNED, notes="")
    assert services.roll_over_planned(now) == 1
    assert Conversation.objects.get(pk=past.pk).status == Status.LOGGED
    assert Conversation.objects.get(pk=future.pk).status == Status.PLANNED
    assert list(selectors.notes_reminders(workspace, owner)) == [Conversation.objects.get(pk=past.pk)]
    home = client_for(owner).get(f"/w/{workspace.slug}/").content.decode()
    assert "Add notes to 1 conversation" in home


def test_suggestions_are_accounts_and_segments_not_met_lately_biggest_first(workspace, owner, market):
    acme, bolt, _corner = market["accounts"]
    logged(workspace, timezone.now() - timedelta(days=10), [owner], account=bolt)
    logged(workspace, timezone.now() - timedelta(days=200), [owner], account=acme)  # too long ago
    accounts, segments = selectors.suggestions(workspace, owner)
    assert [a.name for a in accounts] == ["Acme Freight", "Corner Shop"]
    assert [s.name for s in segments] == ["Enterprise shippers"]


@pytest.mark.parametrize("path", ["pulse/", "pulse/team/", "challenges/", "challenges/new/", "planning/",
                                  "settings/calendar/", ""])
def test_pages_answer(path, workspace, owner, leader, market):
    logged(workspace, timezone.now() - timedelta(days=1), [leader], account=market["accounts"][0])
    services.create_challenge(workspace, owner, {"name": "Coffee", "starts_on": timezone.now().date(),
                                                 "ends_on": timezone.now().date() + timedelta(days=27)}, [leader])
    assert client_for(owner).get(f"/w/{workspace.slug}/{path}").status_code == 200
    assert client_for(leader).get(f"/w/{workspace.slug}/{path}").status_code == 200


def test_a_member_cannot_start_a_challenge_from_the_page(workspace, member):
    assert client_for(member).get(f"/w/{workspace.slug}/challenges/new/").status_code == 403


def test_creating_a_challenge_from_the_page_invites_leaders(workspace, owner, leader):
    response = client_for(owner).post(f"/w/{workspace.slug}/challenges/new/", {
        "name": "Coffee Challenge", "description": "Coffees", "starts_on": "2026-11-23", "ends_on": "2027-01-17",
        "weekly_target": "2", "invitees": [leader.pk]})
    assert response.status_code == 302
    invitation = selectors.open_invitations(workspace, leader).get()
    assert invitation.challenge.name == "Coffee Challenge" and invitation.invited_by == owner


def test_highlights_used_as_evidence_count_as_taken_in_once(workspace, owner, leader):
    from outsidein.learning import services as learning_services

    now = timezone.now()
    mine = logged(workspace, now - timedelta(days=2), [owner], highlights=[("pain", "Mine")])
    theirs = logged(workspace, now - timedelta(days=2), [leader], highlights=[("pain", "Theirs"), ("gain", "More")])
    assumption = learning_services.save_assumption(workspace, owner, {"statement": "Late loads cost shippers money",
                                                                      "type": "desirability"})
    for highlight in [*mine.highlights.all(), *theirs.highlights.filter(kind="pain")]:
        learning_services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    pulse = selectors.team_pulse(workspace).of(owner.pk)
    assert pulse.first_hand_share == pytest.approx(1 / 2)  # "Mine" heard first-hand, "Theirs" used relayed
    client_for(owner).get(theirs.get_absolute_url())  # now read as well: "Theirs" is not counted twice
    pulse = selectors.team_pulse(workspace).of(owner.pk)
    assert pulse.first_hand_share == pytest.approx(1 / 3)  # "Mine" of Mine, Theirs, More


def test_pulse_and_leaderboard_pages_cost_the_same_queries_whatever_the_data(workspace, owner, market):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    challenge = services.create_challenge(workspace, owner, {
        "name": "Coffee", "starts_on": timezone.now().date() - timedelta(days=14),
        "ends_on": timezone.now().date() + timedelta(days=14)})
    client = client_for(owner)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    paths = [f"/w/{workspace.slug}/pulse/", f"/w/{workspace.slug}/pulse/team/", challenge.get_absolute_url()]
    before = [queries(p) for p in paths]
    for n in range(5):
        leader = add_user(workspace, f"extra{n}@example.com", f"Extra {n}")
        services.join_challenge(challenge, leader)
        for days in (1, 4, 9, 33, 60):
            logged(workspace, timezone.now() - timedelta(days=days), [leader, owner], account=market["accounts"][n % 3],
                   persons=[market["buyer"]], highlights=[("pain", "x"), ("competitor_mention", "y")])
    assert [queries(p) for p in paths] == before
