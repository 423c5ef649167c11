"""Interview guides, the workspace question bank, and which questions were asked in a conversation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from outsidein.core.scoping import WorkspaceOwned


class QuestionPurpose(models.TextChoices):
    JOB = "job", "Understand the job"
    PAIN = "pain", "Understand the pain"
    WORKAROUND = "workaround", "Current workarounds"
    BUYING = "buying", "The buying process"
    PROTOTYPE = "prototype", "Reactions to a prototype"


class GuidePurpose(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    SOLUTION_FEEDBACK = "solution_feedback", "Solution feedback"
    ACCOUNT_VISIT = "account_visit", "Account visit"
    SERVICE_SIDE_BY_SIDE = "service_side_by_side", "Service side-by-side"


class BankQuestion(WorkspaceOwned):
    """A good open question the workspace keeps for reuse."""

    text = models.CharField(max_length=500)
    purpose = models.CharField(max_length=12, choices=QuestionPurpose.choices, default=QuestionPurpose.PAIN)
    notes = models.CharField(max_length=300, blank=True, help_text="Why it works, or what to listen for.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["purpose", "text"]
        constraints = [models.UniqueConstraint(fields=["workspace", "text"], name="unique_bank_question")]

    def __str__(self) -> str:
        return self.text


class Guide(WorkspaceOwned):
    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=24, choices=GuidePurpose.choices, default=GuidePurpose.DISCOVERY)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="guides")
    shared = models.BooleanField(default=True, help_text="Everyone in the workspace can see and use it.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guide-detail", kwargs={"ws": self.workspace.slug, "guide_id": self.pk})


class GuideQuestion(WorkspaceOwned):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    interviewer_notes = models.CharField(max_length=300, blank=True)
    bank_question = models.ForeignKey(BankQuestion, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="uses")

    class Meta:
        ordering = ["guide", "position", "id"]

    def __str__(self) -> str:
        return self.text


class AskedQuestion(WorkspaceOwned):
    """A guide question ticked as asked in a conversation."""

    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE,
                                     related_name="asked_questions")
    question = models.ForeignKey(GuideQuestion, on_delete=models.CASCADE, related_name="asked")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "question"], name="asked_once")]
