"""Closing the loop: what customers raised, who raised it, what became of it, and who was told.

A ``Suggestion`` is one idea, suggestion or concern, however many customers raised it: each ``Raiser`` is one
person (or, for an unattributed feedback item, one account) saying it once, in their own words, with where and
when. Its status moves heard → under consideration → being piloted → done / not doing, each move kept as a
``StatusChange``; a move drafts a ``Message`` to every raiser, which the owner edits and sends. A ``CustomerLink``
is a person's private page; a brainstorm conversation's board holds ``Idea`` rows with dot ``Vote`` rows.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", "Suggestion"
    IDEA = "idea", "Idea"
    CONCERN = "concern", "Concern"


class SuggestionStatus(models.TextChoices):
    HEARD = "heard", "Heard"
    CONSIDERING = "considering", "Under consideration"
    PILOTING = "piloting", "Being piloted"
    DONE = "done", "Done"
    NOT_DOING = "not_doing", "Not doing"


CLOSED_STATUSES = (SuggestionStatus.DONE, SuggestionStatus.NOT_DOING)


class Suggestion(WorkspaceOwned):
    title = models.CharField(max_length=200, help_text="The idea in a line, as the customers would recognise it.")
    kind = models.CharField(max_length=12, choices=SuggestionKind.choices, default=SuggestionKind.SUGGESTION)
    status = models.CharField(max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.HEARD,
                              editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_suggestions", help_text="Who answers the customers.")
    outcome = models.TextField(
        blank=True, help_text="What happened, in words a customer understands; for “not doing”, the reason.")
    next_step = models.TextField(blank=True, help_text="What comes next for the customers who raised it.")
    assumption = models.ForeignKey("learning.Assumption", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="suggestions")
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="suggestions")
    pilot = models.ForeignKey("initiatives.Pilot", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="suggestions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "status", "-created_at"], name="suggestion_by_status"),
            models.Index(fields=["workspace", "owner", "status"], name="suggestion_by_owner"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("suggestion-detail", kwargs={"ws": self.workspace.slug, "suggestion_id": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class RaisedVia(models.TextChoices):
    HIGHLIGHT = "highlight", "A conversation highlight"
    FEEDBACK = "feedback", "A feedback item"
    BRAINSTORM = "brainstorm", "A brainstorm idea"
    TYPED = "typed", "Typed in"
    CUSTOMER_PAGE = "customer_page", "The customer's own page"


class Raiser(WorkspaceOwned):
    """One customer raising a suggestion once: their words, where and when, first-hand or relayed."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="raisers")
    person = models.ForeignKey("customers.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="raised")
    account = models.ForeignKey("customers.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="raised")
    words = models.TextField(help_text="What they said, in their words.")
    said_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=16, choices=RaisedVia.choices, default=RaisedVia.TYPED)
    first_hand = models.BooleanField(default=True, help_text="Heard by a member in person, not relayed.")
    highlight = models.ForeignKey("conversations.Highlight", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="raisers")
    feedback_item = models.ForeignKey("voice.FeedbackItem", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="raisers")
    idea = models.ForeignKey("Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="raisers")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["said_at", "id"]
        constraints = [
            # A highlight or feedback item is raised once per suggestion: adding it again is a no-op, not a duplicate.
            models.UniqueConstraint(fields=["suggestion", "highlight"], condition=models.Q(highlight__isnull=False),
                                    name="unique_raiser_highlight"),
            models.UniqueConstraint(fields=["suggestion", "feedback_item"],
                                    condition=models.Q(feedback_item__isnull=False), name="unique_raiser_feedback"),
        ]
        indexes = [models.Index(fields=["workspace", "person"], name="raiser_person")]

    def __str__(self) -> str:
        return f"{self.person or self.account or 'A customer'}: {self.words[:60]}"


class StatusChange(WorkspaceOwned):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=SuggestionStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=SuggestionStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or 'new'} → {self.get_to_status_display()}"


class MessageKind(models.TextChoices):
    UPDATE = "update", "What became of it"
    THANKS = "thanks", "Thank-you"
    PILOT_INVITE = "pilot_invite", "Pilot invitation"
    PILOT_RESULT = "pilot_result", "Pilot result"
    LINK = "link", "Their own page"


class MessageStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    OPTED_OUT = "opted_out", "Not sent: opted out"


class Message(WorkspaceOwned):
    """One message to one customer, drafted by Outside-In, edited by a person, sent once.

    ``key`` names what the message is about (a status change and a person, a pilot's start and a person…) and is
    unique in the workspace, so drafting again finds the same row and sending claims it (draft → sending) before
    the mail goes out: a retry, a double click or two processes never send twice.
    """

    kind = models.CharField(max_length=14, choices=MessageKind.choices)
    key = models.CharField(max_length=120, editable=False)
    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="loop_messages")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="messages")
    status_change = models.ForeignKey(StatusChange, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="messages")
    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="loop_messages")
    pilot = models.ForeignKey("initiatives.Pilot", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="loop_messages")
    email = models.EmailField(blank=True, editable=False, help_text="The address it went to, as it was then.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.DRAFT,
                              editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="loop_messages_sent")
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_message_key")]
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="message_log_order"),
            models.Index(fields=["workspace", "person", "status"], name="message_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("message-detail", kwargs={"ws": self.workspace.slug, "message_id": self.pk})


class OptOut(WorkspaceOwned):
    """A person who asked to hear nothing more from the workspace; kept by person, set without logging in."""

    person = models.OneToOneField("customers.Person", on_delete=models.CASCADE, related_name="loop_opt_out")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.person} opted out"


class CustomerLink(WorkspaceOwned):
    """A person's private page. The secret is shown once; only its hash is kept, so a leaked database holds no link."""

    DEFAULT_DAYS = 180

    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="loop_links")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Page of {self.person}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Idea(WorkspaceOwned):
    """A card on a brainstorm's board, from a customer or a member; it may become a suggestion, assumption or
    initiative, crediting the customers whose idea it was."""

    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField(max_length=500)
    group = models.CharField(max_length=80, blank=True, help_text="Cards with the same group sit together.")
    person = models.ForeignKey("customers.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="ideas", help_text="The customer whose idea it is.")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="ideas", help_text="The member whose idea it is.")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas")
    assumption = models.ForeignKey("learning.Assumption", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="ideas")
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="ideas")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        if self.person_id and self.member_id:
            raise ValidationError("An idea is a customer's or a member's, not both.")


class Vote(WorkspaceOwned):
    """One dot: a participant (a customer through their link, or a member) puts it on an idea, at most once each."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], condition=models.Q(person__isnull=False),
                                    name="unique_vote_person"),
            models.UniqueConstraint(fields=["idea", "member"], condition=models.Q(member__isnull=False),
                                    name="unique_vote_member"),
            models.CheckConstraint(condition=models.Q(person__isnull=True) ^ models.Q(member__isnull=True),
                                   name="vote_by_one_participant"),
        ]

    def __str__(self) -> str:
        return f"Vote on {self.idea}"
