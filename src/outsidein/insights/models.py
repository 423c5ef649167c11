"""Insights: the themes found in feedback and highlights, and the key driver analyses.

These models were created by the feedback app (app label ``voice``) and moved here; each keeps its table
(``db_table``), so existing databases keep their rows (migrations: voice 0011 and insights 0001 move them in
Django's state only).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from outsidein.core.jobs import JobRow
from outsidein.core.scoping import WorkspaceOwned
from outsidein.feedback.models import FeedbackItem


class Theme(WorkspaceOwned):
    """A cluster of feedback and highlights about one thing."""

    name = models.CharField(max_length=200)
    top_terms = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    avg_sentiment = models.FloatField(null=True, blank=True)
    trend = models.FloatField(null=True, blank=True, help_text="Change in share of feedback per month.")
    revenue_at_stake = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    representative_ids = models.JSONField(default=list, blank=True)  # feedback item ids of representative quotes
    # Its reach, counted with the other figures (insights/theme_reach.py) so pages never read all its members.
    nps_answers = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    accounts = models.PositiveIntegerField(default=0, help_text="Distinct accounts behind its items.")
    carrying_accounts = models.PositiveIntegerField(default=0, help_text="The fewest of them with 80% of its revenue.")
    method = models.CharField(max_length=20, default="tfidf")
    # A name a person gave is kept when the analysis runs again and finds the same theme; a found one is not.
    named_by_person = models.BooleanField(default=False)
    model_index = models.IntegerField(null=True, blank=True, help_text="Theme id inside the stored ThemeModel.")
    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged")

    class Meta:
        db_table = "voice_theme"
        ordering = ["-size", "name"]

    def __str__(self) -> str:
        return self.name


class ThemeModelState(WorkspaceOwned):
    """The fitted theme model of a workspace (``ThemeModel.to_bytes``), so new items are assigned without a re-fit."""

    data = models.BinaryField()
    method = models.CharField(max_length=20, default="tfidf")
    k = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(default=timezone.now)
    # Texts in no theme when the figures were last computed, and the newest item and highlight seen then: the
    # themes page adds the texts that came since (a look-up by primary key) instead of an anti-join over all.
    unthemed = models.PositiveIntegerField(default=0)
    texts = models.PositiveIntegerField(default=0)  # every text with or without a theme, then
    feedback_seen = models.BigIntegerField(default=0)
    highlight_seen = models.BigIntegerField(default=0)

    class Meta:
        db_table = "voice_thememodelstate"
        constraints = [models.UniqueConstraint(fields=["workspace"], name="one_theme_model_per_workspace")]


class ThemeAnalysis(WorkspaceOwned, JobRow):
    """One run of the full theme analysis of a workspace: what was asked for, its progress and outcome.

    Progress counts the analysis's steps (``ANALYSIS_STEPS`` in insights.themes), not texts: fitting is
    one computation over all of them.
    """

    k = models.PositiveIntegerField(null=True, blank=True, help_text="Number of themes asked for; blank: chosen.")
    method = models.CharField(max_length=20, default="tfidf")
    themes_found = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "voice_themeanalysis"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "theme analyses"
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return f"Theme analysis ({self.created_at:%Y-%m-%d %H:%M})"


class ThemeMember(WorkspaceOwned):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="members")
    feedback_item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="theme_memberships")
    highlight = models.ForeignKey("conversations.Highlight", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="theme_memberships")
    distance = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "voice_thememember"
        constraints = [
            models.UniqueConstraint(fields=["theme", "feedback_item"], condition=models.Q(feedback_item__isnull=False),
                                    name="unique_theme_feedback_item"),
            models.UniqueConstraint(fields=["theme", "highlight"], condition=models.Q(highlight__isnull=False),
                                    name="unique_theme_highlight"),
            models.CheckConstraint(
                condition=models.Q(feedback_item__isnull=False) | models.Q(highlight__isnull=False),
                name="theme_member_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "theme"])]


class DriverAnalysis(WorkspaceOwned, JobRow):
    """A saved key driver analysis: which rated attributes drive an outcome and how well the company does on each.

    It is its own job row: status, progress (in steps: responses read, analysis computed) and why it failed.
    """

    outcome = models.CharField(max_length=100)
    drivers = models.JSONField(default=list)  # names of the driver ratings used
    result = models.JSONField(default=dict, blank=True)  # KeyDriverResult.as_dict() plus extras, once done
    n = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        db_table = "voice_driveranalysis"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "driver analyses"

    def __str__(self) -> str:
        return f"Key drivers of {self.outcome} ({self.created_at:%Y-%m-%d})"


class TextEmbedding(WorkspaceOwned):
    """A text's sentence embedding, kept so a theme analysis run again encodes only the texts that are new.

    Keyed by a digest of the text (not by item: the same words in two items are encoded once), per model, package
    version and graph (``model_name`` holds ``core.embeddings.vectors_key()``), as
    half-precision floats (768 bytes for 384 dimensions; cosines agree with full precision to about 0.001).
    """

    model_name = models.CharField(max_length=60)
    digest = models.CharField(max_length=32)
    vector = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "model_name", "digest"],
                                               name="text_embedding_once_per_text")]
