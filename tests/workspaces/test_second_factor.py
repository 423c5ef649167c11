"""Two-step sign-in through the pages: setting it up, signing in with a code or a recovery code, wrong codes, a
workspace that requires it, and turning it off."""

import base64
import re
import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from factories import client_for

from outsidein.workspaces.models import AuditAction, AuditEvent

PASSWORD = "pw-12345678"


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret a person typed in (``steps_ahead``: a later 30-second step,
    since a code once used is not accepted again)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def turned_on(client: Client) -> tuple[str, list[str]]:
    """Set up two-step sign-in as a person does on their page: the secret shown, then the first code."""
    page = client.post(reverse("security"), {"action": "start"}).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert "<svg" in page  # the QR code to scan
    done = client.post(reverse("security"), {"action": "confirm", "code": code_for(secret)}).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done)
    assert "Two-step sign-in is on" in done and len(codes) == 10
    return secret, codes


def test_setting_up_two_step_sign_in_then_signing_in_with_a_code(workspace, owner):
    secret, _ = turned_on(client_for(owner))
    client = Client()
    held = client.post("/login/", {"username": owner.email, "password": PASSWORD})
    assert held.url == reverse("login-code")
    assert client.get(reverse("home")).status_code == 302  # not signed in on the password alone
    wrong = client.post(reverse("login-code"), {"code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.content.decode()
    too_soon = client.post(reverse("login-code"), {"code": code_for(secret, steps_ahead=1)})
    assert "Too many wrong codes in a row" in too_soon.content.decode()  # guessing slows down after each miss
    time.sleep(1.1)
    signed = client.post(reverse("login-code"), {"code": code_for(secret, steps_ahead=1)})
    assert signed.status_code == 302 and client.get(f"/w/{workspace.slug}/").status_code == 200
    assert AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SECOND_FACTOR_ADDED).exists()
    assert AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SIGN_IN_REFUSED,
                                     detail__reason="wrong code").exists()


def test_a_recovery_code_signs_in_once(workspace, owner):
    _, codes = turned_on(client_for(owner))
    first = Client()
    first.post("/login/", {"username": owner.email, "password": PASSWORD})
    answer = first.post(reverse("login-code"), {"code": codes[0].upper()}, follow=True)
    assert "9 of them are left" in answer.content.decode()
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    again = Client()
    again.post("/login/", {"username": owner.email, "password": PASSWORD})
    assert again.post(reverse("login-code"), {"code": codes[0]}).status_code == 422


def test_a_workspace_that_requires_it_sends_a_member_to_set_it_up(workspace, owner, member):
    owner_client = client_for(owner)
    turned_on(owner_client)
    url = reverse("sign-in-settings", kwargs={"ws": workspace.slug})
    assert client_for(member).post(url, {"require_second_factor": "on", "password_sign_in": "on"}).status_code == 403
    # The owner's own session passed no code (a test sign-in): it is sent to the code page's setup too.
    assert owner_client.post(url, {"require_second_factor": "on", "password_sign_in": "on"}).status_code == 302
    workspace.refresh_from_db()
    assert workspace.require_second_factor
    member_client = client_for(member)
    sent = member_client.get(f"/w/{workspace.slug}/conversations/")
    assert sent.url == f"{reverse('security')}?next=/w/{workspace.slug}/conversations/"
    page = member_client.get(sent.url).content.decode()
    assert f"{workspace.name} asks every member" in page
    turned_on(member_client)
    assert member_client.get(f"/w/{workspace.slug}/conversations/").status_code == 200
    assert AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SETTINGS_CHANGED).exists()


def test_turning_it_off_takes_a_current_code(workspace, owner):
    client = client_for(owner)
    secret, _ = turned_on(client)
    refused = client.post(reverse("security"), {"action": "off", "code": "123456"})
    assert refused.status_code == 422
    time.sleep(1.1)  # the wait after one wrong code
    client.post(reverse("security"), {"action": "off", "code": code_for(secret, steps_ahead=1)})
    assert "Set up two-step sign-in" in client.get(reverse("security")).content.decode()
    plain = Client()
    assert plain.post("/login/", {"username": owner.email, "password": PASSWORD}).url != reverse("login-code")


def test_a_held_sign_in_expires(workspace, owner, monkeypatch):
    turned_on(client_for(owner))
    client = Client()
    client.post("/login/", {"username": owner.email, "password": PASSWORD})
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post(reverse("login-code"), {"code": "123456"}).url == reverse("login")


def test_a_company_sign_in_counts_as_the_second_step_only_for_its_own_workspace(workspace, owner, member):
    from outsidein.workspaces import services
    from outsidein.workspaces.middleware import SSO_SESSION_KEY

    other = services.create_workspace("Initech", owner)
    services.add_member(other, member)
    workspace.require_second_factor = other.require_second_factor = True
    workspace.save()
    other.save()
    client = client_for(member)
    session = client.session
    session[SSO_SESSION_KEY] = other.slug  # came in through Initech's provider
    session.save()
    assert client.get(f"/w/{other.slug}/conversations/").status_code == 200
    assert client.get(f"/w/{workspace.slug}/conversations/").url.startswith(reverse("security"))
