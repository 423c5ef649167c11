"""Single sign-on through a company's OpenID Connect provider (Authlib's Django client).

A workspace's sign-on (``SignOn``) is set by its owners on the sign-in settings page, or for one workspace from the
environment (``OUTSIDEIN_OIDC_WORKSPACE``, ``_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET``, ``_DOMAINS``, ``_ROLE``,
``_PASSWORD_SIGN_IN``), which then wins. A person starts from the e-mail address they type (its domain names the
workspace), goes to the provider, and comes back with an ID token whose signature, issuer, audience, expiry and
nonce Authlib checks. Only an address the provider has verified, in one of the workspace's domains, comes in: a new
person becomes a member with the default role (just in time), a member keeps their role. A workspace can then
switch password sign-in off: its pages ask for a session that came through its provider.
"""

from __future__ import annotations

import os
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from outsidein.workspaces import audit, services
from outsidein.workspaces.models import AuditAction, Role, SignOn, User, Workspace

SCOPES = "openid email profile"
STARTED_KEY = "sso_started_for"


class SignOnRefused(Exception):
    """The provider's answer does not let this person in; the message says why, in words for them."""


def from_environment() -> tuple[str, SignOn] | None:
    """The sign-on configured in the environment, with the slug of its workspace."""
    slug = os.environ.get("OUTSIDEIN_OIDC_WORKSPACE", "").strip()
    issuer = os.environ.get("OUTSIDEIN_OIDC_ISSUER", "").strip()
    if not (slug and issuer):
        return None
    role = os.environ.get("OUTSIDEIN_OIDC_ROLE", Role.MEMBER).strip() or Role.MEMBER
    return slug, SignOn(
        issuer=issuer, client_id=os.environ.get("OUTSIDEIN_OIDC_CLIENT_ID", ""),
        client_secret=os.environ.get("OUTSIDEIN_OIDC_CLIENT_SECRET", ""),
        email_domains=os.environ.get("OUTSIDEIN_OIDC_DOMAINS", ""),
        default_role=role if role in Role.values and role != Role.OWNER else Role.MEMBER)


def sign_on_of(workspace: Workspace) -> SignOn | None:
    if (configured := from_environment()) and configured[0] == workspace.slug:
        configured[1].workspace = workspace
        return configured[1]
    return SignOn.objects.filter(workspace=workspace).first()


def configured_in_environment(workspace: Workspace) -> bool:
    """Read on every page of a workspace (``password_sign_in_allowed``): two variables, no sign-on built."""
    return (os.environ.get("OUTSIDEIN_OIDC_WORKSPACE", "").strip() == workspace.slug
            and bool(os.environ.get("OUTSIDEIN_OIDC_ISSUER", "").strip()))


def password_sign_in_allowed(workspace: Workspace) -> bool:
    """Read from the workspace row (and the environment): no query of its own, on every page of the workspace."""
    if configured_in_environment(workspace) and os.environ.get(
            "OUTSIDEIN_OIDC_PASSWORD_SIGN_IN", "true").strip().lower() in {"0", "false", "no", "off"}:
        return False
    return workspace.password_sign_in


def workspace_for_email(email: str) -> Workspace | None:
    """The workspace whose sign-on accepts this address's domain."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    if (configured := from_environment()) and domain in configured[1].domains:
        return Workspace.objects.filter(slug=configured[0]).first()
    # A few rows at most match the text; the exact domain is checked on the parsed list.
    for sign_on in SignOn.objects.filter(Q(email_domains__icontains=domain)).select_related("workspace")[:20]:
        if domain in sign_on.domains:
            return sign_on.workspace
    return None


def _client(sign_on: SignOn) -> Any:
    registry = OAuth()
    registry.register(
        name="company", client_id=sign_on.client_id, client_secret=sign_on.client_secret,
        server_metadata_url=sign_on.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": 10},
    )
    return registry.create_client("company")


def start(request: HttpRequest, workspace: Workspace, redirect_uri: str, login_hint: str = "") -> HttpResponse:
    """Send the browser to the workspace's provider; it comes back to ``redirect_uri``."""
    sign_on = sign_on_of(workspace)
    if sign_on is None:
        raise SignOnRefused(f"{workspace} has no single sign-on set up.")
    request.session[STARTED_KEY] = workspace.slug
    extra = {"login_hint": login_hint} if login_hint else {}
    try:
        response: HttpResponse = _client(sign_on).authorize_redirect(request, redirect_uri, **extra)
    except (OSError, ValueError, OAuthError) as exc:  # the provider cannot be reached or describes itself wrongly
        raise SignOnRefused(f"The sign-in service of {workspace} did not answer ({type(exc).__name__}); try again "
                            "in a moment, or tell the workspace's owner.") from exc
    return response


def finish(request: HttpRequest) -> tuple[Workspace, User]:
    """The provider's answer: the person it vouches for, now a member of the workspace it was started for."""
    slug = request.session.pop(STARTED_KEY, None)
    workspace = Workspace.objects.filter(slug=slug).first() if slug else None
    sign_on = sign_on_of(workspace) if workspace else None
    if workspace is None or sign_on is None:
        raise SignOnRefused("This sign-in was not started here, or took too long: start again.")
    client = _client(sign_on)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})  # the ID token's claims, checked by Authlib
        if "email" not in claims:
            # Many providers keep the ID token short and give the address at their userinfo endpoint.
            more = dict(client.userinfo(token=token))
            if more.get("sub") != claims.get("sub"):
                raise SignOnRefused("The sign-in service answered for someone else; start again.")
            claims.update(more)
    except (OAuthError, OSError, ValueError) as exc:
        raise SignOnRefused(f"The sign-in service did not let you in: {getattr(exc, 'description', '') or exc}.") \
            from exc
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignOnRefused("The sign-in service did not say who you are (no e-mail address).")
    if claims.get("email_verified") is not True:
        _refused(request, workspace, email, "address not verified by the provider")
        raise SignOnRefused(f"The sign-in service has not verified {email}; {workspace} accepts verified addresses "
                            "only.")
    domain = email.rpartition("@")[2]
    if domain not in sign_on.domains:
        _refused(request, workspace, email, f"domain {domain} not accepted")
        raise SignOnRefused(f"Addresses at {domain} cannot sign in to {workspace}; it accepts "
                            f"{', '.join('@' + d for d in sign_on.domains)}.")
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, name=str(claims.get("name") or "")[:150])
    if not user.is_active:
        _refused(request, workspace, email, "account switched off")
        raise SignOnRefused(f"The account of {email} is switched off here.")
    if not workspace.memberships.filter(user=user).exists():
        services.add_member(workspace, user, sign_on.default_role)
    return workspace, user


def _refused(request: HttpRequest, workspace: Workspace, email: str, reason: str) -> None:
    audit.record(workspace, AuditAction.SIGN_IN_REFUSED, email, request=request,
                 detail={"reason": reason, "through": "single sign-on"})
