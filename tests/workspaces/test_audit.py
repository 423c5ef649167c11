"""The audit trail: each kind of event is recorded with who, what, when and from where, in its own workspace only;
the owner's page filters it and downloads it as CSV; old events are forgotten."""

import csv
import io
from datetime import timedelta

import factories
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import client_for, conversation

from outsidein.conversations.models import Conversation
from outsidein.loop import links, telling
from outsidein.loop.models import Message, MessageKind, MessageStatus
from outsidein.workspaces import audit, services
from outsidein.workspaces.models import AuditAction, AuditEvent, Membership, Role, User


def make_user(email: str) -> User:
    return User.objects.create_user(email, "pw-12345678")


BROWSER = {"HTTP_USER_AGENT": "Firefox/140 (test)", "REMOTE_ADDR": "203.0.113.7"}


def events(workspace, action):
    return list(AuditEvent.objects.filter(workspace=workspace, action=action))


def only(workspace, action) -> AuditEvent:
    found = events(workspace, action)
    assert len(found) == 1, [str(e) for e in found]
    return found[0]


def test_a_sign_in_is_recorded_with_the_address_and_browser(workspace, owner):
    client = Client(**BROWSER)
    assert client.post("/login/", {"username": owner.email, "password": "pw-12345678"}).status_code == 302
    event = only(workspace, AuditAction.SIGNED_IN)
    assert (event.actor, event.ip, event.user_agent, event.via) == (owner, "203.0.113.7", "Firefox/140 (test)",
                                                                   "web")


def test_a_refused_sign_in_and_a_sign_out_are_recorded(workspace, owner):
    client = Client(**BROWSER)
    client.post("/login/", {"username": owner.email, "password": "not-the-password"})
    assert only(workspace, AuditAction.SIGN_IN_REFUSED).detail == {"reason": "wrong password"}
    client.post("/login/", {"username": owner.email, "password": "pw-12345678"})
    client.post(reverse("logout"))
    assert only(workspace, AuditAction.SIGNED_OUT).actor == owner


def test_members_added_their_role_changed_and_removed_are_recorded_with_who_did_it(workspace, owner):
    client = client_for(owner)
    newcomer = make_user("newcomer@example.com")
    services.add_member(workspace, newcomer, Role.MEMBER)
    membership = Membership.objects.get(workspace=workspace, user=newcomer)
    client.post(reverse("member-role", kwargs={"ws": workspace.slug, "membership_id": membership.pk}),
                {"role": Role.LEADER})
    client.post(reverse("member-remove", kwargs={"ws": workspace.slug, "membership_id": membership.pk}))
    assert only(workspace, AuditAction.ROLE_CHANGED).detail == {
        "from": "Member", "to": "Leader"}
    removed = only(workspace, AuditAction.MEMBER_REMOVED)
    assert (removed.actor, removed.target, removed.detail) == (owner, newcomer.email, {"role": "Leader"})
    added = [e.target for e in events(workspace, AuditAction.MEMBER_ADDED)]
    assert newcomer.email in added  # besides the owner, added when the workspace was made


def test_an_invitation_is_recorded(workspace, owner, smtp_inbox):
    client_for(owner).post(reverse("member-list", kwargs={"ws": workspace.slug}),
                           {"email": "Guest@Example.com", "role": Role.VIEWER})
    event = only(workspace, AuditAction.INVITED)
    assert (event.actor, event.target, event.detail) == (owner, "guest@example.com", {"role": "Viewer"})


def test_api_tokens_created_and_revoked_are_recorded(workspace, owner):
    client = client_for(owner)
    client.post(reverse("token-list", kwargs={"ws": workspace.slug}), {"name": "Zapier"})
    created = only(workspace, AuditAction.TOKEN_CREATED)
    assert (created.actor, created.target_id) == (owner, created.target_id) and "Zapier" in created.target
    client.post(reverse("token-revoke", kwargs={"ws": workspace.slug, "token_id": int(created.target_id)}))
    assert only(workspace, AuditAction.TOKEN_REVOKED).target_id == created.target_id


def test_customer_links_made_and_revoked_are_recorded(workspace, owner, person):
    link, _ = links.create_link(person, owner)
    links.revoke_link(link, owner)
    links.revoke_link(link, owner)  # a second revocation changes nothing and records nothing
    made = only(workspace, AuditAction.CUSTOMER_LINK_CREATED)
    assert (made.actor, made.target, made.detail["link"]) == (owner, f"{person} <{person.email}>" if person.email else str(person), link.pk)
    assert only(workspace, AuditAction.CUSTOMER_LINK_REVOKED).target == made.target


def test_exports_are_recorded_with_their_filters(workspace, owner):
    client = client_for(owner)
    response = client.get(reverse("feedback-export", kwargs={"ws": workspace.slug}), {"sentiment": "negative"})
    b"".join(response.streaming_content)
    event = only(workspace, AuditAction.EXPORTED)
    assert (event.target, event.detail) == ("feedback (CSV)", {"filters": {"sentiment": "negative"}})


