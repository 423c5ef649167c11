from ninja import Field, Schema
from ninja.pagination import paginate

from outsidein.api.common import nulls_in_model_terms
from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.pagination import Page
from outsidein.api.routing import Router
from outsidein.core.scoping import get_scoped
from outsidein.guides import selectors, services
from outsidein.guides.coach import review_questions, score_guide
from outsidein.guides.models import Guide, GuideQuestion
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["guides"])


class FindingOut(Schema):
    rule: str
    message: str
    suggestion: str


class ReviewOut(Schema):
    question: str
    ok: bool
    findings: list[FindingOut]


class CoachIn(InputSchema):
    questions: list[str] = Field(min_length=1, max_length=10_000)


class GuideScoreOut(Schema):
    question_count: int
    ok_count: int
    ok_share: float
    rule_counts: dict[str, int]
    advice: list[str]
    reviews: list[ReviewOut]


class QuestionOut(ModelOutput, model=GuideQuestion, fields=["id", "text", "position", "interviewer_notes"]):
    pass


class QuestionIn(ModelInput, model=GuideQuestion, fields=["text", "interviewer_notes"]):
    pass


GUIDE_FIELDS = ["title", "purpose", "description", "shared"]


class GuideIn(ModelInput, model=Guide, fields=GUIDE_FIELDS):
    pass


class GuidePatch(ModelInput, model=Guide, fields=GUIDE_FIELDS, optional=True):
    """Only the fields sent are changed."""


class GuideOut(ModelOutput, model=Guide, fields=["id", *GUIDE_FIELDS, "owner_id", "questions"]):
    questions: list[QuestionOut]  # the guide's questions, a reverse relation


def _guide(request: WorkspaceRequest, guide_id: int) -> Guide:
    return get_scoped(selectors.visible_guides(request.workspace, request.user).prefetch_related("questions"),
                      request.workspace, pk=guide_id)


@router.post("/coach", response=list[ReviewOut], tags=["coach"], summary="Review questions with the question coach")
def coach(request: WorkspaceRequest, payload: CoachIn):
    return [r.as_dict() for r in review_questions(payload.questions)]


@router.get("/guides", response=list[GuideOut])
@paginate(Page)
def list_guides(request: WorkspaceRequest):
    return selectors.visible_guides(request.workspace, request.user).prefetch_related("questions")


@router.get("/guides/{guide_id}", response=GuideOut)
def read_guide(request: WorkspaceRequest, guide_id: int):
    return _guide(request, guide_id)


@router.get("/guides/{guide_id}/score", response=GuideScoreOut, summary="The coach's score and advice for a guide")
def guide_score(request: WorkspaceRequest, guide_id: int):
    guide = _guide(request, guide_id)
    return score_guide([q.text for q in guide.questions.all()]).as_dict()


@router.post("/guides", response={201: GuideOut})
def create_guide(request: WorkspaceRequest, payload: GuideIn):
    guide = services.save_guide(request.workspace, request.user, payload.model_dump())
    return 201, _guide(request, guide.pk)


@router.patch("/guides/{guide_id}", response=GuideOut)
def update_guide(request: WorkspaceRequest, guide_id: int, payload: GuidePatch):
    changes = nulls_in_model_terms(Guide, payload.model_dump(exclude_unset=True))
    services.save_guide(request.workspace, request.user, changes, guide=_guide(request, guide_id))
    return _guide(request, guide_id)


@router.delete("/guides/{guide_id}", response={204: None})
def delete_guide(request: WorkspaceRequest, guide_id: int):
    _guide(request, guide_id).delete()
    return 204, None


@router.post("/guides/{guide_id}/questions", response={201: QuestionOut})
def add_question(request: WorkspaceRequest, guide_id: int, payload: QuestionIn):
    return 201, services.add_question(_guide(request, guide_id), **payload.model_dump())


@router.delete("/guide-questions/{question_id}", response={204: None})
def delete_question(request: WorkspaceRequest, question_id: int):
    question = get_scoped(GuideQuestion.objects.select_related("guide"), request.workspace, pk=question_id)
    _guide(request, question.guide_id)  # private guides of others stay invisible
    services.delete_question(question)
    return 204, None
