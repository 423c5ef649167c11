from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations.selectors import conversation_detail
from outsidein.core.crud import delete_page, form_page
from outsidein.core.scoping import get_scoped, scoped
from outsidein.core.services import delete_owned
from outsidein.guides import forms, selectors, services
from outsidein.guides.coach import review_question, review_questions, score_guide
from outsidein.guides.models import BankQuestion, Guide, GuideQuestion, QuestionPurpose
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.middleware import viewer_may_post


def _guide(request: WorkspaceRequest, guide_id: int) -> Guide:
    return get_scoped(scoped(Guide, request.workspace).filter(Q(shared=True) | Q(owner=request.user)),
                      request.workspace, pk=guide_id)


def _question(request: WorkspaceRequest, question_id: int) -> GuideQuestion:
    return get_scoped(GuideQuestion.objects.select_related("guide").filter(
        Q(guide__shared=True) | Q(guide__owner=request.user)), request.workspace, pk=question_id)


@login_required
def guide_list(request: WorkspaceRequest):
    guides = list(selectors.visible_guides(request.workspace, request.user).prefetch_related("questions"))
    rows = [(g, score_guide([q.text for q in g.questions.all()])) for g in guides]
    return render(request, "guides/list.html", {
        "rows": rows, "fruitful": selectors.most_fruitful_questions(request.workspace)})


@login_required
def guide_create(request: WorkspaceRequest):
    form = forms.GuideForm(request.POST or None, workspace=request.workspace)
    return form_page(request, form, lambda data: services.save_guide(request.workspace, request.user, data),
                     "guides/guide_form.html")


@login_required
def guide_edit(request: WorkspaceRequest, guide_id: int):
    guide = _guide(request, guide_id)
    form = forms.GuideForm(request.POST or None, instance=guide, workspace=request.workspace)
    return form_page(request, form,
                     lambda data: services.save_guide(request.workspace, request.user, data, guide=guide),
                     "guides/guide_form.html", {"object": guide})


@login_required
def guide_delete(request: WorkspaceRequest, guide_id: int):
    guide = _guide(request, guide_id)
    return delete_page(request, guide, delete_owned, reverse("guide-list", kwargs={"ws": request.workspace.slug}),
                       f"Deleted guide “{guide.title}”.")


def _editor_context(request: WorkspaceRequest, guide: Guide, form=None) -> dict:
    items, score = selectors.guide_with_reviews(guide)
    return {"guide": guide, "items": items, "score": score, "form": form or forms.QuestionForm(),
            "bank": selectors.bank(request.workspace)}


@login_required
def guide_detail(request: WorkspaceRequest, guide_id: int):
    guide = _guide(request, guide_id)
    return render(request, "guides/detail.html", _editor_context(request, guide))


@login_required
@require_POST
def question_add(request: WorkspaceRequest, guide_id: int):
    guide = _guide(request, guide_id)
    form = forms.QuestionForm(request.POST)
    bank_question = None
    if request.POST.get("bank_question"):
        bank_question = get_scoped(BankQuestion, request.workspace, pk=request.POST["bank_question"])
        form = forms.QuestionForm({"text": bank_question.text, "interviewer_notes": bank_question.notes})

    def page(form: forms.QuestionForm, status: int) -> HttpResponse:
        template = "guides/_editor.html" if request.headers.get("HX-Request") else "guides/detail.html"
        return render(request, template, _editor_context(request, guide, form), status=status)

    return form_page(request, form, lambda data: services.add_question(guide, bank_question=bank_question, **data),
                     success_url=guide.get_absolute_url(), page=page, empty_form=forms.QuestionForm)


@login_required
@require_POST
def question_move(request: WorkspaceRequest, question_id: int):
    question = _question(request, question_id)
    services.move_question(question, -1 if request.POST.get("direction") == "up" else 1)
    if request.headers.get("HX-Request"):
        return render(request, "guides/_editor.html", _editor_context(request, question.guide))
    return redirect(question.guide.get_absolute_url())


