"""Journey pages: the list, a journey's canvas with its stages and touchpoints, a touchpoint with its evidence.

Deciding on a proposal answers an htmx post with the touchpoint's evidence part alone, a plain post with a
redirect to the touchpoint, so the page works without JavaScript too.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations.models import Highlight
from outsidein.core.crud import delete_page, form_page
from outsidein.core.scoping import get_scoped, scoped
from outsidein.core.services import delete_owned, update_owned
from outsidein.core.words import counted
from outsidein.customers.models import Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.insights.models import Theme
from outsidein.journeys import selectors, services
from outsidein.journeys.canvas import card_detail, journey_canvas
from outsidein.journeys.forms import JourneyForm, MarketNoteForm, StageForm, TouchpointChoiceForm, TouchpointForm
from outsidein.journeys.gaps import widest_gap
from outsidein.journeys.marketplace import marketplace_brief
from outsidein.journeys.models import EvidenceLink, Journey, JourneyStage, MarketNote, Touchpoint
from outsidein.workspaces.http import WorkspaceRequest


def _url(name: str, request: WorkspaceRequest, **kwargs: Any) -> str:
    return reverse(name, kwargs={"ws": request.workspace.slug, **kwargs})


@login_required
def journey_list(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "journeys/list.html", {"journeys": selectors.journey_list(request.workspace)[:200]})


@login_required
def journey_create(request: WorkspaceRequest) -> HttpResponse:
    form = JourneyForm(request.POST or None, workspace=request.workspace, initial={"template": "business"})
    return form_page(request, form, lambda data: services.create_journey(
        request.workspace, request.user, name=data["name"], segment=data["segment"], product=data["product"],
        template=data["template"], description=data["description"]),
        "journeys/form.html", {"kind": "journey"}, message="Journey created: add its touchpoints stage by stage.")


@login_required
def journey_edit(request: WorkspaceRequest, journey_id: int) -> HttpResponse:
    journey = get_scoped(Journey, request.workspace, pk=journey_id)
    form = JourneyForm(request.POST or None, workspace=request.workspace, instance=journey, editing=True)
    return form_page(request, form, lambda data: update_owned(journey, data), "journeys/form.html",
                     {"kind": "journey", "object": journey}, message="Journey saved.")


@login_required
def journey_delete(request: WorkspaceRequest, journey_id: int) -> HttpResponse:
    journey = get_scoped(Journey, request.workspace, pk=journey_id)
    return delete_page(request, journey, delete_owned, _url("journey-list", request),
                       f"Journey “{journey}” deleted.")


def _canvas_context(request: WorkspaceRequest, journey_id: int) -> dict[str, Any]:
    journey = selectors.journey_detail(request.workspace, journey_id)
    figures = selectors.touchpoint_figures(journey)
    widest = widest_gap(figures.values())
    touchpoints = {t.pk: t for s in journey.stages.all() for t in s.touchpoints.all()}
    return {"journey": journey, "figures": figures, "canvas": journey_canvas(journey, figures),
            "widest": widest, "widest_touchpoint": touchpoints.get(widest.touchpoint_id) if widest else None,
            "stage_form": StageForm(workspace=request.workspace)}


def _detail_context(request: WorkspaceRequest, journey_id: int, stage_form: StageForm | None = None,
                    ) -> dict[str, Any]:
    context = _canvas_context(request, journey_id)
    figures = context["figures"]
    context["stages"] = [(stage, [(t, figures.get(t.pk), card_detail(figures.get(t.pk)))
                                  for t in stage.touchpoints.all()]) for stage in context["journey"].stages.all()]
    if stage_form is not None:
        context["stage_form"] = stage_form
    return context


@login_required
def journey_detail(request: WorkspaceRequest, journey_id: int) -> HttpResponse:
    return render(request, "journeys/detail.html", _detail_context(request, journey_id))


@login_required
def journey_print(request: WorkspaceRequest, journey_id: int) -> HttpResponse:
    """The canvas alone, laid out for one landscape page."""
    return render(request, "journeys/print.html", _canvas_context(request, journey_id))


# -- stages --------------------------------------------------------------------------------------------------

@login_required
@require_POST
def stage_add(request: WorkspaceRequest, journey_id: int) -> HttpResponse:
    journey = get_scoped(Journey, request.workspace, pk=journey_id)
    form = StageForm(request.POST, workspace=request.workspace)

    def page(form: StageForm, status: int) -> HttpResponse:
        return render(request, "journeys/detail.html", _detail_context(request, journey.pk, form), status=status)

    return form_page(request, form, lambda data: services.add_stage(journey, data["name"]), page=page,
                     success_url=lambda stage: journey.get_absolute_url(), message="Stage added.")


@login_required
def stage_edit(request: WorkspaceRequest, stage_id: int) -> HttpResponse:
    stage = get_scoped(JourneyStage.objects.select_related("journey"), request.workspace, pk=stage_id)
    form = StageForm(request.POST or None, workspace=request.workspace, instance=stage)
    return form_page(request, form, lambda data: update_owned(stage, data), "journeys/form.html",
                     {"kind": "stage", "object": stage, "back": stage.journey.get_absolute_url()},
                     success_url=lambda saved: stage.journey.get_absolute_url(), message="Stage renamed.")


@login_required
@require_POST
def stage_move(request: WorkspaceRequest, stage_id: int) -> HttpResponse:
    stage = get_scoped(JourneyStage.objects.select_related("journey"), request.workspace, pk=stage_id)
    services.move_stage(stage, -1 if request.POST.get("direction") == "earlier" else 1)
    return redirect(stage.journey.get_absolute_url())


@login_required
def stage_delete(request: WorkspaceRequest, stage_id: int) -> HttpResponse:
    stage = get_scoped(JourneyStage.objects.select_related("journey"), request.workspace, pk=stage_id)
    touchpoints = stage.touchpoints.count()
    note = f" with its {counted(touchpoints, 'touchpoint')}" if touchpoints else ""
    return delete_page(request, stage, delete_owned, stage.journey.get_absolute_url(),
                       f"Stage “{stage}”{note} deleted.", verbose_name="stage")


# -- touchpoints ---------------------------------------------------------------------------------------------

@login_required
def touchpoint_add(request: WorkspaceRequest, stage_id: int) -> HttpResponse:
    stage = get_scoped(JourneyStage.objects.select_related("journey"), request.workspace, pk=stage_id)
    form = TouchpointForm(request.POST or None, workspace=request.workspace)
    return form_page(request, form, lambda data: services.add_touchpoint(stage, **data), "journeys/form.html",
                     {"kind": f"touchpoint in “{stage}”", "back": stage.journey.get_absolute_url()},
                     message="Touchpoint added. Find evidence for it on its page.")


@login_required
def touchpoint_edit(request: WorkspaceRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = get_scoped(Touchpoint.objects.select_related("stage__journey"), request.workspace,
                            pk=touchpoint_id)
    form = TouchpointForm(request.POST or None, workspace=request.workspace, instance=touchpoint)
    return form_page(request, form, lambda data: update_owned(touchpoint, data), "journeys/form.html",
                     {"kind": "touchpoint", "object": touchpoint, "back": touchpoint.get_absolute_url()},
                     message="Touchpoint saved.")


@login_required
def touchpoint_delete(request: WorkspaceRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = get_scoped(Touchpoint.objects.select_related("stage__journey"), request.workspace,
                            pk=touchpoint_id)
    return delete_page(request, touchpoint, delete_owned, touchpoint.stage.journey.get_absolute_url(),
                       f"Touchpoint “{touchpoint}” deleted.")


def _touchpoint_context(request: WorkspaceRequest, touchpoint: Touchpoint, **extra: Any) -> dict[str, Any]:
    figures = selectors.touchpoint_figures(touchpoint.stage.journey, only=touchpoint).get(touchpoint.pk)
    return {"touchpoint": touchpoint, "journey": touchpoint.stage.journey, "f": figures,
            "accepted": selectors.evidence_of(touchpoint)[:100], "proposals": selectors.proposals_for(touchpoint),
            **extra}


@login_required
def touchpoint_detail(request: WorkspaceRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = get_scoped(Touchpoint.objects.select_related("stage__journey__segment"), request.workspace,
                            pk=touchpoint_id)
    return render(request, "journeys/touchpoint.html", _touchpoint_context(request, touchpoint))


def _evidence_answer(request: WorkspaceRequest, touchpoint: Touchpoint, notice: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "journeys/_evidence.html", _touchpoint_context(request, touchpoint, notice=notice))
    messages.success(request, notice)
    return redirect(touchpoint.get_absolute_url())


@login_required
@require_POST
def touchpoint_propose(request: WorkspaceRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = get_scoped(Touchpoint.objects.select_related("stage__journey"), request.workspace,
                            pk=touchpoint_id)
    made = services.propose_evidence(touchpoint)
    notice = (f"{counted(len(made), 'text')} proposed: accept what is evidence for this moment."
              if made else "Nothing new to propose: no other text of the workspace is close to this touchpoint's "
                           "words (or no theme analysis has run yet).")
    return _evidence_answer(request, touchpoint, notice)


@login_required
@require_POST
def evidence_decide(request: WorkspaceRequest, evidence_link_id: int) -> HttpResponse:
    link = get_scoped(EvidenceLink.objects.select_related("touchpoint__stage__journey"), request.workspace,
                      pk=evidence_link_id)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide(link, request.user, accept=accept)
    except EvidenceLink.DoesNotExist as gone:
        raise Http404("This evidence link was deleted a moment ago.") from gone
    return _evidence_answer(request, link.touchpoint, "Accepted as evidence." if accept else
                            "Rejected: it will not be proposed for this touchpoint again.")


@login_required
@require_POST
def touchpoint_start(request: WorkspaceRequest, touchpoint_id: int) -> HttpResponse:
    """Start an initiative (nail the pain) or an assumption from the touchpoint, its evidence carried along."""
    touchpoint = get_scoped(Touchpoint.objects.select_related("stage__journey__segment"), request.workspace,
                            pk=touchpoint_id)
    if request.POST.get("what") == "initiative":
        initiative = services.start_initiative(touchpoint, request.user)
        messages.success(request, "Initiative started in “nail the pain”, with an assumption carrying the "
                                  "touchpoint's evidence.")
        return redirect(initiative.get_absolute_url())
    assumption = services.start_assumption(touchpoint, request.user)
    messages.success(request, "Assumption started, with the touchpoint's evidence linked as support.")
    return redirect(assumption.get_absolute_url())


# -- the marketplace brief -----------------------------------------------------------------------------------

@login_required
def marketplace(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "journeys/marketplace.html", {"brief": marketplace_brief(request.workspace)})


@login_required
def market_note_edit(request: WorkspaceRequest, segment_id: int) -> HttpResponse:
    """The go-to-market of the product class ``?class=…`` in a segment."""
    segment = get_scoped(Segment, request.workspace, pk=segment_id)
    product_class = (request.GET.get("class") or request.POST.get("class") or "").strip()[:100]
    existing = scoped(MarketNote, request.workspace).filter(product_class=product_class, segment=segment).first()
    form = MarketNoteForm(request.POST or None, initial={"note": existing.note if existing else ""})
    back = reverse("marketplace", kwargs={"ws": request.workspace.slug})
    return form_page(request, form, lambda data: services.save_market_note(
        request.workspace, request.user, product_class=product_class, segment=segment, note=data["note"]),
        "journeys/market_note.html", {"product_class": product_class, "segment": segment, "back": back},
        success_url=back, message=f"Go-to-market of {product_class} in {segment} saved.")


# -- linking evidence from elsewhere -------------------------------------------------------------------------

def _source(request: WorkspaceRequest) -> tuple[str, Highlight | FeedbackItem | Theme]:
    """What ``?highlight=``, ``?feedback=`` or ``?theme=`` names, of this workspace (404 otherwise)."""
    params = request.GET if request.method == "GET" else request.POST
    if params.get("highlight"):
        return "highlight", get_scoped(Highlight, request.workspace, pk=params["highlight"])
    if params.get("feedback"):
        return "feedback", get_scoped(FeedbackItem, request.workspace, pk=params["feedback"])
    if params.get("theme"):
        return "theme", get_scoped(Theme, request.workspace, pk=params["theme"])
    raise Http404("Name a highlight, a feedback item or a theme to link.")


@login_required
def evidence_link_new(request: WorkspaceRequest) -> HttpResponse:
    kind, source = _source(request)
    form = TouchpointChoiceForm(request.POST or None, workspace=request.workspace)

    def save(data: dict[str, Any]) -> Touchpoint:
        touchpoint: Touchpoint = data["touchpoint"]
        if isinstance(source, Theme):
            services.link_theme(touchpoint, request.user, source)
        elif isinstance(source, Highlight):
            services.link_evidence(touchpoint, request.user, highlight=source)
        else:
            services.link_evidence(touchpoint, request.user, feedback_item=source)
        return touchpoint

    return form_page(request, form, save, "journeys/link.html", {"kind": kind, "source": source},
                     message="Linked as evidence of this touchpoint.")
