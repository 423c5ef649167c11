"""Use cases for workspaces, memberships, invitations and API tokens."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from outsidein.workspaces import audit
from outsidein.workspaces.models import ApiToken, AuditAction, Invitation, Membership, Role, SignOn, User, Workspace
from outsidein.workspaces.signals import reporting_zone_changed, workspace_created


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_workspace(name: str, owner: User, slug: str | None = None) -> Workspace:
    if not name.strip():
        raise ValidationError({"name": "A workspace needs a name."})
    # The creator's zone is the best first guess at where the organisation's months begin.
    workspace = Workspace.objects.create(name=name.strip(), slug=slug or unique_slug(name), time_zone=owner.time_zone)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    workspace_created.send(sender=Workspace, workspace=workspace, owner=owner)
    return workspace


@transaction.atomic
def add_member(workspace: Workspace, user: User, role: str = Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
    if created:
        audit.record(workspace, AuditAction.MEMBER_ADDED, user, detail={"role": Role(role).label})
    elif membership.role != role:
        audit.record(workspace, AuditAction.ROLE_CHANGED, user,
                     detail={"from": Role(membership.role).label, "to": Role(role).label})
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _owners_left(workspace: Workspace, without: Membership) -> int:
    return workspace.memberships.filter(role=Role.OWNER).exclude(pk=without.pk).count()


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if membership.role == Role.OWNER and role != Role.OWNER and not _owners_left(membership.workspace, membership):
        raise ValidationError({"role": "A workspace needs at least one owner."})
    if membership.role != role:
        audit.record(membership.workspace, AuditAction.ROLE_CHANGED, membership.user,
                     detail={"from": Role(membership.role).label, "to": Role(role).label})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if membership.role == Role.OWNER and not _owners_left(membership.workspace, membership):
        raise ValidationError("A workspace needs at least one owner.")
    audit.record(membership.workspace, AuditAction.MEMBER_REMOVED, membership.user,
                 detail={"role": Role(membership.role).label})
    membership.delete()


@transaction.atomic
def invite(workspace: Workspace, invited_by: User, email: str, role: str = Role.MEMBER) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link; returns the invitation and the link (shown to the inviter too)."""
    email = email.strip().lower()
    if workspace.memberships.filter(user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {workspace}."})
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, invited_by=invited_by, token_hash=token_hash
    )
    link = settings.SITE_URL + reverse("invitation-accept", kwargs={"token": token})
    audit.record(workspace, AuditAction.INVITED, email, actor=invited_by, detail={"role": Role(role).label})
    send_mail(
        subject=f"{invited_by.display_name} invites you to {workspace} on Outside-In",
        message=(
            f"{invited_by.display_name} invited you to join {workspace} on Outside-In "
            f"as {invitation.get_role_display()}.\n\n"
            f"Accept the invitation: {link}\n\nThe link works for 14 days."
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, link


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if not invitation.is_open:
        raise ValidationError("This invitation has expired or was already used.")
    membership = add_member(invitation.workspace, user, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def create_api_token(workspace: Workspace, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is never stored and so shown only this once."""
    if not name.strip():
        raise ValidationError({"name": "Give the token a name, e.g. the integration that will use it."})
    secret, token_hash = ApiToken.new_secret()
    token = ApiToken.objects.create(workspace=workspace, user=user, name=name.strip()[:100], token_hash=token_hash,
                                    hint=secret[:10])
    audit.record(workspace, AuditAction.TOKEN_CREATED, token, detail={"for": user.email})
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(token.workspace_id, AuditAction.TOKEN_REVOKED, token, detail={"for": token.user.email})


def update_settings(workspace: Workspace, *, name: str, currency: str, time_zone: str) -> Workspace:
    """Rename a workspace, or change the currency of its revenue or its reporting zone.

    A new reporting zone moves where days and months begin: ``reporting_zone_changed`` lets the areas that
    count per day (score rollups) recount.
    """
    old = (workspace.name, workspace.currency, workspace.time_zone)
    old_zone = workspace.time_zone
    workspace.name, workspace.currency, workspace.time_zone = name.strip(), currency, time_zone
    try:
        workspace.full_clean(exclude=["slug"])
    except ValidationError:
        workspace.name, workspace.currency, workspace.time_zone = old  # the page still shows what is saved
        raise
    with transaction.atomic():
        workspace.save(update_fields=["name", "currency", "time_zone"])
        if time_zone != old_zone:
            reporting_zone_changed.send(sender=Workspace, workspace=workspace, old_zone=old_zone)
    return workspace


@transaction.atomic
def save_sign_in_settings(workspace: Workspace, data: dict[str, Any], *, keep_provider: bool = False) -> Workspace:
    """Two-step sign-in, the company's provider (or none) and password sign-in, as the owner set them; the
    changes go to the audit trail (never the secret). ``keep_provider``: the provider is set in the environment."""
    changed: dict[str, Any] = {}
    for name in ("require_second_factor", "password_sign_in"):
        if getattr(workspace, name) != data[name]:
            changed[name] = data[name]
            setattr(workspace, name, data[name])
    workspace.save(update_fields=["require_second_factor", "password_sign_in"])
    if not keep_provider:
        sign_on = SignOn.objects.filter(workspace=workspace).first()
        if not data.get("issuer"):
            if sign_on is not None:
                sign_on.delete()
                changed["single_sign_on"] = "removed"
        else:
            sign_on = sign_on or SignOn(workspace=workspace)
            before = (sign_on.issuer, sign_on.client_id, sign_on.email_domains, sign_on.default_role)
            sign_on.issuer, sign_on.client_id = data["issuer"], data["client_id"]
            sign_on.email_domains, sign_on.default_role = data["email_domains"], data["default_role"] or Role.MEMBER
            if data.get("client_secret"):
                sign_on.client_secret = data["client_secret"]
                changed["client_secret"] = "replaced"
            if before != (sign_on.issuer, sign_on.client_id, sign_on.email_domains, sign_on.default_role):
                changed["single_sign_on"] = {"issuer": sign_on.issuer, "client_id": sign_on.client_id,
                                             "domains": sign_on.email_domains, "role": sign_on.default_role}
            sign_on.full_clean(exclude=["workspace"])
            sign_on.save()
    if changed:
        audit.record(workspace, AuditAction.SETTINGS_CHANGED, "sign-in", detail=changed)
    return workspace
