"""The weekly digest through a real SMTP server on loopback: both parts, the figures, the unsubscribe link,
and a second run that sends nothing."""

import re
from datetime import UTC, date, datetime, timedelta
from email.message import Message

import pytest
from conftest import logged
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from outsidein.conversations.models import Status
from outsidein.engagement import services
from outsidein.engagement.digest import send_weekly_digests
from outsidein.engagement.models import DigestDelivery, DigestOptOut
from outsidein.engagement.tasks import send_weekly_digest
from outsidein.workspaces.models import Role

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def team(workspace, owner, leader, member, market):
    """Olivia (owner) and Leo (leader) get the digest; Mia (member) does not."""
    acme, bolt, _ = market["accounts"]
    logged(workspace, NOW - timedelta(days=2), [owner], account=acme)
    logged(workspace, NOW - timedelta(days=9), [owner], account=bolt)
    logged(workspace, NOW - timedelta(days=20), [owner], account=acme)
    logged(workspace, NOW - timedelta(days=1), [leader], account=acme,
           highlights=[("pain", "We lose a day every time a load is late")])
    logged(workspace, NOW + timedelta(days=2), [owner], account=bolt, status=Status.PLANNED, notes="",
           kind="site_visit")
    challenge = services.create_challenge(workspace, owner, {
        "name": "Coffee Challenge", "starts_on": date(2026, 11, 2), "ends_on": date(2026, 12, 20),
        "weekly_target": 1}, [leader])
    services.join_challenge(challenge, leader)
    return challenge


def parts(message: Message) -> dict[str, str]:
    return {part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for part in message.walk() if not part.is_multipart()}


def test_digest_reaches_each_leader_once_with_both_parts_and_a_working_unsubscribe_link(
        smtp_inbox, team, workspace, owner, leader, member):
    reports = send_weekly_digests(NOW)
    assert sorted(r.email for r in reports if r.outcome == "sent") == [leader.email, owner.email]
    assert sorted(rcpt for rcpts, _ in smtp_inbox.messages for rcpt in rcpts) == [leader.email, owner.email]
    message = next(m for rcpts, m in smtp_inbox.messages if rcpts == [owner.email])
    assert message["Subject"].strip() == "Your customer pulse, week 48: 3 first-hand customer conversations in 30 days"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    text, html = body["text/plain"], body["text/html"]
    assert "First-hand conversations, 30 days: 3 (team median 2)" in text
    assert "Days since the last first-hand conversation: 2 (team median 1.5)" in text
    assert "1. " in text and "Coffee Challenge" in text and "streak" in text
    assert "Site / home visit with Bolt Retail" in text  # next week's plan
    assert "We lose a day every time a load is late" in text  # a colleague's first-hand highlight
    assert "<svg" in html and "Coffee Challenge" in html and "We lose a day every time" in html
    link = re.search(r"https?://\S+/digest/unsubscribe/[^\s\"<]+/", text).group(0)
    assert link in html and message["List-Unsubscribe"] == f"<{link}>"

    # A second run in the same week sends nothing.
    again = send_weekly_digests(NOW + timedelta(hours=5))
    assert {r.outcome for r in again} == {"already sent this week"}
    assert len(smtp_inbox.messages) == 2 and DigestDelivery.objects.count() == 2

    # The link works without logging in, and the member is opted out from then on.
    response = Client().get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and "unsubscribed" in response.content.decode()
    assert DigestOptOut.objects.filter(workspace=workspace, user=owner).exists()
    next_week = send_weekly_digests(NOW + timedelta(days=7))
    assert [r.email for r in next_week] == [leader.email]
    assert Client().get("/digest/unsubscribe/not-a-signed-token/").status_code == 404


def test_the_scheduled_task_sends_and_a_rerun_sends_nothing(smtp_inbox, team, owner, leader):
    send_weekly_digest.enqueue()  # the tests run tasks at once (immediate backend)
    first = len(smtp_inbox.messages)
    send_weekly_digest.enqueue()
    assert first == 2 and len(smtp_inbox.messages) == 2


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(smtp_inbox, team, workspace, owner, capsys):
    call_command("digest", "--dry-run", "--workspace", workspace.slug)
    out = capsys.readouterr().out
    assert f"[would send] {workspace.slug} → {owner.email}" in out
    assert "Subject: Your customer pulse" in out and "last_30=" in out
    assert smtp_inbox.messages == [] and DigestDelivery.objects.count() == 0
    call_command("digest", "--workspace", workspace.slug)
    assert len(smtp_inbox.messages) == 2


def test_only_leaders_who_did_not_opt_out_receive_it(smtp_inbox, team, workspace, owner, leader, member):
    services.unsubscribe_from_digest(workspace, leader)
    workspace.memberships.filter(user=member).update(role=Role.LEADER)
    sent = [r.email for r in send_weekly_digests(NOW) if r.outcome == "sent"]
    assert sorted(sent) == sorted([owner.email, member.email])


def test_the_web_preview_shows_this_week_s_digest_and_sends_nothing(smtp_inbox, team, workspace, owner, member,
                                                                    monkeypatch):
    from django.utils import timezone
    from factories import client_for

    monkeypatch.setattr(timezone, "now", lambda: NOW)  # the Monday the figures above are for
    html = client_for(owner).get(f"/w/{workspace.slug}/pulse/digest/").content.decode()
    assert "Your customer pulse, week 48: 3 first-hand customer conversations in 30 days" in html  # the subject
    assert f"It goes to {owner.email} on Monday morning." in html
    assert "Coffee Challenge" in html and "We lose a day every time a load is late" in html and "<svg" in html
    assert "Site / home visit with Bolt Retail" in html
    # A member does not receive it, and is told so beside what it would say to them.
    as_member = client_for(member).get(f"/w/{workspace.slug}/pulse/digest/").content.decode()
    assert "You do not receive it: it goes to owners and leaders." in as_member and "Hello Mia Member" in as_member
    assert smtp_inbox.messages == [] and not DigestDelivery.objects.exists()