@login_required
@require_POST
def question_delete(request: WorkspaceRequest, question_id: int):
    question = _question(request, question_id)
    guide = question.guide
    services.delete_question(question)
    if request.headers.get("HX-Request"):
        return render(request, "guides/_editor.html", _editor_context(request, guide))
    return redirect(guide.get_absolute_url())


@login_required
@viewer_may_post
@require_POST
def coach_check(request: WorkspaceRequest):
    """The live coach as one types: findings and a suggested rewrite for one question (an htmx partial)."""
    text = request.POST.get("text", "")
    review = review_question(text) if text.strip() else None
    return render(request, "guides/_coach_live.html", {"review": review})


@login_required
@viewer_may_post
def coach_page(request: WorkspaceRequest):
    form = forms.CoachForm(request.POST or None)
    reviews = score = None
    if request.method == "POST" and form.is_valid():
        lines = [line for line in form.cleaned_data["questions"].splitlines() if line.strip()]
        reviews = review_questions(lines)
        score = score_guide(lines)
    return render(request, "guides/coach.html", {"form": form, "reviews": reviews, "score": score})


@login_required
def bank_list(request: WorkspaceRequest):
    purpose = request.GET.get("purpose") or None
    form = forms.BankQuestionForm(request.POST or None)

    def context() -> dict:
        questions = list(selectors.bank(request.workspace, purpose))
        reviews = {q.pk: review_question(q.text) for q in questions}
        return {"questions": [(q, reviews[q.pk]) for q in questions], "purpose": purpose,
                "purposes": QuestionPurpose.choices,
                "guides": selectors.visible_guides(request.workspace, request.user)}

    return form_page(request, form, lambda data: services.add_bank_question(request.workspace, request.user, **data),
                     "guides/bank.html", context, message="Added to the question bank.",
                     success_url=reverse("bank-list", kwargs={"ws": request.workspace.slug}))


@login_required
def interview(request: WorkspaceRequest, conversation_id: int):
    """Use a guide during a conversation: tick questions as asked, capture answers as highlights."""
    conversation = conversation_detail(request.workspace, conversation_id)
    guides = selectors.visible_guides(request.workspace, request.user)
    guide = None
    if request.GET.get("guide", "").isdigit():
        guide = _guide(request, int(request.GET["guide"]))
    context = {"object": conversation, "guides": guides, "guide": guide}
    if guide:
        context.update(_interview_context(conversation, guide))
    return render(request, "guides/interview.html", context)


def _interview_context(conversation, guide: Guide) -> dict:
    asked = selectors.asked_ids(conversation)
    answers: dict[int, list] = {}
    for h in conversation.highlights.filter(guide_question__guide=guide).order_by("created_at"):
        answers.setdefault(h.guide_question_id, []).append(h)
    questions = [(q, q.pk in asked, answers.get(q.pk, [])) for q in selectors.guide_questions(guide)]
    return {"questions": questions, "answer_form": forms.AnswerForm(), "asked_count": len(asked)}


@login_required
@require_POST
def interview_asked(request: WorkspaceRequest, conversation_id: int, question_id: int):
    conversation = conversation_detail(request.workspace, conversation_id)
    question = _question(request, question_id)
    services.set_asked(conversation, question, request.user, request.POST.get("asked") == "1")
    return _interview_response(request, conversation, question.guide)


@login_required
@require_POST
def interview_answer(request: WorkspaceRequest, conversation_id: int, question_id: int):
    conversation = conversation_detail(request.workspace, conversation_id)
    question = _question(request, question_id)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        services.record_answer(conversation, question, request.user, **form.cleaned_data)
    else:
        messages.error(request, "Write what they said before saving the answer.")
    return _interview_response(request, conversation, question.guide)


def _interview_response(request: WorkspaceRequest, conversation, guide):
    if request.headers.get("HX-Request"):
        return render(request, "guides/_interview_questions.html",
                      {"object": conversation, "guide": guide, **_interview_context(conversation, guide)})
    return redirect(f"/w/{request.workspace.slug}/conversations/{conversation.pk}/interview/?guide={guide.pk}")
