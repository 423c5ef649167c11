"""Customer conversations, past or planned, and the highlights taken from them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned


class Kind(models.TextChoices):
    COFFEE = "coffee", "Coffee"
    CUSTOMER_VISIT = "customer_visit", "Customer visit"
    SITE_VISIT = "site_visit", "Site / home visit"
    SERVICE_SIDE_BY_SIDE = "service_side_by_side", "Service side-by-side"
    SALES_SIT_IN = "sales_sit_in", "Sales meeting sit-in"
    SALES_RIDE_ALONG = "sales_ride_along", "Sales ride-along"
    BRAINSTORM = "brainstorm", "Brainstorm with customer"
    PILOT_CHECK_IN = "pilot_check_in", "Pilot check-in"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    LOGGED = "logged", "Logged"
    CANCELLED = "cancelled", "Cancelled"


class Conversation(WorkspaceOwned):
    """One contact with customers. First-hand for the members who were present."""

    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.COFFEE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOGGED)
    title = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField("when", default=timezone.now)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_PERSON)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    persons = models.ManyToManyField("customers.Person", blank=True, related_name="conversations")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="conversations", help_text="Members who were present."
    )
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_conversations"
    )
    notes = models.TextField(blank=True, help_text="Markdown.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Notes and highlights folded into one column, kept by the services, indexed for full-text search
    # by SQLite FTS5 or a PostgreSQL GIN index (see migrations and selectors.search).
    search_text = models.TextField(blank=True, editable=False)
    # Made by the phone that logged it (a quick log kept offline and sent later, an API client retrying): the
    # same id sent again finds this conversation instead of logging it twice.
    # Null when there is none (NULLs never clash in a unique index); nullable also lets SQLite add the column in
    # place, where a NOT NULL one would rebuild the table and drop its search triggers.
    client_id = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            # Partial, so it is an index (a table constraint would make SQLite rebuild the table too).
            models.UniqueConstraint(fields=["workspace", "client_id"], condition=models.Q(client_id__isnull=False),
                                    name="conversation_client_id_once"),
        ]
        indexes = [
            # The list's order, id included, so a page is read from the index and stops at LIMIT.
            models.Index(fields=["workspace", "-occurred_at", "-id"], name="conversation_list_order"),
            models.Index(fields=["workspace", "kind"]),
            # Someone's next plans (home page, planning): the few planned rows in order, not the whole history.
            models.Index(fields=["workspace", "occurred_at", "id"], condition=models.Q(status="planned"),
                         name="conversation_planned_due"),
        ]

    def __str__(self) -> str:
        # "Brainstorm with customer" names its partner already: "Brainstorm with Acme", not "… with customer with Acme".
        kind = str(self.get_kind_display()).removesuffix(" with customer")
        return self.title or f"{kind} with {self.account or 'a customer'}"

    def get_absolute_url(self) -> str:
        return reverse("conversation-detail", kwargs={"ws": self.workspace.slug, "conversation_id": self.pk})

    @property
    def is_planned(self) -> bool:
        """Planned and still ahead: one whose time has passed reads as logged, as the hourly rollover makes it
        (``selectors.took_place``)."""
        return self.status == Status.PLANNED and self.occurred_at > timezone.now()


class HighlightKind(models.TextChoices):
    QUOTE = "quote", "Quote"
    OBSERVATION = "observation", "Observation"
    PAIN = "pain", "Pain"
    GAIN = "gain", "Gain"
    JOB = "job", "Job to be done"
    IDEA = "idea", "Idea"
    SUGGESTION = "suggestion", "Suggestion"
    COMPETITOR_MENTION = "competitor_mention", "Competitor mention"


class Tag(WorkspaceOwned):
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_tag_name")]

    def __str__(self) -> str:
        return self.name


class Highlight(WorkspaceOwned):
    """A quote or observation taken from a conversation."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="highlights")
    kind = models.CharField(max_length=20, choices=HighlightKind.choices, default=HighlightKind.QUOTE)
    text = models.TextField()
    person = models.ForeignKey(
        "customers.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="highlights"
    )
    competitor = models.ForeignKey(
        "customers.Competitor", on_delete=models.SET_NULL, null=True, blank=True, related_name="highlights"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="highlights")
    guide_question = models.ForeignKey(
        "guides.GuideQuestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="highlights",
        help_text="The interview question this was the answer to.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The names of its tags, kept by database triggers on the tag links (whoever writes them), so one
    # full-text index covers text and tags (see migration 0008 and selectors.matching_highlights).
    tag_names = models.TextField(blank=True, default="", editable=False)
    # -1..1, stored when the highlight is saved (the voice area scores it), so rankings never score text per request.
    sentiment = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The list's order; text search has its own full-text index (see migration 0008).
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="highlight_list_order"),
            # A conversation's highlights by kind (competitor mentions heard, per conversation), from the index.
            models.Index(fields=["conversation", "kind"], name="highlight_conversation_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        # tag_names belongs to the database (triggers on the tag links); an update never writes back the
        # value this object loaded, which a tag link made since may have changed.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "tag_names"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.conversation.get_absolute_url() + f"#highlight-{self.pk}"
