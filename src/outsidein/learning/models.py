"""Assumptions, the evidence linked to them, and experiments (test card and learning card).

The strength of each piece of evidence and the confidence of each assumption follow the rules in
``outsidein.learning.strength`` (docs/evidence.md); the services keep the stored figures in step.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned


class AssumptionType(models.TextChoices):
    DESIRABILITY = "desirability", "Desirability"
    FEASIBILITY = "feasibility", "Feasibility"
    VIABILITY = "viability", "Viability"


class AssumptionTopic(models.TextChoices):
    """What the assumption is about; the business-model stage gate asks for usage, revenue and cost."""

    PAIN = "pain", "The pain"
    SOLUTION = "solution", "The solution"
    USAGE = "usage", "Usage"
    REVENUE = "revenue", "Revenue"
    COST = "cost", "Cost"
    GO_TO_MARKET = "go_to_market", "Go-to-market"
    OTHER = "other", "Other"


class AssumptionStatus(models.TextChoices):
    UNTESTED = "untested", "Untested"
    TESTING = "testing", "Testing"
    VALIDATED = "validated", "Validated"
    INVALIDATED = "invalidated", "Invalidated"


class Assumption(WorkspaceOwned):
    statement = models.CharField(max_length=500)
    type = models.CharField(max_length=12, choices=AssumptionType.choices, default=AssumptionType.DESIRABILITY)
    topic = models.CharField(max_length=12, choices=AssumptionTopic.choices, default=AssumptionTopic.OTHER)
    importance = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (nice to know) to 5 (the initiative fails if this is wrong).",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_assumptions")
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="assumptions")
    status = models.CharField(max_length=12, choices=AssumptionStatus.choices, default=AssumptionStatus.UNTESTED)
    # Kept by services.recompute_confidence from the evidence; never edited by hand.
    confidence = models.FloatField(default=0.0, editable=False)
    evidence_strength = models.FloatField(default=0.0, editable=False)
    suggested_status = models.CharField(max_length=12, blank=True, editable=False)
    explanation = models.JSONField(default=list, blank=True, editable=False)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="+", editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-importance", "statement"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("assumption-detail", kwargs={"ws": self.workspace.slug, "assumption_id": self.pk})

    @property
    def is_unproven(self) -> bool:
        return self.status not in (AssumptionStatus.VALIDATED, AssumptionStatus.INVALIDATED)


class Direction(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"


class Behaviour(models.TextChoices):
    DO = "do", "What people do"
    SAY = "say", "What people say"


class SourceKind(models.TextChoices):
    HIGHLIGHT = "highlight", "Highlight"
    CONVERSATION = "conversation", "Conversation"
    EXPERIMENT = "experiment", "Experiment result"
    FEEDBACK = "feedback", "Feedback item"


SOURCE_FIELDS: dict[str, str] = {SourceKind.HIGHLIGHT: "highlight", SourceKind.CONVERSATION: "conversation",
                 SourceKind.EXPERIMENT: "experiment", SourceKind.FEEDBACK: "feedback_item"}


def _only_source(kind: str) -> models.Q:
    """The source named by ``kind`` is set and every other source is empty."""
    return models.Q(source_kind=kind, **{f"{field}__isnull": field != SOURCE_FIELDS[kind]
                                         for field in SOURCE_FIELDS.values()})


class Evidence(WorkspaceOwned):
    """One highlight, conversation, feedback item or experiment result linked to an assumption, for or against it.

    The facts that decide its strength (do or say, first-hand or relayed, which account and segment)
    are derived from the source by the services and stored here so that lists cost one query.
    """

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="evidence")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    highlight = models.ForeignKey("conversations.Highlight", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="evidence")
    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="evidence")
    experiment = models.ForeignKey("learning.Experiment", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="evidence")
    feedback_item = models.ForeignKey("voice.FeedbackItem", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="evidence")
    note = models.TextField(blank=True, help_text="Why this supports or refutes the assumption.")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)
    # Derived from the source (selectors.derive_facts); refreshed whenever confidence is recomputed.
    behaviour = models.CharField(max_length=3, choices=Behaviour.choices, default=Behaviour.SAY, editable=False)
    first_hand = models.BooleanField(default=False, editable=False)
    account = models.ForeignKey("customers.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", editable=False)
    segment = models.ForeignKey("customers.Segment", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", editable=False)
    strength = models.FloatField(default=0.0, editable=False)
    strength_reasons = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-linked_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                name="evidence_has_exactly_one_source",
                condition=(_only_source(SourceKind.HIGHLIGHT) | _only_source(SourceKind.CONVERSATION)
                           | _only_source(SourceKind.EXPERIMENT) | _only_source(SourceKind.FEEDBACK)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.source}"

    @property
    def source(self):
        return getattr(self, SOURCE_FIELDS[self.source_kind])

    def get_absolute_url(self) -> str:
        return self.assumption.get_absolute_url() + f"#evidence-{self.pk}"

    def clean(self) -> None:
        sources = [name for name in SOURCE_FIELDS.values() if getattr(self, f"{name}_id") is not None]
        if len(sources) != 1:
            raise ValidationError("Link exactly one source: a highlight, a conversation, a feedback item or an "
                                  "experiment.")
        self.source_kind = next(kind for kind, field in SOURCE_FIELDS.items() if field == sources[0])


class ExperimentMethod(models.TextChoices):
    PROTOTYPE = "prototype", "Prototype in front of customers"
    PRICED_OFFER = "priced_offer", "Offer with real prices"
    SMOKE_TEST = "smoke_test", "Smoke test / landing page"
    CONCIERGE = "concierge", "Concierge / Wizard of Oz"
    INTERVIEWS = "interviews", "Interviews"
    DATA_ANALYSIS = "data_analysis", "Analysis of usage data"
    OTHER = "other", "Other"


class Decision(models.TextChoices):
    PERSEVERE = "persevere", "Persevere"
    PIVOT = "pivot", "Pivot"
    STOP = "stop", "Stop"


class Experiment(WorkspaceOwned):
    """A test card and, once done, its learning card."""

    # Test card
    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="experiments",
                                   verbose_name="hypothesis (assumption)")
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=16, choices=ExperimentMethod.choices, default=ExperimentMethod.OTHER)
    test = models.TextField("to verify that, we will", help_text="What we will do, with whom.")
    metric = models.CharField("and measure", max_length=300)
    success_criteria = models.CharField("we are right if", max_length=300)
    deadline = models.DateField(null=True, blank=True)
    cost = models.CharField(max_length=100, blank=True, help_text="Money and time, e.g. “3 days, €500”.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="experiments")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Learning card
    observation = models.TextField("we observed", blank=True)
    learning = models.TextField("from that we learned", blank=True)
    criteria_met = models.BooleanField(null=True, blank=True, help_text="Did the result meet the success criteria?")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    actions = models.TextField("therefore we will", blank=True)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("experiment-detail", kwargs={"ws": self.workspace.slug, "experiment_id": self.pk})

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
