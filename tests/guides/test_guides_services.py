"""Question bank, guides and asking questions in a conversation, through the services and selectors."""

import csv

import factories
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from outsidein.conversations import services as conversation_services
from outsidein.conversations.models import Highlight
from outsidein.guides import selectors, services
from outsidein.guides.coach import review_question
from outsidein.guides.models import AskedQuestion, BankQuestion, GuideQuestion, QuestionPurpose

QUESTIONS = [
    "Tell me about the last time a load arrived late.",
    "How did you find out it was late?",
    "What did it cost you the last time it happened?",
    "What have you tried so far to solve this?",
]


@pytest.fixture
def guide(workspace, owner):
    return factories.guide(workspace, owner, "Late loads: discovery", questions=QUESTIONS)


@pytest.fixture
def conversation(workspace, owner):
    return conversation_services.save_conversation(workspace, owner, {"notes": "Coffee with the night shift."})


def texts_in_order(guide) -> list[str]:
    return [q.text for q in guide.questions.order_by("position", "id")]


def positions(guide) -> list[int]:
    return list(guide.questions.order_by("position", "id").values_list("position", flat=True))


def test_a_new_workspace_gets_the_seeded_bank_of_good_open_questions(workspace):
    with services.SEED_FILE.open(encoding="utf-8") as handle:
        seeded = [row["text"] for row in csv.DictReader(handle)]
    bank = list(BankQuestion.objects.filter(workspace=workspace))

    assert sorted(q.text for q in bank) == sorted(seeded)
    assert {q.purpose for q in bank} == set(QuestionPurpose.values)
    not_ok = {q.text: review_question(q.text).rules for q in bank if not review_question(q.text).ok}
    assert not_ok == {}


def test_seeding_again_adds_nothing_and_workspaces_keep_their_own_bank(workspace, other_workspace):
    assert services.seed_question_bank(workspace) == 0
    assert BankQuestion.objects.filter(workspace=other_workspace).count() == \
        BankQuestion.objects.filter(workspace=workspace).count()
    assert selectors.bank(workspace).filter(workspace=other_workspace).count() == 0


def test_a_duplicate_bank_question_is_refused(workspace, owner):
    services.add_bank_question(workspace, owner, text="What did you do  after that?", purpose=QuestionPurpose.JOB)
    with pytest.raises(ValidationError) as caught:
        services.add_bank_question(workspace, owner, text="what did you do after that?", purpose=QuestionPurpose.JOB)
    assert "text" in caught.value.error_dict


def test_added_questions_are_numbered_in_order(guide):
    assert texts_in_order(guide) == QUESTIONS
    assert positions(guide) == [1, 2, 3, 4]


def test_an_empty_question_is_refused_and_nothing_is_saved(guide):
    with pytest.raises(ValidationError) as caught:
        services.add_question(guide, text="   ")
    assert "text" in caught.value.error_dict
    assert guide.questions.count() == len(QUESTIONS)


def test_moving_a_question_keeps_positions_one_to_n(guide):
    questions = list(guide.questions.order_by("position"))

    services.move_question(questions[2], -1)
    assert texts_in_order(guide) == [QUESTIONS[0], QUESTIONS[2], QUESTIONS[1], QUESTIONS[3]]
    assert positions(guide) == [1, 2, 3, 4]

    services.move_question(questions[0], +1)
    assert texts_in_order(guide) == [QUESTIONS[2], QUESTIONS[0], QUESTIONS[1], QUESTIONS[3]]
    # Past either end nothing moves.
    services.move_question(GuideQuestion.objects.get(pk=questions[3].pk), +1)
    services.move_question(GuideQuestion.objects.get(pk=questions[2].pk), -1)
    assert texts_in_order(guide) == [QUESTIONS[2], QUESTIONS[0], QUESTIONS[1], QUESTIONS[3]]
    assert positions(guide) == [1, 2, 3, 4]


