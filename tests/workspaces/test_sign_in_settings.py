"""A workspace's sign-in settings: the company's provider, checked as it is typed; password sign-in switched off only
safely; and what a member then meets. (The sign-in through a real provider is tests/browser/test_sign_in.py.)"""

from django.urls import reverse
from factories import client_for

from outsidein.workspaces import sso
from outsidein.workspaces.middleware import SSO_SESSION_KEY
from outsidein.workspaces.models import AuditAction, AuditEvent, Role, SignOn

PROVIDER = {"issuer": "https://login.acme.example", "client_id": "outside-in", "client_secret": "s3cret",
            "email_domains": "acme.example, @Acme-Logistics.example", "default_role": Role.MEMBER,
            "password_sign_in": "on"}


def settings_url(workspace) -> str:
    return reverse("sign-in-settings", kwargs={"ws": workspace.slug})


def test_the_provider_is_saved_with_its_domains_and_the_secret_is_never_shown(workspace, owner):
    client = client_for(owner)
    assert client.post(settings_url(workspace), PROVIDER).status_code == 302
    sign_on = SignOn.objects.get(workspace=workspace)
    assert sign_on.domains == ["acme.example", "acme-logistics.example"] and sign_on.client_secret == "s3cret"
    page = client.get(settings_url(workspace)).content.decode()
    assert "s3cret" not in page and "login.acme.example" in page
    # Left empty, the secret stays; the change of client id is in the audit trail, the secret never.
    client.post(settings_url(workspace), {**PROVIDER, "client_secret": "", "client_id": "outside-in-2"})
    sign_on.refresh_from_db()
    assert (sign_on.client_id, sign_on.client_secret) == ("outside-in-2", "s3cret")
    changes = [e.detail for e in AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SETTINGS_CHANGED)]
    assert changes[-1]["single_sign_on"]["client_id"] == "outside-in" and "s3cret" not in str(changes)
    assert sso.workspace_for_email("Lee@ACME-logistics.example") == workspace
    assert sso.workspace_for_email("lee@logistics.example") is None  # a part of a domain is not the domain


def test_a_provider_without_what_it_needs_is_refused_naming_the_field(workspace, owner):
    answer = client_for(owner).post(settings_url(workspace), {
        "issuer": "https://login.acme.example", "email_domains": "not a domain", "password_sign_in": "on"})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "Client id: the provider gives one" in page and "Client secret: the provider gives one" in page
    assert "“not a domain” is not a domain" in page
    assert not SignOn.objects.exists()


def test_passwords_are_switched_off_only_after_signing_in_through_the_provider(workspace, owner, member):
    client = client_for(owner)
    refused = client.post(settings_url(workspace), {**PROVIDER, "password_sign_in": ""})
    assert refused.status_code == 422 and "Sign in through the company" in refused.content.decode()
    session = client.session
    session[SSO_SESSION_KEY] = workspace.slug
    session.save()
    assert client.post(settings_url(workspace), {**PROVIDER, "password_sign_in": ""}).status_code == 302
    workspace.refresh_from_db()
    assert not workspace.password_sign_in
    # A member signed in with a password is sent to the company's sign-in; the owner's session came through it.
    sent = client_for(member).get(f"/w/{workspace.slug}/conversations/")
    assert sent.url == f"{reverse('sso-start')}?workspace={workspace.slug}"
    assert client.get(f"/w/{workspace.slug}/conversations/").status_code == 200


def test_only_owners_change_how_members_sign_in(workspace, member):
    assert client_for(member).get(settings_url(workspace)).status_code == 403
    assert client_for(member).post(settings_url(workspace), PROVIDER).status_code == 403


def test_the_provider_can_come_from_the_environment(workspace, owner, monkeypatch):
    for name, value in {"WORKSPACE": workspace.slug, "ISSUER": "https://idp.acme.example", "CLIENT_ID": "oi",
                        "CLIENT_SECRET": "x", "DOMAINS": "acme.example", "ROLE": "owner",
                        "PASSWORD_SIGN_IN": "false"}.items():
        monkeypatch.setenv(f"OUTSIDEIN_OIDC_{name}", value)
    sign_on = sso.sign_on_of(workspace)
    assert (sign_on.issuer, sign_on.default_role) == ("https://idp.acme.example", Role.MEMBER)  # never owner
    assert sso.workspace_for_email("kim@acme.example") == workspace
    assert not sso.password_sign_in_allowed(workspace)
    client = client_for(owner)
    assert client.get(settings_url(workspace)).url == f"{reverse('sso-start')}?workspace={workspace.slug}"
    session = client.session
    session[SSO_SESSION_KEY] = workspace.slug  # as the provider's answer leaves it
    session.save()
    assert "set on the server" in client.get(settings_url(workspace)).content.decode()


def test_the_start_page_names_what_is_wrong(db):
    from django.test import Client

    page = Client().post(reverse("sso-start"), {"email": "kim@nowhere.example"})
    assert page.status_code == 422 and "No workspace signs in addresses at nowhere.example" in page.content.decode()
    page = Client().post(reverse("sso-start"), {})
    assert page.status_code == 422 and "Work e-mail" in page.content.decode()
    assert Client().get(reverse("sso-callback")).status_code == 403  # an answer to nothing started here
