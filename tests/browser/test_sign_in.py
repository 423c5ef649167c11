"""Signing in as a company does: through its OpenID Connect provider (a real one, oidc-provider on loopback, through
the browser's redirects), with a second factor from an authenticator app, and with a recovery code."""

import base64
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from inbox import free_port
from playwright.sync_api import Page, expect

from outsidein.workspaces.models import AuditAction, AuditEvent, Membership, Role, SignOn

pytestmark = pytest.mark.browser

PROVIDER = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "outside-in", "a-test-secret-for-the-provider"


@pytest.fixture
def identity_provider(live_server) -> Iterator[str]:
    """The provider's issuer address; it knows Outside-In as a client with the live server's callback."""
    if not (PROVIDER / "node_modules" / "oidc-provider").exists():
        pytest.fail("The test identity provider is not installed: run `make oidc-provider`.")
    port = free_port()
    process = subprocess.Popen(
        ["node", str(PROVIDER / "provider.mjs"), str(port), CLIENT_ID, CLIENT_SECRET,
         f"{live_server.url}/login/sso/callback/"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = []
        while not (said and said[-1].startswith("ready")):  # its warnings about development settings come first
            line = process.stdout.readline()
            if not line:
                pytest.fail("The test identity provider did not start: " + "".join(said))
            said.append(line)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def set_up_sign_on(page: Page, workspace, issuer: str) -> None:
    """The owner registers the company's provider on the sign-in settings page."""
    page.goto(reverse("sign-in-settings", kwargs={"ws": workspace.slug}))
    page.get_by_label("Identity provider (issuer)").fill(issuer)
    page.get_by_label("Client id").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("E-mail domains").fill("acme.example")
    page.get_by_label("Role of someone new").select_option(Role.LEADER)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Sign-in settings saved.")).to_be_visible()


def through_the_provider(page: Page, email: str, login_as: str | None = None) -> None:
    """From the sign-in page to the company's provider: its own sign-in form, then its consent page."""
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=login]").fill(login_as or email)  # the provider's page, on its own address
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def log_out(page: Page) -> None:
    """Through the menu's Log out, as a person does (the app's offline cache keeps pages, not sessions)."""
    page.goto("/")  # the workspace's home, whose menu holds it
    page.get_by_text("More").first.click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_company_account_signs_in_and_becomes_a_member_with_the_default_role(
        page: Page, live_server, workspace, owner, login, identity_provider, screenshot, settings):
    login(owner.email, "pw-12345678")
    set_up_sign_on(page, workspace, identity_provider)
    screenshot("settings")
    log_out(page)

    through_the_provider(page, "lee.jones@acme.example")
    expect(page.get_by_role("heading", name=re.compile(r"^Hello,"))).to_be_visible()
    assert page.url.rstrip("/").endswith(f"/w/{workspace.slug}")
    member = Membership.objects.get(workspace=workspace, user__email="lee.jones@acme.example")
    assert member.role == Role.LEADER and not member.user.has_usable_password()
    assert AuditEvent.objects.filter(workspace=workspace, action=AuditAction.MEMBER_ADDED,
                                     target__contains="lee.jones").exists()
    assert AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SIGNED_IN,
                                     actor=member.user).exists()


def test_an_address_of_another_domain_or_not_verified_is_refused(page: Page, workspace, identity_provider,
                                                                  screenshot):
    SignOn.objects.create(workspace=workspace, issuer=identity_provider, client_id=CLIENT_ID,
                          client_secret=CLIENT_SECRET, email_domains="acme.example")
    # A domain no workspace takes is refused before anyone leaves the page.
    page.goto(reverse("sso-start"))
    page.get_by_label("Work e-mail").fill("eve@elsewhere.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("No workspace signs in addresses at elsewhere.example")).to_be_visible()
    # The provider vouches for another domain than the one typed: refused when it answers.
    through_the_provider(page, "eve@acme.example", login_as="eve@elsewhere.example")
    expect(page.locator("#sso-refusal")).to_have_text(re.compile(r"Addresses at elsewhere\.example cannot sign in"))
    screenshot("refused")
    # An address the provider has not verified.
    page.context.clear_cookies()  # the provider's own session, which remembers eve
    through_the_provider(page, "mal@acme.example", login_as="unverified+mal@acme.example")
    expect(page.locator("#sso-refusal")).to_have_text(re.compile(r"has not verified mal@acme\.example"))
    assert not Membership.objects.filter(user__email__in=["eve@elsewhere.example", "mal@acme.example"]).exists()
    reasons = set(AuditEvent.objects.filter(workspace=workspace, action=AuditAction.SIGN_IN_REFUSED)
                  .values_list("detail__reason", flat=True))
    assert reasons == {"domain elsewhere.example not accepted", "address not verified by the provider"}


def code_now(secret: str, steps_ahead: int = 0) -> str:
    compact = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(compact + "=" * (-len(compact) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_two_step_sign_in_with_a_code_and_with_a_recovery_code(page: Page, workspace, owner, login, screenshot):
    login(owner.email, "pw-12345678")
    page.get_by_text("More").first.click()
    page.get_by_role("link", name="Two-step sign-in").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot("enrol")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    log_out(page)

    page.goto("/login/")
    page.get_by_label("E-mail").fill(owner.email)
    page.get_by_label("Password").fill("pw-12345678")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    page.get_by_label("Code").fill(code_now(secret, steps_ahead=1))  # the code used to turn it on is spent
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Hello,"))).to_be_visible()
    log_out(page)

    page.goto("/login/")
    page.get_by_label("E-mail").fill(owner.email)
    page.get_by_label("Password").fill("pw-12345678")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 of them are left.")).to_be_visible()
    screenshot("recovery")