def test_deleting_a_question_keeps_positions_one_to_n(guide):
    second = guide.questions.get(position=2)
    services.delete_question(second)

    assert texts_in_order(guide) == [QUESTIONS[0], QUESTIONS[2], QUESTIONS[3]]
    assert positions(guide) == [1, 2, 3]
    added = services.add_question(guide, text="Why did you do it that way?")
    assert added.position == 4
    assert positions(guide) == [1, 2, 3, 4]


def test_a_bank_question_from_another_workspace_cannot_be_added(guide, other_workspace):
    foreign = BankQuestion.objects.filter(workspace=other_workspace).first()
    with pytest.raises(Http404):
        services.add_question(guide, text=foreign.text, bank_question=foreign)
    assert guide.questions.count() == len(QUESTIONS)


def test_a_private_guide_is_visible_only_to_its_owner(workspace, owner, member):
    private = services.save_guide(workspace, member, {"title": "My own notes", "shared": False})
    shared = services.save_guide(workspace, member, {"title": "For everyone"})

    assert set(selectors.visible_guides(workspace, member)) == {private, shared}
    assert set(selectors.visible_guides(workspace, owner)) == {shared}


def test_set_asked_ticks_and_unticks_a_question(guide, conversation, owner):
    question = guide.questions.first()

    services.set_asked(conversation, question, owner, True)
    services.set_asked(conversation, question, owner, True)  # ticking twice is still one tick
    assert selectors.asked_ids(conversation) == {question.pk}
    assert AskedQuestion.objects.get(conversation=conversation).asked_by == owner

    services.set_asked(conversation, question, owner, False)
    assert selectors.asked_ids(conversation) == set()


def test_a_question_of_another_workspace_cannot_be_ticked(guide, other_workspace):
    stranger = other_workspace.memberships.first().user
    foreign = conversation_services.save_conversation(other_workspace, stranger, {"notes": "Elsewhere."})
    with pytest.raises(Http404):
        services.set_asked(foreign, guide.questions.first(), stranger, True)
    assert AskedQuestion.objects.count() == 0


def test_recording_an_answer_makes_a_highlight_linked_to_the_question_and_marks_it_asked(
        guide, conversation, owner):
    question = guide.questions.get(position=2)

    highlight = services.record_answer(conversation, question, owner, kind="pain",
                                       text="A customer called us before the carrier did.")

    assert highlight.conversation == conversation
    assert highlight.guide_question == question
    assert highlight.kind == "pain"
    assert selectors.asked_ids(conversation) == {question.pk}
    assert list(conversation.highlights.values_list("text", flat=True)) == [
        "A customer called us before the carrier did."]


def test_most_fruitful_questions_are_ordered_by_highlight_count(workspace, guide, conversation, owner):
    first, second, third, fourth = guide.questions.order_by("position")
    other = conversation_services.save_conversation(workspace, owner, {"notes": "Second visit."})
    services.record_answer(conversation, third, owner, kind="quote", text="We found out from the customer.")
    services.record_answer(other, third, owner, kind="pain", text="Nobody tells us.")
    services.record_answer(other, third, owner, kind="quote", text="We ring the driver.")
    services.record_answer(conversation, first, owner, kind="quote", text="Tuesday, a reefer load.")
    services.set_asked(conversation, fourth, owner, True)  # asked, but no answer captured

    fruitful = list(selectors.most_fruitful_questions(workspace))

    assert [q.pk for q in fruitful] == [third.pk, first.pk]
    assert [(q.highlight_count, q.conversation_count) for q in fruitful] == [(3, 2), (1, 1)]
    assert Highlight.objects.filter(guide_question=second).count() == 0


def test_most_fruitful_questions_stay_in_their_workspace(workspace, other_workspace, guide, conversation, owner):
    services.record_answer(conversation, guide.questions.first(), owner, kind="quote", text="Late again.")
    assert list(selectors.most_fruitful_questions(other_workspace)) == []
    assert len(selectors.most_fruitful_questions(workspace)) == 1
