"""Initiatives moving through the five stages, the log of every move, and pilots with their measurements."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned
from outsidein.initiatives.gates import STAGES


class Stage(models.TextChoices):
    PAIN = STAGES[0].key, STAGES[0].label
    SOLUTION = STAGES[1].key, STAGES[1].label
    GO_TO_MARKET = STAGES[2].key, STAGES[2].label
    BUSINESS_MODEL = STAGES[3].key, STAGES[3].label
    SCALE = STAGES[4].key, STAGES[4].label


class Initiative(WorkspaceOwned):
    """A customer-focused change, sponsored by a leader, worked on by a team."""

    name = models.CharField(max_length=200)
    sponsor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="sponsored_initiatives", help_text="The leader who sponsors it.")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="initiatives")
    target_segment = models.ForeignKey("customers.Segment", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="initiatives")
    pain_statement = models.TextField(help_text="The customer's pain, in the customer's words.")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PAIN, editable=False)
    stage_entered_at = models.DateTimeField(default=timezone.now, editable=False)
    buying_committee = models.TextField(
        blank=True, help_text="Who decides, who pays, who uses, who can block (the go-to-market gate asks for it).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiative-detail", kwargs={"ws": self.workspace.slug, "initiative_id": self.pk})

    @property
    def buying_committee_mapped(self) -> bool:
        return bool(self.buying_committee.strip())


class StageMove(WorkspaceOwned):
    """One move of an initiative between stages: who, when, the gate check and the evidence behind it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    override = models.BooleanField(default=False, help_text="Moved on although the gate's criteria were not met.")
    reason = models.TextField(blank=True)
    gate_check = models.JSONField(default=dict, blank=True)
    evidence_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class GateSettings(WorkspaceOwned):
    """A workspace's own exit criteria (JSON, see docs/evidence.md); stages left out keep the defaults."""

    criteria = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "gate settings"
        constraints = [models.UniqueConstraint(fields=["workspace"], name="one_gate_settings_per_workspace")]


class AssignmentMethod(models.TextChoices):
    STRATIFIED = "stratified", "Stratified random by segment and size (from a seed)"
    BY_HAND = "by_hand", "Chosen by hand"


class MetricKind(models.TextChoices):
    ENTERED = "entered", "A number entered per account and period"
    # Read from the feedback of the pilot and control accounts, one observation per response, coded as
    # the voice area scores them (outsidein.insights.analysis.scores) so the effect is in the same units.
    NPS = "nps", "NPS from feedback (points, −100 to 100)"
    CSAT = "csat", "CSAT from feedback (% satisfied, 4 or 5 of 5)"


FEEDBACK_METRICS = frozenset({MetricKind.NPS, MetricKind.CSAT})


class Covariance(models.TextChoices):
    CLUSTER = "cluster", "Clustered by account (several values per account)"
    OLS = "ols", "Plain OLS (one independent value per account and period)"


class PilotDecision(models.TextChoices):
    SCALE = "scale", "Scale"
    ITERATE = "iterate", "Iterate"
    STOP = "stop", "Stop"


class Pilot(WorkspaceOwned):
    """A change tried on a few accounts first, against a control group, on one metric."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="pilots")
    name = models.CharField(max_length=200)
    change = models.TextField(help_text="What the pilot accounts get that the others do not.")
    pilot_accounts = models.ManyToManyField("customers.Account", blank=True, related_name="pilots")
    control_accounts = models.ManyToManyField("customers.Account", blank=True, related_name="control_pilots")
    assignment_method = models.CharField(max_length=12, choices=AssignmentMethod.choices,
                                         default=AssignmentMethod.STRATIFIED, editable=False)
    assignment_seed = models.BigIntegerField(null=True, blank=True, editable=False)
    assignment = models.JSONField(default=dict, blank=True, editable=False)
    metric_kind = models.CharField(max_length=10, choices=MetricKind.choices, default=MetricKind.ENTERED)
    metric_name = models.CharField(max_length=120, help_text="e.g. “on-time deliveries per week”.")
    baseline_start = models.DateField()
    baseline_end = models.DateField()
    pilot_start = models.DateField()
    pilot_end = models.DateField()
    expected_effect = models.FloatField(null=True, blank=True,
                                        help_text="The change you hope to see, in the metric's units.")
    covariance = models.CharField(max_length=8, choices=Covariance.choices, default=Covariance.CLUSTER)
    result = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The decision, recorded as a learning card.
    observation = models.TextField("we observed", blank=True)
    learning = models.TextField("from that we learned", blank=True)
    decision = models.CharField(max_length=8, choices=PilotDecision.choices, blank=True)
    actions = models.TextField("therefore we will", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pilot-detail", kwargs={"ws": self.workspace.slug, "pilot_id": self.pk})

    @property
    def is_finished(self) -> bool:
        return bool(self.decision)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.baseline_start and self.baseline_end and self.baseline_end < self.baseline_start:
            errors["baseline_end"] = "The baseline window ends before it starts."
        if self.pilot_start and self.pilot_end and self.pilot_end < self.pilot_start:
            errors["pilot_end"] = "The pilot window ends before it starts."
        if self.baseline_end and self.pilot_start and self.pilot_start <= self.baseline_end:
            errors["pilot_start"] = "The pilot window starts after the baseline window ends."
        if errors:
            raise ValidationError(errors)


class Period(models.TextChoices):
    BASELINE = "baseline", "Baseline window"
    PILOT = "pilot", "Pilot window"


class PilotMeasurement(WorkspaceOwned):
    """One value of the pilot's metric for one account in one window."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="measurements")
    account = models.ForeignKey("customers.Account", on_delete=models.CASCADE, related_name="pilot_measurements")
    period = models.CharField(max_length=8, choices=Period.choices)
    value = models.FloatField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pilot", "account", "period", "id"]
        indexes = [models.Index(fields=["pilot", "period"])]
