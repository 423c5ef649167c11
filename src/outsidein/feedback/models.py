"""Feedback: the items customers sent (surveys, support, reviews), their import batches and running counts.

A feedback item is idempotent on import: with an external id it is unique per workspace and import
source; without one, its content hash is unique per workspace, so running the same file twice
creates nothing new.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.imports.rows import ImportJob
from outsidein.core.jobs import JobStatus
from outsidein.core.scoping import WorkspaceOwned


class Source(models.TextChoices):
    SURVEY = "survey", "Survey"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    REVIEW = "review", "Review"
    SALES_NOTE = "sales_note", "Sales note"
    CUSTOMER_PAGE = "customer_page", "Customer page"


BatchStatus = JobStatus


class ImportBatch(WorkspaceOwned, ImportJob):
    """One run of a file (or a webhook call) through the feedback import, with its progress and outcome."""

    source_name = models.CharField(max_length=100, help_text="Where the feedback comes from, e.g. “Q3 NPS survey”.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SURVEY)
    file_format = models.CharField(max_length=10, blank=True)  # csv, xlsx, jsonl
    mapping = models.JSONField(default=dict, blank=True)  # column -> field used for this run
    rows_created = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)

    # Where the committed work of a run ends, written with each chunk: records read, and the counts then
    # ({"records", "created", "duplicate", "rejected"}). A run whose worker stopped goes on from there.
    resume_point = models.JSONField(default=dict, blank=True)

    # An import is idempotent, so one whose worker stopped is run again and adds exactly what is missing.
    resume_task = "outsidein.feedback.tasks.import_feedback"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "import batch"
        verbose_name_plural = "import batches"
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.file_name or 'webhook'})"

    def get_absolute_url(self) -> str:
        return reverse("feedback-import-detail", kwargs={"ws": self.workspace.slug, "batch_id": self.pk})


class ColumnMapping(WorkspaceOwned):
    """The column → field mapping last used for an import source, offered again next time."""

    source_name = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "source_name"], name="unique_column_mapping")]

    def __str__(self) -> str:
        return self.source_name


class FeedbackItem(WorkspaceOwned):
    """One piece of voice-of-customer data: a survey response, a support ticket, a review or a sales note.

    The table grows by millions of rows per import, and each index costs every one of them, so it keeps
    only the indexes pages and deletions use: the workspace's own index is the (workspace, received_at)
    one, and persons are indexed only where an item has one.
    """

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SURVEY)
    source_name = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    account = models.ForeignKey("customers.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="feedback_items")
    person = models.ForeignKey("customers.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="feedback_items", db_index=False)
    nps = models.PositiveSmallIntegerField("NPS", null=True, blank=True, help_text="Likelihood to recommend, 0–10.")
    csat = models.PositiveSmallIntegerField("CSAT", null=True, blank=True, help_text="Satisfaction, 1–5.")
    ces = models.PositiveSmallIntegerField("CES", null=True, blank=True, help_text="Customer effort, 1–7.")
    driver_ratings = models.JSONField(default=dict, blank=True)  # driver name -> rating
    text = models.TextField(blank=True)
    sentiment = models.FloatField(null=True, blank=True)  # -1..1
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source_name", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_feedback_external_id",
            ),
            models.UniqueConstraint(
                fields=["workspace", "content_hash"],
                condition=models.Q(external_id="") & ~models.Q(content_hash=""),
                name="unique_feedback_content_hash",
            ),
            models.CheckConstraint(condition=models.Q(nps__isnull=True) | models.Q(nps__gte=0, nps__lte=10),
                                   name="feedback_nps_range"),
            models.CheckConstraint(condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                                   name="feedback_csat_range"),
            models.CheckConstraint(condition=models.Q(ces__isnull=True) | models.Q(ces__gte=1, ces__lte=7),
                                   name="feedback_ces_range"),
        ]
        indexes = [
            models.Index(fields=["workspace", "received_at"]),
            models.Index(fields=["person"], condition=models.Q(person__isnull=False), name="voice_feedback_person"),
        ]

    def __str__(self) -> str:
        return (self.text[:60] or f"{self.get_source_display()} {self.external_id}").strip()

    def get_absolute_url(self) -> str:
        return reverse("feedback-detail", kwargs={"ws": self.workspace.slug, "feedback_id": self.pk})


# -- rollups -------------------------------------------------------------------------------------------------
# Score pages read these instead of the feedback table: a million responses become a few thousand rows of
# counts. Every write to feedback items updates them in the same transaction (feedback/rollups.py), and
# `outsidein rollups rebuild` recomputes them from the items.

NPS_VALUES = range(0, 11)
CSAT_VALUES = range(1, 6)
CES_VALUES = range(1, 8)
ROLLUP_COUNTS: dict[str, tuple[str, ...]] = {
    "nps": tuple(f"nps_{v}" for v in NPS_VALUES),
    "csat": tuple(f"csat_{v}" for v in CSAT_VALUES),
    "ces": tuple(f"ces_{v}" for v in CES_VALUES),
}
ROLLUP_COLUMNS: tuple[str, ...] = tuple(c for columns in ROLLUP_COUNTS.values() for c in columns)


class ScoreRollup(WorkspaceOwned):
    """How many responses gave each NPS, CSAT and CES answer, per day and slice of the feedback.

    ``day`` is the calendar day of the response in the workspace's reporting zone; ``segment_key`` is the
    segment of the response's account at the time (0 for none). A count per answer, rather than a row per
    answer, keeps the table to one row per day, source and segment, and every score and its margin of
    error follows from the counts.
    """

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    source = models.CharField(max_length=20)
    source_name = models.CharField(max_length=100, blank=True)
    segment_key = models.IntegerField(default=0)
    nps_0 = models.IntegerField(default=0)
    nps_1 = models.IntegerField(default=0)
    nps_2 = models.IntegerField(default=0)
    nps_3 = models.IntegerField(default=0)
    nps_4 = models.IntegerField(default=0)
    nps_5 = models.IntegerField(default=0)
    nps_6 = models.IntegerField(default=0)
    nps_7 = models.IntegerField(default=0)
    nps_8 = models.IntegerField(default=0)
    nps_9 = models.IntegerField(default=0)
    nps_10 = models.IntegerField(default=0)
    csat_1 = models.IntegerField(default=0)
    csat_2 = models.IntegerField(default=0)
    csat_3 = models.IntegerField(default=0)
    csat_4 = models.IntegerField(default=0)
    csat_5 = models.IntegerField(default=0)
    ces_1 = models.IntegerField(default=0)
    ces_2 = models.IntegerField(default=0)
    ces_3 = models.IntegerField(default=0)
    ces_4 = models.IntegerField(default=0)
    ces_5 = models.IntegerField(default=0)
    ces_6 = models.IntegerField(default=0)
    ces_7 = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day", "source", "source_name", "segment_key"],
                                    name="unique_score_rollup_slice"),
        ]


class TallyKind(models.TextChoices):
    SOURCE_NAME = "source_name", "Source name"
    DRIVER = "driver", "Driver rating"


class FeedbackTally(WorkspaceOwned):
    """The source names and driver ratings the workspace's feedback holds, with how many items carry each.

    Filters and the key driver form list these names; kept by the same writes as the score rollup, so no
    page runs a DISTINCT or a JSON scan over the feedback table.
    """

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, choices=TallyKind.choices)
    name = models.CharField(max_length=200)
    items = models.IntegerField(default=0)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind", "name"], name="unique_feedback_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.items})"


class AccountVoice(WorkspaceOwned):
    """What one account has said, counted: its NPS answers and detractors among them (from feedback), and the
    pain highlights raised in its conversations with their summed sentiment. Kept by the same writes as the
    score rollup (feedback/rollups.py, feedback/signals.py), so the pain ranking orders accounts without reading
    feedback or highlights."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    account = models.OneToOneField("customers.Account", on_delete=models.CASCADE, related_name="voice")
    nps_answers = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    pain_highlights = models.IntegerField(default=0)
    pain_scored = models.IntegerField(default=0)  # pain highlights with a sentiment
    pain_sentiment = models.FloatField(default=0.0)  # their sum

    class Meta:
        indexes = [models.Index(fields=["workspace", "pain_highlights"], name="voice_account_voice_pain")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.pain_highlights} pain, {self.detractors}/{self.nps_answers} detractors"
