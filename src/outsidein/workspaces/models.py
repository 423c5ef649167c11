"""Users, workspaces and who may do what in them.

Every domain row elsewhere belongs to exactly one workspace (see ``outsidein.core.scoping``).
"""

import hashlib
import secrets
import zoneinfo
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (use a name such as Europe/Berlin).")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(f"“{value}” is not a currency code (use three capital letters such as USD or EUR).")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Addresses are stored in lower case; phones capitalise the first letter people type.
        return self.get(email=self.normalize_email(username).lower())

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in; people log in with their e-mail address."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=150, blank=True, help_text="Job title, e.g. VP Operations.")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Kept only with a read replica configured: for a few seconds after it the person's pages read the primary.
    wrote_at = models.DateTimeField(null=True, blank=True, help_text="When the person last saved something.")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Workspace(models.Model):
    """One organisation's space."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60, unique=True)
    # Scores are counted per day, and a day needs a zone: the workspace's reporting zone decides where a month
    # begins for everyone reading its trends (times a person reads are still shown in their own zone).
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone],
                                 help_text="Where the workspace's days and months begin in its score trends.")
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency],
                                help_text="ISO 4217 code of account revenue, e.g. USD, EUR, GBP.")
    require_second_factor = models.BooleanField(
        default=False, help_text="Every member signs in with a code from an authenticator app as well.")
    password_sign_in = models.BooleanField(
        default=True, help_text="Members may sign in with a password; when off, only through single sign-on.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    LEADER = "leader", "Leader"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]
        ordering = ["user__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def can_admin(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_leader(self) -> bool:
        return self.role in (Role.OWNER, Role.LEADER)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An e-mailed link that makes its holder a member once they log in or sign up."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_secret(token)

    @classmethod
    def find(cls, token: str) -> "Invitation | None":
        return cls.objects.select_related("workspace").filter(token_hash=_hash_secret(token)).first()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal token for integrations; only its hash is stored, the token is shown once."""

    PREFIX = "oi_"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, so people can tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> tuple[str, str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        return token, _hash_secret(token)

    @classmethod
    def authenticate(cls, token: str) -> "ApiToken | None":
        return (
            cls.objects.select_related("user", "workspace")
            .filter(token_hash=_hash_secret(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )


class FailedAttempts(models.Model):
    """How often one client failed at one thing lately (signing in as an address, guessing tokens).

    Kept in the database, not in a process's memory, so every web process and worker counts the same failures.
    The key is a hash of what is counted: no e-mail address or IP address is stored in the clear.
    """

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=30, help_text="What is counted, e.g. sign-in or api-token.")
    failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    # When the row means nothing any more (its window and any block are over): old rows are swept by this.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "failed attempts"

    def __str__(self) -> str:
        return f"{self.failures} failed {self.scope} attempts"


class AuditAction(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused"
    SIGNED_OUT = "signed_out", "Signed out"
    MEMBER_ADDED = "member_added", "Member added"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBER_REMOVED = "member_removed", "Member removed"
    INVITED = "invited", "Invitation sent"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    CUSTOMER_LINK_CREATED = "customer_link_created", "Customer link created"
    CUSTOMER_LINK_REVOKED = "customer_link_revoked", "Customer link revoked"
    EXPORTED = "exported", "Exported"
    DELETED = "deleted", "Deleted"
    GATE_OVERRIDDEN = "gate_overridden", "Stage gate overridden"
    CUSTOMER_MESSAGE_SENT = "customer_message_sent", "Message sent to a customer"
    SECOND_FACTOR_ADDED = "second_factor_added", "Two-step sign-in turned on"
    SECOND_FACTOR_REMOVED = "second_factor_removed", "Two-step sign-in turned off"
    SETTINGS_CHANGED = "settings_changed", "Sign-in settings changed"


class AuditEvent(models.Model):
    """Who did what, when and from where, in one workspace: the owner's record of what matters for trust."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept as text too: the record outlives the person's account.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target = models.CharField(max_length=300, blank=True, help_text="What it was done to, in words.")
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # "web", "api" or "command line"
    via = models.CharField(max_length=20, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["workspace", "-at"], name="audit_ws_at"),
                   models.Index(fields=["workspace", "action", "-at"], name="audit_ws_action_at"),
                   models.Index(fields=["at"], name="audit_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.target}"


class SignOn(models.Model):
    """A workspace's single sign-on: its company's OpenID Connect provider, who may come in through it, and how."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="sign_on")
    issuer = models.URLField(max_length=300, help_text="The provider's address, e.g. https://login.example.com.")
    client_id = models.CharField(max_length=200)
    client_secret = models.CharField(max_length=500, blank=True)
    email_domains = models.CharField(
        max_length=500, help_text="Comma-separated e-mail domains whose verified addresses may sign in.")
    default_role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER,
                                    help_text="The role of someone who signs in for the first time.")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.issuer}"

    @property
    def domains(self) -> list[str]:
        return email_domains(self.email_domains)


def email_domains(text: str) -> list[str]:
    """The domains of a comma-separated list as typed ("Acme.example, @acme-logistics.example")."""
    return [d.strip().lower().lstrip("@") for d in text.split(",") if d.strip()]
