"""Logging in, inviting people by e-mail, roles, and moving between workspaces."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from outsidein.workspaces import services
from outsidein.workspaces.models import ApiToken, Invitation, Membership, Role, User


def invite_link(message) -> str:
    return urlparse(re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)).path


def invite(owner_client, workspace, email: str, role: str = "member"):
    return owner_client.post(f"/w/{workspace.slug}/members/", {"email": email, "role": role})


def test_log_in_with_e_mail(owner, workspace):
    client = Client()
    response = client.post("/login/", {"username": "OWNER@example.com", "password": "pw-12345678"})
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    stranger = Client()
    bad = stranger.post("/login/", {"username": "owner@example.com", "password": "wrong"})
    assert bad.status_code == 200 and "Please enter a correct" in bad.content.decode()
    assert stranger.get("/")["Location"].startswith("/login/")


def test_invited_person_signs_up_and_joins_with_the_role(owner_client, workspace):
    response = invite(owner_client, workspace, "New.Person@Example.com", "leader")
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Acme" in message.subject
    link = invite_link(message)
    assert link in response.content.decode()  # the inviter can pass it on too

    newcomer = Client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Join Acme" in page.content.decode()
    joined = newcomer.post(link, {"name": "New Person", "password": "a-long-password"})
    assert joined.status_code == 302
    assert joined["Location"] == f"/w/{workspace.slug}/"
    user = User.objects.get(email="new.person@example.com")
    assert Membership.objects.get(workspace=workspace, user=user).role == Role.LEADER
    assert newcomer.get(f"/w/{workspace.slug}/").status_code == 200

    # The link works once.
    assert Client().get(link).status_code == 404
    assert newcomer.get(link).status_code == 404


def test_signup_errors_are_shown_next_to_the_field(owner_client, workspace):
    invite(owner_client, workspace, "new@example.com")
    link = invite_link(mail.outbox[0])
    response = Client().post(link, {"name": "", "password": "short"})
    html = response.content.decode()
    assert re.search(r'id="field-name".*?errorlist', html, re.S)
    assert re.search(r'id="field-password".*?errorlist', html, re.S)
    assert not User.objects.filter(email="new@example.com").exists()


def test_existing_user_logs_in_then_accepts(owner_client, workspace, other_workspace):
    stranger = other_workspace.memberships.get().user
    invite(owner_client, workspace, stranger.email, "viewer")
    link = invite_link(mail.outbox[0])
    assert Client().get(link)["Location"].startswith("/login/")
    client = Client()
    client.force_login(stranger)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=stranger).role == Role.VIEWER


def test_expired_link_is_not_found(owner_client, workspace):
    invite(owner_client, workspace, "late@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    link = invite_link(mail.outbox[0])
    assert Client().get(link).status_code == 404
    assert Client().post(link, {"name": "Late", "password": "a-long-password"}).status_code == 404
    assert not User.objects.filter(email="late@example.com").exists()


def test_made_up_link_is_not_found(db):
    assert Client().get("/invitations/not-a-token/").status_code == 404


def test_inviting_a_member_again_is_refused_next_to_the_field(owner_client, workspace, member):
    response = invite(owner_client, workspace, member.email)
    html = response.content.decode()
    assert "already a member" in re.search(r'id="field-email"(.*?)</div>', html, re.S).group(1)
    assert not mail.outbox


@pytest.mark.parametrize("who", ["member_client", "leader"])
def test_only_owners_invite(who, request, workspace):
    if who == "leader":
        client = Client()
        client.force_login(request.getfixturevalue("leader"))
    else:
        client = request.getfixturevalue(who)
    assert client.post(f"/w/{workspace.slug}/members/", {"email": "x@example.com", "role": "owner"}).status_code == 403
    assert not Invitation.objects.exists()
    assert client.get(f"/w/{workspace.slug}/members/").status_code == 200


def test_owner_changes_a_role(owner_client, workspace, member):
    membership = Membership.objects.get(workspace=workspace, user=member)
    response = owner_client.post(f"/w/{workspace.slug}/members/{membership.pk}/role/", {"role": "leader"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.LEADER


def test_last_owner_cannot_be_demoted_or_removed(owner_client, owner, workspace):
    membership = Membership.objects.get(workspace=workspace, user=owner)
    response = owner_client.post(f"/w/{workspace.slug}/members/{membership.pk}/role/", {"role": "member"},
                                 follow=True)
    assert "at least one owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    owner_client.post(f"/w/{workspace.slug}/members/{membership.pk}/remove/")
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_owner_can_step_down_once_there_is_another(owner_client, owner, leader, workspace):
    services.change_role(Membership.objects.get(workspace=workspace, user=leader), Role.OWNER)
    mine = Membership.objects.get(workspace=workspace, user=owner)
    owner_client.post(f"/w/{workspace.slug}/members/{mine.pk}/role/", {"role": "leader"})
    mine.refresh_from_db()
    assert mine.role == Role.LEADER


def test_owner_removes_a_member(owner_client, workspace, member):
    membership = Membership.objects.get(workspace=workspace, user=member)
    owner_client.post(f"/w/{workspace.slug}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = Client()
    removed.force_login(member)
    assert removed.get(f"/w/{workspace.slug}/").status_code == 404


def test_workspace_list_and_switching(owner, owner_client, workspace, other_workspace):
    services.add_member(other_workspace, owner, Role.MEMBER)
    listing = owner_client.get("/workspaces/").content.decode()
    assert "Acme" in listing and "Elsewhere" in listing

    owner_client.get(f"/w/{other_workspace.slug}/")
    assert owner_client.get("/")["Location"] == f"/w/{other_workspace.slug}/"
    owner_client.get(f"/w/{workspace.slug}/accounts/")
    assert owner_client.get("/")["Location"] == f"/w/{workspace.slug}/"


def test_home_without_a_workspace_goes_to_the_list(db):
    loner = User.objects.create_user("loner@example.com", "pw-12345678")
    client = Client()
    client.force_login(loner)
    assert client.get("/")["Location"] == "/workspaces/"
    assert "not a member of any workspace" in client.get("/workspaces/").content.decode()


def test_create_a_workspace(owner_client, owner):
    response = owner_client.post("/workspaces/", {"name": "Side Project"})
    membership = Membership.objects.get(user=owner, workspace__name="Side Project")
    assert membership.role == Role.OWNER
    assert response["Location"] == f"/w/{membership.workspace.slug}/"
    again = owner_client.post("/workspaces/", {"name": "Side Project"})
    assert again.status_code == 302 and again["Location"] != response["Location"]


def test_profile_page(owner_client, owner, workspace):
    response = owner_client.post(f"/w/{workspace.slug}/settings/profile/",
                                 {"name": "Olivia O.", "title": "CEO", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert re.search(r'id="field-time_zone".*?errorlist', response.content.decode(), re.S)
    ok = owner_client.post(f"/w/{workspace.slug}/settings/profile/",
                           {"name": "Olivia O.", "title": "CEO", "time_zone": "Europe/Berlin"})
    assert ok.status_code == 302
    owner.refresh_from_db()
    assert (owner.name, owner.time_zone) == ("Olivia O.", "Europe/Berlin")


def test_workspace_home_renders(owner_client, workspace):
    response = owner_client.get(f"/w/{workspace.slug}/")
    assert response.status_code == 200
    assert "Hello, Olivia Owner" in response.content.decode()


def test_admin_is_for_staff_only(owner_client, db):
    assert owner_client.get("/admin/")["Location"].startswith("/admin/login/")
    staff = User.objects.create_superuser("staff@example.com", "pw-12345678")
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/customers/account/").status_code == 200


def test_the_workspace_token_and_signup_forms_answer_422_with_the_error_beside_the_field(owner_client, workspace):
    created = owner_client.post("/workspaces/", {"name": ""})
    assert created.status_code == 422 and re.search(r'id="field-name".*?errorlist', created.content.decode(), re.S)
    token = owner_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": ""})
    assert token.status_code == 422 and not ApiToken.objects.exists()
    invite(owner_client, workspace, "new@example.com")
    signup = Client().post(invite_link(mail.outbox[0]), {"name": "", "password": "short"})
    assert signup.status_code == 422
