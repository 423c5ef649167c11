from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.conversations.models import Conversation, Highlight
from outsidein.conversations.selectors import conversation_list, highlight_list
from outsidein.core.crud import delete_page, form_page
from outsidein.core.scoping import get_scoped
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.selectors import FeedbackFilter, feedback_list
from outsidein.learning import forms, selectors, services
from outsidein.learning.models import (
    Assumption,
    AssumptionStatus,
    AssumptionType,
    Evidence,
    Experiment,
)
from outsidein.workspaces.http import WorkspaceRequest


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def assumption_list(request: WorkspaceRequest):
    filters = {"initiative_id": _int(request.GET.get("initiative")), "status": request.GET.get("status") or None,
               "type": request.GET.get("type") or None, "query": request.GET.get("q", "")}
    assumptions = list(selectors.assumption_list(request.workspace, **filters))
    return render(request, "learning/assumption_list.html", {
        "assumptions": assumptions, "chart": selectors.assumption_map(assumptions),
        "unproven": [a for a in assumptions if selectors.is_important_and_unproven(a)],
        "filters": filters, "statuses": AssumptionStatus.choices, "types": AssumptionType.choices,
        "initiatives": selectors.initiative_choices(request.workspace),
    })


def _save_assumption(request: WorkspaceRequest, assumption: Assumption | None = None):
    initial = {"owner": request.user.pk} if assumption is None else {}
    if assumption is None and (initiative_id := _int(request.GET.get("initiative"))):
        initial["initiative"] = initiative_id
    form = forms.AssumptionForm(request.POST or None, instance=assumption, initial=initial,
                                workspace=request.workspace)
    return form_page(request, form,
                     lambda data: services.save_assumption(request.workspace, request.user, data, assumption),
                     "learning/form.html", {"object": assumption, "kind": "assumption"})


@login_required
def assumption_create(request: WorkspaceRequest):
    return _save_assumption(request)


@login_required
def assumption_edit(request: WorkspaceRequest, assumption_id: int):
    return _save_assumption(request, selectors.assumption_detail(request.workspace, assumption_id))


@login_required
def assumption_delete(request: WorkspaceRequest, assumption_id: int):
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    return delete_page(request, assumption, services.delete_assumption,
                       reverse("assumption-list", kwargs={"ws": request.workspace.slug}),
                       "Deleted the assumption and its evidence links.")


def _detail_context(request: WorkspaceRequest, assumption: Assumption, **extra) -> dict:
    evidence = list(selectors.evidence_for([assumption.pk]))
    return {
        "assumption": assumption, "evidence": evidence,
        "supporting": [e for e in evidence if e.direction == "supports"],
        "refuting": [e for e in evidence if e.direction == "refutes"],
        "experiments": selectors.experiment_list(request.workspace, assumption_id=assumption.pk),
        "chart": selectors.assumption_map([assumption], title="Where it sits on the assumption map",
                                         numbered=False),
        "unproven": selectors.is_important_and_unproven(assumption),
        "statuses": AssumptionStatus.choices, "query": request.GET.get("q", ""),
        "results": _search_results(request, assumption), **extra,
    }


def _search_results(request: WorkspaceRequest, assumption: Assumption) -> dict | None:
    """Highlights, whole conversations and feedback items matching the search that are not linked yet."""
    query = request.GET.get("q", "").strip()
    if not query:
        return None
    linked = list(assumption.evidence.values_list("highlight_id", "conversation_id", "feedback_item_id"))
    highlights = {h for h, _, _ in linked if h}
    conversations = {c for _, c, _ in linked if c}
    feedback = {f for _, _, f in linked if f}
    return {
        "highlights": [h for h in highlight_list(request.workspace, query=query)[:20] if h.pk not in highlights],
        "conversations": [c for c in conversation_list(request.workspace, query=query, status="logged")[:8]
                          if c.pk not in conversations],
        "feedback_items": [f for f in feedback_list(request.workspace, FeedbackFilter(query=query))[:12]
                           if f.pk not in feedback],
    }


@login_required
def assumption_detail(request: WorkspaceRequest, assumption_id: int):
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    return render(request, "learning/assumption_detail.html", _detail_context(request, assumption))


@login_required
def evidence_search(request: WorkspaceRequest, assumption_id: int):
    """Highlights, conversations and feedback matching the search, to link as evidence (an htmx partial)."""
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    return render(request, "learning/_evidence_search.html", {
        "assumption": assumption, "results": _search_results(request, assumption),
        "query": request.GET.get("q", "")})


@login_required
@require_POST
def assumption_status(request: WorkspaceRequest, assumption_id: int):
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        services.set_status(assumption, request.user, form.cleaned_data["status"])
        messages.success(request, f"Status set to {assumption.get_status_display().lower()}.")
    return redirect(assumption.get_absolute_url())


