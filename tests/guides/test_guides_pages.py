"""The guide pages as a member uses them: the list, the editor with its live coach, the coach page and
the interview page used during a conversation."""

import html
import re

import factories
import pytest
from django.urls import reverse

from outsidein.conversations import services as conversation_services
from outsidein.guides import services
from outsidein.guides.models import BankQuestion, GuideQuestion

HTMX = {"HX-Request": "true"}
LEADING = "Don't you think our new dashboard is much better?"
OPEN = "Tell me about the last time a load arrived late."


def url(name: str, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def text_of(response) -> str:
    """The page's text with tags dropped and entities decoded, whitespace folded."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


@pytest.fixture
def guide(workspace, owner):
    return factories.guide(workspace, owner, "Account visit", description="Key accounts.", questions=(
        OPEN, "How did you find out it was late?", "Would you use this if we built it?", "What happened next?"))


@pytest.fixture
def conversation(workspace, owner):
    return conversation_services.save_conversation(workspace, owner, {"title": "Visit to Harbour Logistics"})


def test_the_guide_list_shows_each_guides_coach_score(owner_client, workspace, guide, owner):
    services.save_guide(workspace, owner, {"title": "Empty guide"})

    response = owner_client.get(url("guide-list", workspace))

    assert response.status_code == 200
    page = text_of(response)
    # Three of the four questions are open; the hypothetical "would you use this" is not.
    assert re.search(r"Account visit .*? 4 75% open", page)
    assert re.search(r"Empty guide .*? 0 —", page)


def test_the_editor_lists_questions_with_their_coach_badges(owner_client, workspace, guide):
    response = owner_client.get(url("guide-detail", workspace, guide_id=guide.pk))

    assert response.status_code == 200
    page = text_of(response)
    assert "Coach score: 75% open questions (3 of 4)" in page
    hypothetical = GuideQuestion.objects.get(guide=guide, position=3)
    item = re.search(rf'<li id="question-{hypothetical.pk}">(.*?)</li>\s*(<li|</ol>)',
                     response.content.decode(), re.S).group(1)
    assert "hypothetical" in item
    assert 'title="An open question">ok<' not in item


def test_adding_a_question_with_htmx_returns_the_editor_with_it(owner_client, workspace, guide):
    response = owner_client.post(url("guide-question-add", workspace, guide_id=guide.pk),
                                 {"text": "  What was the hardest part?  ", "interviewer_notes": "Let silence work."},
                                 headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and "<h1" not in content  # the partial, not the whole page
    assert "What was the hardest part?" in content
    assert "Let silence work." in content
    assert "Coach score: 80% open questions (4 of 5)" in text_of(response)
    added = guide.questions.get(text="What was the hardest part?")
    assert added.position == 5
    assert added.interviewer_notes == "Let silence work."


def test_adding_a_question_without_htmx_redirects_to_the_guide(owner_client, workspace, guide):
    response = owner_client.post(url("guide-question-add", workspace, guide_id=guide.pk),
                                 {"text": "What did you try next?"})
    assert response.status_code == 302
    assert response.url == guide.get_absolute_url()
    assert guide.questions.filter(text="What did you try next?").exists()


def test_an_empty_question_gets_an_error_next_to_the_field_and_nothing_is_saved(owner_client, workspace, guide):
    response = owner_client.post(url("guide-question-add", workspace, guide_id=guide.pk), {"text": "   "},
                                 headers=HTMX)

    assert response.status_code == 422
    field = re.search(r'<div class="field field-error" id="field-text">(.*?)</div>', response.content.decode(),
                      re.S)
    assert field is not None
    assert 'id="id_text_error"' in field.group(1)
    assert guide.questions.count() == 4


def test_a_question_from_the_bank_can_be_added(owner_client, workspace, guide):
    bank_question = BankQuestion.objects.filter(workspace=workspace).order_by("pk").first()
    response = owner_client.post(url("guide-question-add", workspace, guide_id=guide.pk),
                                 {"bank_question": bank_question.pk}, headers=HTMX)
    assert response.status_code == 200
    added = guide.questions.get(position=5)
    assert (added.text, added.bank_question) == (bank_question.text, bank_question)


def test_moving_and_removing_a_question_from_the_editor(owner_client, workspace, guide):
    last = guide.questions.get(position=4)
    owner_client.post(url("guide-question-move", workspace, question_id=last.pk), {"direction": "up"}, headers=HTMX)
    assert list(guide.questions.order_by("position").values_list("text", flat=True))[2:] == [
        "What happened next?", "Would you use this if we built it?"]

    first = guide.questions.get(position=1)
    response = owner_client.post(url("guide-question-delete", workspace, question_id=first.pk), headers=HTMX)
    assert response.status_code == 200
    assert OPEN not in response.content.decode()
    assert list(guide.questions.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


def test_the_live_coach_flags_a_leading_question_and_suggests_a_rewrite(member_client, workspace):
    response = member_client.post(url("coach-check", workspace), {"text": LEADING}, headers=HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    leading = re.search(r'<p class="coach-finding" data-rule="leading">(.*?)</p>', content, re.S)
    assert leading is not None
    suggestion = re.search(r'<strong class="coach-suggestion">(.*?)</strong>', leading.group(1), re.S)
    assert suggestion is not None and len(suggestion.group(1).strip()) > 10
    assert html.unescape(suggestion.group(1)).strip() != LEADING


def test_the_live_coach_says_ok_for_an_open_question_and_nothing_for_blank(member_client, workspace):
    ok = member_client.post(url("coach-check", workspace), {"text": OPEN}, headers=HTMX)
    assert 'class="coach-ok"' in ok.content.decode()
    assert "coach-finding" not in ok.content.decode()

    blank = member_client.post(url("coach-check", workspace), {"text": "  "}, headers=HTMX)
    assert blank.status_code == 200
    assert "coach-finding" not in blank.content.decode() and "coach-ok" not in blank.content.decode()


def test_the_coach_page_scores_several_lines(viewer_client, workspace):
    lines = "\n".join([OPEN, "", LEADING, "How much would you pay for this?", "What happened next?"])

    response = viewer_client.post(url("coach", workspace), {"questions": lines})

    assert response.status_code == 200
    page = text_of(response)
    assert "50% open questions (2 of 4)" in page
    assert "leading" in page and "pricing" in page


def test_the_interview_page_ticks_a_question_and_captures_an_answer(owner_client, workspace, guide, conversation):
    question = guide.questions.get(position=2)
    interview = url("interview", workspace, conversation_id=conversation.pk)

    page = owner_client.get(interview, {"guide": guide.pk})
    assert page.status_code == 200
    assert "0 of 4 asked" in text_of(page)

    ticked = owner_client.post(url("interview-asked", workspace, conversation_id=conversation.pk,
                                   question_id=question.pk), {"asked": "1"}, headers=HTMX)
    assert ticked.status_code == 200
    assert "1 of 4 asked" in text_of(ticked)
    assert re.search(rf'<article class="interview-question asked" id="interview-q-{question.pk}">',
                     ticked.content.decode())

    answered = owner_client.post(url("interview-answer", workspace, conversation_id=conversation.pk,
                                     question_id=question.pk),
                                 {"kind": "pain", "text": "The customer rang us before the carrier did."})
    assert answered.status_code == 302
    assert answered.url == f"{interview}?guide={guide.pk}"

    detail = owner_client.get(conversation.get_absolute_url())
    assert detail.status_code == 200
    assert "The customer rang us before the carrier did." in text_of(detail)
    highlight = conversation.highlights.get()
    assert highlight.guide_question == question

    unticked = owner_client.post(url("interview-asked", workspace, conversation_id=conversation.pk,
                                     question_id=question.pk), {"asked": "0"}, headers=HTMX)
    assert "0 of 4 asked" in text_of(unticked)


def test_the_guide_list_shows_which_questions_led_to_most_highlights(owner_client, workspace, guide, conversation,
                                                                     owner):
    question = guide.questions.get(position=2)
    services.record_answer(conversation, question, owner, kind="quote", text="From the customer, again.")

    page = text_of(owner_client.get(url("guide-list", workspace)))

    assert "“How did you find out it was late?” (Account visit): 1 highlight in 1 conversation" in page


def test_a_viewer_reads_guides_but_cannot_add_questions(viewer_client, workspace, guide):
    detail = viewer_client.get(url("guide-detail", workspace, guide_id=guide.pk))
    assert detail.status_code == 200
    assert "Add a question" not in detail.content.decode()

    response = viewer_client.post(url("guide-question-add", workspace, guide_id=guide.pk),
                                  {"text": "What happened then?"}, headers=HTMX)
    assert response.status_code == 403
    assert guide.questions.count() == 4


def test_a_private_guide_of_another_member_is_not_found_for_others(member_client, owner_client, workspace, member):
    private = services.save_guide(workspace, member, {"title": "Draft questions", "shared": False})
    services.add_question(private, text=OPEN)

    assert member_client.get(url("guide-detail", workspace, guide_id=private.pk)).status_code == 200
    assert owner_client.get(url("guide-detail", workspace, guide_id=private.pk)).status_code == 404
    assert owner_client.post(url("guide-question-add", workspace, guide_id=private.pk),
                             {"text": "What happened next?"}).status_code == 404
    question = private.questions.get()
    assert owner_client.post(url("guide-question-delete", workspace, question_id=question.pk)).status_code == 404
    assert "Draft questions" not in owner_client.get(url("guide-list", workspace)).content.decode()
    assert private.questions.count() == 1


def test_a_guide_of_another_workspace_is_not_found(owner_client, workspace, other_workspace):
    stranger = other_workspace.memberships.get().user
    foreign = services.save_guide(other_workspace, stranger, {"title": "Their guide"})
    assert owner_client.get(url("guide-detail", workspace, guide_id=foreign.pk)).status_code == 404
    assert owner_client.get(url("guide-detail", other_workspace, guide_id=foreign.pk)).status_code == 404
