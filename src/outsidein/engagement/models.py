"""Leaders in the field: challenges, reads of relayed conversations, host requests, calendar feeds, the digest.

First-hand contact itself needs no table of its own: a conversation is first-hand for the members present
(``Conversation.members``). What lives here is what makes that contact social, planned and visible.
"""

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Kind
from outsidein.core.scoping import WorkspaceOwned


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Challenge(WorkspaceOwned):
    """E.g. the coffee challenge: how many first-hand customer conversations each participant has a week."""

    MAX_WEEKS = 52

    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    starts_on = models.DateField(help_text="Week 1 starts at midnight of this day, in each participant's time zone.")
    ends_on = models.DateField(help_text="The last day of the challenge (included).")
    weekly_target = models.PositiveSmallIntegerField(
        default=3, help_text="First-hand customer conversations per participant and week.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The challenge cannot end before it starts."})
        # The leaderboard counts every week of the challenge: a span of centuries would take minutes to draw.
        if self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days >= self.MAX_WEEKS * 7:
            raise ValidationError({"ends_on": f"A challenge lasts at most {self.MAX_WEEKS} weeks."})
        if self.weekly_target is not None and self.weekly_target < 1:
            raise ValidationError({"weekly_target": "The weekly target is at least one conversation."})

    def get_absolute_url(self) -> str:
        return reverse("challenge-detail", kwargs={"ws": self.workspace.slug, "challenge_id": self.pk})

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def week_count(self) -> int:
        return ((self.ends_on - self.starts_on).days // 7) + 1


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ChallengeParticipant(WorkspaceOwned):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_entries")
    status = models.CharField(max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["challenge", "user__name"]
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="one_entry_per_challenge")]

    def __str__(self) -> str:
        return f"{self.user} in {self.challenge} ({self.status})"


class ConversationRead(WorkspaceOwned):
    """A member opened a conversation they were not present in: its highlights reached them relayed."""

    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_read_per_member")]
        indexes = [models.Index(fields=["workspace", "user", "read_at"])]


class HostKind(models.TextChoices):
    """What a leader asks a colleague to host them on; the values are the conversation kinds they become."""

    CUSTOMER_VISIT = Kind.CUSTOMER_VISIT.value, "Customer meeting"
    SALES_SIT_IN = Kind.SALES_SIT_IN.value, "Sales meeting sit-in"
    SERVICE_SIDE_BY_SIDE = Kind.SERVICE_SIDE_BY_SIDE.value, "Service side-by-side"
    SITE_VISIT = Kind.SITE_VISIT.value, "Site visit"


class HostRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HostRequest(WorkspaceOwned):
    """A leader asks an account manager or a service rep to take them along."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="host_requests_made")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_requests")
    kind = models.CharField(max_length=24, choices=HostKind.choices, default=HostKind.CUSTOMER_VISIT)
    account = models.ForeignKey("customers.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="host_requests")
    proposed_at = models.DateTimeField("proposed time")
    duration_minutes = models.PositiveIntegerField(default=60)
    note = models.TextField(blank=True, help_text="What you would like to learn, or how flexible you are.")
    status = models.CharField(max_length=10, choices=HostRequestStatus.choices, default=HostRequestStatus.PENDING)
    response_note = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.host} for {self.requested_by}"

    def clean(self) -> None:
        if self.requested_by_id and self.requested_by_id == self.host_id:
            raise ValidationError({"host": "Ask a colleague to host you, not yourself."})

    @property
    def is_pending(self) -> bool:
        return self.status == HostRequestStatus.PENDING


class CalendarFeed(WorkspaceOwned):
    """A member's private iCalendar feed of their planned conversations; only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @staticmethod
    def new_secret() -> tuple[str, str]:
        token = "cal_" + secrets.token_urlsafe(32)
        return token, hash_secret(token)

    @classmethod
    def find(cls, token: str) -> "CalendarFeed | None":
        return (cls.objects.select_related("user", "workspace")
                .filter(token_hash=hash_secret(token), revoked_at__isnull=True, user__is_active=True).first())


class DigestOptOut(WorkspaceOwned):
    """A member who does not want the weekly digest of this workspace."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opted_out_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_digest_opt_out")]


class DigestDelivery(WorkspaceOwned):
    """One weekly digest to one member. Created before sending, so a rerun in the same week sends nothing twice."""

    membership = models.ForeignKey("workspaces.Membership", on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W48.")
    email = models.EmailField()
    subject = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["membership", "week"], name="one_digest_per_week")]


class ScheduledRun(models.Model):
    """A periodic job that was started for a period (e.g. the digest of 2026-W48): one row, across processes."""

    name = models.CharField(max_length=60)
    period_key = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period_key"], name="one_run_per_period")]

    def __str__(self) -> str:
        return f"{self.name} {self.period_key}"

