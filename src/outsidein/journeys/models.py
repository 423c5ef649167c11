"""Journeys, their stages and touchpoints, and the evidence linked to each touchpoint."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned

if TYPE_CHECKING:
    from outsidein.conversations.models import Highlight
    from outsidein.feedback.models import FeedbackItem


class Journey(WorkspaceOwned):
    """How customers of one segment (and optionally one product) move from discovering us to renewing."""

    name = models.CharField(max_length=150)
    segment = models.ForeignKey("customers.Segment", on_delete=models.PROTECT, related_name="journeys")
    product = models.ForeignKey("customers.Product", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="journeys")
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_journey_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journey-detail", kwargs={"ws": self.workspace.slug, "journey_id": self.pk})


class JourneyStage(WorkspaceOwned):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["journey", "name"], name="unique_stage_name_in_journey")]

    def __str__(self) -> str:
        return self.name


class Belief(models.IntegerChoices):
    """How well we believe a touchpoint serves the customer, before looking at the evidence."""

    VERY_WELL = 2, "Very well"
    WELL = 1, "Well"
    SO_SO = 0, "So-so"
    POORLY = -1, "Poorly"
    BADLY = -2, "Badly"


class Touchpoint(WorkspaceOwned):
    """One moment a customer meets us in a stage: an invoice, a call to support, the tracking page."""

    stage = models.ForeignKey(JourneyStage, on_delete=models.CASCADE, related_name="touchpoints")
    name = models.CharField(max_length=150)
    channel = models.CharField(max_length=60, blank=True, help_text="e.g. web portal, e-mail, phone, on site.")
    owner_team = models.CharField("owner team", max_length=100, blank=True)
    expectation = models.TextField(
        "what we believe they expect", blank=True,
        help_text="What the customer wants from this moment, as we believe it, in their words.")
    belief = models.SmallIntegerField("how well we believe we serve it", choices=Belief.choices, default=Belief.WELL)
    position = models.PositiveSmallIntegerField(default=0)
    # What the team started from this moment: initiatives that address it, assumptions that test it.
    initiatives = models.ManyToManyField("initiatives.Initiative", blank=True, related_name="touchpoints")
    assumptions = models.ManyToManyField("learning.Assumption", blank=True, related_name="touchpoints")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("touchpoint-detail", kwargs={"ws": self.workspace.slug, "touchpoint_id": self.pk})

    @property
    def words(self) -> str:
        """What the touchpoint is about, in words evidence can be matched against."""
        return ". ".join(part for part in (self.name, self.expectation) if part)


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class EvidenceLink(WorkspaceOwned):
    """A highlight or a feedback item as evidence of what customers experience at a touchpoint.

    Outside-In proposes links by matching texts to the touchpoint; a person accepts or rejects them. A rejected
    link is kept, so the same text is never proposed for that touchpoint again.
    """

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="evidence")
    highlight = models.ForeignKey("conversations.Highlight", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="journey_links")
    feedback_item = models.ForeignKey("voice.FeedbackItem", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="journey_links")
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.ACCEPTED)
    score = models.FloatField(null=True, blank=True, help_text="How close the text is to the touchpoint (0-1).")
    proposed = models.BooleanField(default=False, help_text="Proposed by Outside-In, not linked by a person.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(highlight__isnull=False, feedback_item__isnull=True)
                           | Q(highlight__isnull=True, feedback_item__isnull=False)),
                name="evidence_link_one_source"),
            models.UniqueConstraint(fields=["touchpoint", "highlight"], condition=Q(highlight__isnull=False),
                                    name="evidence_link_highlight_once"),
            models.UniqueConstraint(fields=["touchpoint", "feedback_item"], condition=Q(feedback_item__isnull=False),
                                    name="evidence_link_feedback_once"),
        ]
        indexes = [models.Index(fields=["touchpoint", "status"], name="evidence_link_touchpoint")]

    @property
    def source(self) -> "Highlight | FeedbackItem | None":
        return self.highlight if self.highlight_id else self.feedback_item


class MarketNote(WorkspaceOwned):
    """The go-to-market for one product class in one segment: how we sell it there, or why we do not."""

    product_class = models.CharField(max_length=100, help_text="As the products name it (their “class”).")
    segment = models.ForeignKey("customers.Segment", on_delete=models.CASCADE, related_name="market_notes")
    note = models.TextField(help_text="Channel, pricing, who buys, how we win; or why this is not a target.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "product_class", "segment"],
                                               name="market_note_once")]

    def __str__(self) -> str:
        return f"{self.product_class} in {self.segment}"