def test_a_deletion_is_recorded_but_not_what_it_took_along(workspace, owner, member):
    talk = conversation(workspace, members=[member])
    client_for(owner).post(reverse("conversation-delete", kwargs={"ws": workspace.slug,
                                                                  "conversation_id": talk.pk}))
    assert not Conversation.objects.filter(pk=talk.pk).exists()
    event = only(workspace, AuditAction.DELETED)
    assert (event.actor, event.target_type, event.target_id) == (owner, "conversation", str(talk.pk))
    Conversation.objects.filter(workspace=workspace).delete()  # a clean-up of many rows is not someone's deletion
    assert len(events(workspace, AuditAction.DELETED)) == 1


def test_a_deletion_through_the_api_is_recorded(workspace, owner, api):
    talk = conversation(workspace)
    assert api("DELETE", f"/conversations/{talk.pk}").status_code == 204
    event = only(workspace, AuditAction.DELETED)
    assert (event.actor, event.via, event.target_id) == (owner, "api", str(talk.pk))


def test_a_stage_gate_override_is_recorded_with_its_reason(workspace, owner, api):
    made = api("POST", "/initiatives", {"name": "Live load tracking", "pain_statement": "Late loads hurt"}).json()
    assert api("POST", f"/initiatives/{made['id']}/move", {"to_stage": "solution", "override": True,
                                                           "reason": "Sponsor's call"}).status_code == 201
    event = only(workspace, AuditAction.GATE_OVERRIDDEN)
    assert (event.actor, event.target, event.detail["reason"], event.detail["to"]) == (
        owner, "Live load tracking", "Sponsor's call", "Nail the solution")
    assert event.detail["unmet"]


def test_a_message_sent_to_a_customer_is_recorded(workspace, owner, person, smtp_inbox):
    person.email = "hank@globex.example"
    person.save()
    draft = Message.objects.create(workspace=workspace, kind=MessageKind.UPDATE, key="t:1", person=person,
                                   subject="What became of it", body="We did it.", status=MessageStatus.DRAFT,
                                   created_by=owner)
    assert telling.send_message(draft, owner).status == MessageStatus.SENT
    event = only(workspace, AuditAction.CUSTOMER_MESSAGE_SENT)
    assert (event.actor, event.target, event.detail["to"]) == (owner, f"{person} <{person.email}>", person.email)


def test_the_trail_is_the_workspaces_own_and_only_its_owners_read_it(workspace, owner, member):
    other_owner = make_user("other@example.com")
    other = services.create_workspace("Initech", other_owner)
    links.create_link(factories.person(other, "Milton"), other_owner)
    page = client_for(owner).get(reverse("audit-log", kwargs={"ws": workspace.slug}))
    assert page.status_code == 200 and "Milton" not in page.content.decode()
    assert client_for(member).get(reverse("audit-log", kwargs={"ws": workspace.slug})).status_code == 403
    assert client_for(member).get(reverse("audit-export", kwargs={"ws": workspace.slug})).status_code == 403
    assert client_for(owner).get(reverse("audit-log", kwargs={"ws": other.slug})).status_code == 404


def test_the_owners_page_filters_and_downloads_the_trail(workspace, owner, person):
    links.create_link(person, owner)
    services.create_api_token(workspace, owner, "Zapier")
    AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATED).update(at=timezone.now() - timedelta(days=40))
    client = client_for(owner)
    url = reverse("audit-log", kwargs={"ws": workspace.slug})
    page = client.get(url, {"action": AuditAction.CUSTOMER_LINK_CREATED}).content.decode()
    assert "Customer link created" in page and "Zapier" not in page
    recent = client.get(url, {"since": (timezone.now() - timedelta(days=7)).date().isoformat()}).content.decode()
    assert "Customer link created" in recent and "Zapier" not in recent
    bad = client.get(url, {"since": "2026-12-02", "until": "2026-12-01"}).content.decode()
    assert "“To” comes before “From”." in bad

    response = client.get(reverse("audit-export", kwargs={"ws": workspace.slug}))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Disposition"].endswith('-audit-trail.csv"')
    assert {r["action"] for r in rows} >= {"customer_link_created", "token_created", "signed_in"}
    assert only(workspace, AuditAction.EXPORTED).target == "audit trail (CSV)"


def test_events_older_than_the_keeping_time_are_forgotten(workspace, owner, settings):
    settings.AUDIT_KEEP_DAYS = 30
    services.create_api_token(workspace, owner, "Old")
    services.create_api_token(workspace, owner, "New")
    AuditEvent.objects.filter(target__contains="Old").update(at=timezone.now() - timedelta(days=31))
    assert audit.purge() == 1
    assert [e.target for e in events(workspace, AuditAction.TOKEN_CREATED)] == [
        e.target for e in AuditEvent.objects.filter(target__contains="New")]


def test_a_command_line_export_is_recorded_as_such(workspace, tmp_path):
    from django.core.management import call_command

    call_command("export", "accounts", "--out", str(tmp_path / "a.csv"), "--workspace", workspace.slug)
    event = only(workspace, AuditAction.EXPORTED)
    assert (event.actor, event.via, event.target) == (None, "command line", "accounts (CSV)")


@pytest.mark.parametrize("action", [a for a, _ in AuditAction.choices])
def test_every_kind_of_event_reads_in_words_on_the_page(workspace, owner, action):
    audit.record(workspace, action, "Something", actor=owner)
    page = client_for(owner).get(reverse("audit-log", kwargs={"ws": workspace.slug})).content.decode()
    assert AuditAction(action).label in page
