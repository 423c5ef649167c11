"""Use cases for the question bank, interview guides and asking questions in a conversation."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from outsidein.conversations.services import add_highlight
from outsidein.core.scoping import assert_same_workspace
from outsidein.guides.models import AskedQuestion, BankQuestion, Guide, GuideQuestion
from outsidein.workspaces.models import Workspace

SEED_FILE = Path(__file__).parent / "data" / "seed_questions.csv"


@transaction.atomic
def seed_question_bank(workspace: Workspace, actor=None) -> int:
    """Fill a workspace's bank with good open questions; idempotent."""
    created = 0
    with SEED_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, was_created = BankQuestion.objects.get_or_create(
                workspace=workspace, text=row["text"],
                defaults={"purpose": row["purpose"], "notes": row["notes"], "created_by": actor},
            )
            created += was_created
    return created


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": "Write the question."})
    return text


@transaction.atomic
def add_bank_question(workspace: Workspace, actor, *, text: str, purpose: str, notes: str = "") -> BankQuestion:
    question = BankQuestion(workspace=workspace, text=_clean_text(text), purpose=purpose, notes=notes,
                            created_by=actor)
    if BankQuestion.objects.filter(workspace=workspace, text__iexact=question.text).exists():
        raise ValidationError({"text": "This question is already in the bank."})
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def save_guide(workspace: Workspace, actor, data: dict, guide: Guide | None = None) -> Guide:
    guide = guide or Guide(workspace=workspace, owner=actor)
    for name, value in data.items():
        # The API, unlike a form, does not strip: a title of spaces must count as blank.
        setattr(guide, name, value.strip() if name == "title" and isinstance(value, str) else value)
    guide.full_clean()
    guide.save()
    return guide


@transaction.atomic
def add_question(guide: Guide, *, text: str, interviewer_notes: str = "",
                 bank_question: BankQuestion | None = None) -> GuideQuestion:
    assert_same_workspace(guide.workspace, bank_question)
    last = guide.questions.aggregate(m=Max("position"))["m"]
    question = GuideQuestion(workspace=guide.workspace, guide=guide, text=_clean_text(text),
                             interviewer_notes=interviewer_notes, bank_question=bank_question,
                             position=(last or 0) + 1)
    question.full_clean()
    question.save()
    Guide.objects.filter(pk=guide.pk).update(updated_at=question.guide.updated_at)
    return question


@transaction.atomic
def update_question(question: GuideQuestion, *, text: str, interviewer_notes: str = "") -> GuideQuestion:
    question.text = _clean_text(text)
    question.interviewer_notes = interviewer_notes
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def move_question(question: GuideQuestion, offset: int) -> None:
    """Move a question up (-1) or down (+1) in its guide; positions are renumbered 1..n."""
    ordered = list(question.guide.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    _renumber(ordered)


def _renumber(ordered: list[GuideQuestion]) -> None:
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            GuideQuestion.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def delete_question(question: GuideQuestion) -> None:
    """Remove a question; the ones after it move up so that positions stay 1..n."""
    guide = question.guide
    question.delete()
    _renumber(list(guide.questions.order_by("position", "id")))


@transaction.atomic
def set_asked(conversation, question: GuideQuestion, actor, asked: bool) -> bool:
    assert_same_workspace(conversation.workspace, question)
    if asked:
        AskedQuestion.objects.get_or_create(workspace=conversation.workspace, conversation=conversation,
                                            question=question, defaults={"asked_by": actor})
    else:
        AskedQuestion.objects.filter(conversation=conversation, question=question).delete()
    return asked


@transaction.atomic
def record_answer(conversation, question: GuideQuestion, actor, *, kind: str, text: str, person=None):
    """Capture an answer as a highlight linked to the question; answering marks the question as asked."""
    set_asked(conversation, question, actor, True)
    return add_highlight(conversation, actor, kind=kind, text=text, person=person, guide_question=question)