@login_required
@require_POST
def assumption_confirm(request: WorkspaceRequest, assumption_id: int):
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    try:
        services.confirm_suggested_status(assumption, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Confirmed: {assumption.get_status_display().lower()}.")
    return redirect(assumption.get_absolute_url())


@login_required
@require_POST
def evidence_link(request: WorkspaceRequest, assumption_id: int):
    assumption = selectors.assumption_detail(request.workspace, assumption_id)
    form = forms.LinkEvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        sources = {
            "highlight": get_scoped(Highlight, request.workspace, pk=data["highlight_id"])
            if data.get("highlight_id") else None,
            "conversation": get_scoped(Conversation, request.workspace, pk=data["conversation_id"])
            if data.get("conversation_id") else None,
            "experiment": get_scoped(Experiment, request.workspace, pk=data["experiment_id"])
            if data.get("experiment_id") else None,
            "feedback_item": get_scoped(FeedbackItem, request.workspace, pk=data["feedback_item_id"])
            if data.get("feedback_item_id") else None,
        }
        try:
            evidence = services.link_evidence(assumption, request.user, direction=data["direction"],
                                              note=data.get("note") or "", **sources)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            side = "supporting" if evidence.direction == "supports" else "refuting"
            messages.success(request, f"Linked as {side} evidence (strength {evidence.strength:.2f}).")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(assumption.get_absolute_url() + "#evidence")


@login_required
@require_POST
def evidence_unlink(request: WorkspaceRequest, evidence_id: int):
    evidence = get_scoped(Evidence.objects.select_related("assumption"), request.workspace, pk=evidence_id)
    assumption = services.unlink_evidence(evidence)
    messages.success(request, "Unlinked the evidence.")
    if assumption is None:  # deleted meanwhile, with its evidence
        return redirect("assumption-list", ws=request.workspace.slug)
    return redirect(assumption.get_absolute_url() + "#evidence")


# --- experiments ------------------------------------------------------------------------------------

@login_required
def experiment_list(request: WorkspaceRequest):
    done = {"done": True, "open": False}.get(request.GET.get("state", ""))
    return render(request, "learning/experiment_list.html", {
        "experiments": selectors.experiment_list(request.workspace, done=done), "state": request.GET.get("state", "")})


def _save_experiment(request: WorkspaceRequest, experiment: Experiment | None = None):
    initial = {"owner": request.user.pk} if experiment is None else {}
    if experiment is None and (assumption_id := _int(request.GET.get("assumption"))):
        initial["assumption"] = assumption_id
    form = forms.ExperimentForm(request.POST or None, instance=experiment, initial=initial,
                                workspace=request.workspace)
    return form_page(request, form,
                     lambda data: services.save_experiment(request.workspace, request.user, data, experiment),
                     "learning/form.html", {"object": experiment, "kind": "test card"})


@login_required
def experiment_create(request: WorkspaceRequest):
    return _save_experiment(request)


def _experiment(request: WorkspaceRequest, experiment_id: int) -> Experiment:
    return get_scoped(selectors.experiment_list(request.workspace), request.workspace, pk=experiment_id)


@login_required
def experiment_edit(request: WorkspaceRequest, experiment_id: int):
    return _save_experiment(request, _experiment(request, experiment_id))


@login_required
def experiment_delete(request: WorkspaceRequest, experiment_id: int):
    experiment = _experiment(request, experiment_id)
    return delete_page(request, experiment, services.delete_experiment,
                       reverse("experiment-list", kwargs={"ws": request.workspace.slug}), "Deleted the experiment.")


def _experiment_page(request: WorkspaceRequest, experiment: Experiment, form=None, status: int = 200):
    if form is None:
        initial = {}
        if experiment.is_done:
            initial = {"observation": experiment.observation, "learning": experiment.learning,
                       "criteria_met": "yes" if experiment.criteria_met else "no", "decision": experiment.decision,
                       "actions": experiment.actions}
        form = forms.LearningCardForm(initial=initial)
    evidence = experiment.evidence.first()
    return render(request, "learning/experiment_detail.html",
                  {"experiment": experiment, "form": form, "evidence": evidence}, status=status)


@login_required
def experiment_detail(request: WorkspaceRequest, experiment_id: int):
    return _experiment_page(request, _experiment(request, experiment_id))


@login_required
@require_POST
def experiment_complete(request: WorkspaceRequest, experiment_id: int):
    experiment = _experiment(request, experiment_id)
    form = forms.LearningCardForm(request.POST)
    return form_page(request, form, lambda data: services.complete_experiment(experiment, request.user, **data),
                     success_url=experiment.get_absolute_url(),
                     message="Learning card saved; the result is evidence on the assumption.",
                     page=lambda form, status: _experiment_page(request, experiment, form, status=status))
