from django.db.models import Count, Q, QuerySet

from outsidein.core.scoping import scoped
from outsidein.guides.coach import GuideScore, review_question, score_guide
from outsidein.guides.models import AskedQuestion, BankQuestion, Guide, GuideQuestion
from outsidein.workspaces.models import Workspace


def visible_guides(workspace: Workspace, user) -> QuerySet[Guide]:
    return (
        scoped(Guide, workspace)
        .filter(Q(shared=True) | Q(owner=user))
        .select_related("owner")
        .annotate(question_count=Count("questions", distinct=True))
    )


def guide_questions(guide: Guide) -> QuerySet[GuideQuestion]:
    return guide.questions.annotate(
        highlight_count=Count("highlights", distinct=True), asked_count=Count("asked", distinct=True),
    ).order_by("position", "id")


def guide_with_reviews(guide: Guide) -> tuple[list[tuple[GuideQuestion, object]], GuideScore]:
    questions = list(guide_questions(guide))
    score = score_guide([q.text for q in questions])
    return list(zip(questions, score.reviews, strict=True)), score


def bank(workspace: Workspace, purpose: str | None = None) -> QuerySet[BankQuestion]:
    qs = scoped(BankQuestion, workspace).annotate(
        highlight_count=Count("uses__highlights", distinct=True), use_count=Count("uses", distinct=True))
    return qs.filter(purpose=purpose) if purpose else qs


def most_fruitful_questions(workspace: Workspace, limit: int = 10) -> QuerySet[GuideQuestion]:
    """The guide questions whose answers produced the most highlights across the workspace."""
    return (
        scoped(GuideQuestion, workspace)
        .select_related("guide")
        .annotate(highlight_count=Count("highlights", distinct=True),
                  conversation_count=Count("asked", distinct=True))
        .filter(highlight_count__gt=0)
        .order_by("-highlight_count", "position")[:limit]
    )


def asked_ids(conversation) -> set[int]:
    return set(AskedQuestion.objects.filter(conversation=conversation).values_list("question_id", flat=True))


def review(text: str):
    return review_question(text)
