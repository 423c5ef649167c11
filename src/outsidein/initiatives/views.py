import json
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.core import sections
from outsidein.core.crud import delete_page, form_page
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account
from outsidein.initiatives import forms, gate_rows, gates, selectors, services
from outsidein.initiatives.models import FEEDBACK_METRICS, GateSettings, Initiative, Period, Pilot
from outsidein.initiatives.pilot_report import pilot_report
from outsidein.initiatives.pilot_verdict import verdict_for
from outsidein.learning import selectors as learning_selectors
from outsidein.workspaces.http import WorkspaceRequest

HTMX = "HX-Request"


def _board_context(request: WorkspaceRequest, refused: dict | None = None) -> dict:
    columns = [(stage, items, gates.next_stage(stage.key), _previous(stage.key))
               for stage, items in selectors.board(request.workspace)]
    return {"columns": columns, "refused": refused or {}}


def _previous(stage: str) -> str | None:
    index = gates.stage_index(stage)
    return gates.STAGE_KEYS[index - 1] if index else None


@login_required
def board(request: WorkspaceRequest):
    return render(request, "initiatives/board.html", _board_context(request))


def _save_initiative(request: WorkspaceRequest, initiative: Initiative | None = None):
    initial = {"sponsor": request.user.pk, "team": [request.user.pk]} if initiative is None else {}
    form = forms.InitiativeForm(request.POST or None, instance=initiative, initial=initial,
                                workspace=request.workspace)

    def save(data: dict) -> Initiative:
        fields = {k: v for k, v in data.items() if k != "team"}
        return services.save_initiative(request.workspace, request.user, fields, initiative,
                                        team=list(data["team"]) or None)

    return form_page(request, form, save, "initiatives/form.html", {"object": initiative, "kind": "initiative"})


@login_required
def initiative_create(request: WorkspaceRequest):
    return _save_initiative(request)


@login_required
def initiative_edit(request: WorkspaceRequest, initiative_id: int):
    return _save_initiative(request, selectors.initiative_detail(request.workspace, initiative_id))


@login_required
def initiative_delete(request: WorkspaceRequest, initiative_id: int):
    initiative = selectors.initiative_detail(request.workspace, initiative_id)
    return delete_page(request, initiative, services.delete_initiative,
                       reverse("initiative-board", kwargs={"ws": request.workspace.slug}),
                       f"Deleted “{initiative.name}”.")


@login_required
def initiative_detail(request: WorkspaceRequest, initiative_id: int):
    initiative = selectors.initiative_detail(request.workspace, initiative_id)
    assumptions = list(learning_selectors.assumption_list(request.workspace, initiative_id=initiative.pk))
    check = selectors.check_gate(initiative)
    following = gates.next_stage(initiative.stage)
    move_form = forms.MoveForm(initial={"to_stage": following or initiative.stage})
    return render(request, "initiatives/detail.html", {
        "initiative": initiative, "assumptions": assumptions,
        "chart": learning_selectors.assumption_map(assumptions, title=f"Assumptions of {initiative.name}"),
        "experiments": learning_selectors.experiment_list(request.workspace, initiative_id=initiative.pk),
        "evidence": learning_selectors.evidence_for([a.pk for a in assumptions]),
        "pilots": [(pilot, verdict_for(pilot))
                   for pilot in selectors.pilot_list(request.workspace, initiative_id=initiative.pk)],
        "in_the_field": selectors.leaders_in_the_field(initiative),
        "moves": selectors.moves(initiative), "check": check, "next_stage": following,
        "next_label": gates.stage_label(following) if following else "", "move_form": move_form,
        "stages": gates.STAGES, "stage_index": gates.stage_index(initiative.stage),
        # What later areas add (the journey touchpoints it addresses): core/sections.py.
        "sections": sections.shown("initiative", initiative),
    })


@login_required
@require_POST
def initiative_move(request: WorkspaceRequest, initiative_id: int):
    initiative = selectors.initiative_detail(request.workspace, initiative_id)
    form = forms.MoveForm(request.POST)
    refused = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            move = services.move_initiative(initiative, request.user, data["to_stage"], override=data["override"],
                                            reason=data["reason"])
        except ValidationError as exc:
            refused = {"to_stage": data["to_stage"], "label": gates.stage_label(data["to_stage"]),
                       "messages": exc.messages, "override": data["override"]}
        else:
            note = " (override)" if move.override else ""
            messages.success(request, f"Moved “{initiative.name}” to {move.get_to_stage_display()}{note}.")
    else:
        refused = {"to_stage": "", "label": "", "messages": ["Choose a stage."], "override": False}
    if request.headers.get(HTMX) and request.POST.get("from") == "board":
        # 200 even when refused: htmx swaps only successful answers, and the refusal is the content.
        return render(request, "initiatives/_board.html",
                      _board_context(request, {initiative.pk: refused} if refused else None))
    if refused:
        for message in refused["messages"]:
            messages.error(request, message)
    if request.POST.get("from") == "board":
        return redirect("initiative-board", ws=request.workspace.slug)
    return redirect(initiative.get_absolute_url() + ("#move" if refused else ""))


@login_required
def gate_settings(request: WorkspaceRequest):
    """The workspace's exit criteria as rows (stage, measure, threshold) with a preview of who would pass; the
    same criteria as JSON for those who want it (docs/evidence.md describes the format)."""
    if request.method == "POST" and not request.membership.can_admin:
        raise PermissionDenied("Only the workspace's owners change its stage gates.")
    if "criteria" in request.POST:
        return _gate_json(request)
    criteria = selectors.gate_criteria(request.workspace)
    # A formset is not one form, so this page is written out rather than core.crud.form_page.
    rows = forms.GateRowFormSet(request.POST, prefix="rows") if request.method == "POST" else _gate_rows(criteria)
    status, proposed = 200, criteria
    if request.method == "POST":
        proposed_json = _rows_to_criteria(rows)
        if proposed_json is None:
            status = 422
        elif "preview" in request.POST:
            proposed = gates.criteria_from_json(proposed_json)
        else:
            try:
                services.save_gate_criteria(request.workspace, request.user, proposed_json)
            except ValidationError as exc:
                rows.non_form_errors().extend(exc.messages)  # shown above the rows
                status = 422
            else:
                messages.success(request, "Saved the stage gates.")
                return redirect("gate-settings", ws=request.workspace.slug)
    return render(request, "initiatives/gates.html", {
        "rows": rows, "json_form": forms.GateCriteriaForm(initial={"criteria": gates.criteria_to_json(criteria)}),
        **_gate_context(request, criteria, proposed, previewing="preview" in request.POST and status == 200),
    }, status=status)


def _gate_rows(criteria: gates.GateCriteria) -> BaseFormSet:
    # Only unbound: posted rows carry every value, and an initial list would make the empty rows after them look
    # changed.
    return forms.GateRowFormSet(prefix="rows", initial=gate_rows.as_initial(gate_rows.rows_from_criteria(criteria)))


def _rows_to_criteria(rows: BaseFormSet) -> dict | None:
    """The criteria the posted rows make, or None with each problem next to its row."""
    if not rows.is_valid():
        return None
    kept = [form for form in rows.forms if form.cleaned_data.get("measure") and not form.cleaned_data.get("DELETE")]
    try:
        return gate_rows.criteria_from_rows([form.row() for form in kept])
    except gate_rows.RowError as exc:
        kept[exc.index].add_error(None, str(exc))
        return None


def _gate_context(request: WorkspaceRequest, current: gates.GateCriteria, proposed: gates.GateCriteria, *,
                  previewing: bool) -> dict:
    summary = [(stage, [r.title for r in current.get(stage.key, ())]) for stage in gates.STAGES[:-1]]
    return {"summary": summary, "customised": GateSettings.objects.filter(workspace=request.workspace).exists(),
            "previewing": previewing, "preview": selectors.gate_preview(request.workspace, current, proposed),
            "defaults": json.dumps(gates.criteria_to_json(gates.DEFAULT_CRITERIA), indent=1)}


def _gate_json(request: WorkspaceRequest):
    criteria = selectors.gate_criteria(request.workspace)
    form = forms.GateCriteriaForm(request.POST)
    return form_page(request, form,
                     lambda data: services.save_gate_criteria(request.workspace, request.user, data["criteria"]),
                     "initiatives/gates.html",
                     lambda: {"rows": _gate_rows(criteria), "json_form": form,
                              **_gate_context(request, criteria, criteria, previewing=False)},
                     message="Saved the stage gates.",
                     success_url=reverse("gate-settings", kwargs={"ws": request.workspace.slug}))


# --- pilots -----------------------------------------------------------------------------------------

def _pilot_form(request: WorkspaceRequest, pilot: Pilot | None = None):
    form = forms.PilotForm(request.POST or None, instance=pilot, workspace=request.workspace)
    form.fields["pilot_accounts"].queryset = scoped(Account, request.workspace).select_related("segment")
    return form


def _save_pilot(request: WorkspaceRequest, initiative: Initiative, pilot: Pilot | None = None):
    form = _pilot_form(request, pilot)

    def save(data: dict) -> Pilot:
        fields = {k: v for k, v in data.items() if k != "pilot_accounts"}
        return services.save_pilot(initiative, request.user, fields, pilot, pilot_accounts=list(data["pilot_accounts"]))

    return form_page(request, form, save, "initiatives/form.html",
                     {"object": pilot, "kind": "pilot", "initiative": initiative})


@login_required
def pilot_create(request: WorkspaceRequest, initiative_id: int):
    return _save_pilot(request, selectors.initiative_detail(request.workspace, initiative_id))


@login_required
def pilot_edit(request: WorkspaceRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    return _save_pilot(request, pilot.initiative, pilot)


@login_required
def pilot_delete(request: WorkspaceRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    return delete_page(request, pilot, services.delete_pilot, pilot.initiative.get_absolute_url(),
                       f"Deleted the pilot “{pilot.name}”.")


def _measurement_rows(pilot: Pilot) -> list[dict]:
    values: dict[tuple[int, str], list[float]] = {}
    for account_id, period, value in pilot.measurements.values_list("account_id", "period", "value"):
        values.setdefault((account_id, period), []).append(value)
    rows = []
    for group, accounts in (("pilot", pilot.pilot_accounts.all()), ("control", pilot.control_accounts.all())):
        for account in accounts:
            rows.append({"account": account, "group": group,
                         "cells": [_cell(account.pk, period, values.get((account.pk, period), []))
                                   for period in Period.values]})
    return rows


def _cell(account_id: int, period: str, values: list[float]) -> dict:
    """One input of the grid: a single value is shown to edit; several (e.g. weekly) are summarised."""
    note = f"{len(values)} values, mean {sum(values) / len(values):.3g}" if len(values) > 1 else ""
    return {"name": f"value-{account_id}-{period}", "value": f"{values[0]:g}" if len(values) == 1 else "",
            "note": note, "period": period}


def _feedback_counts(pilot: Pilot) -> list[dict] | None:
    """For a metric read from feedback: how many responses each group has in each window."""
    if pilot.metric_kind not in FEEDBACK_METRICS:
        return None
    counts = Counter((o["group"], o["period"]) for o in selectors.feedback_observations(pilot))
    return [{"group": group, "baseline": counts[(group, "baseline")], "pilot": counts[(group, "pilot")]}
            for group in ("pilot", "control")]


@login_required
def pilot_detail(request: WorkspaceRequest, pilot_id: int, decision_form=None, status: int = 200):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    result = pilot.result or None
    report = pilot_report(pilot)
    return render(request, "initiatives/pilot_detail.html", {
        "pilot": pilot, "rows": _measurement_rows(pilot), "result": result,
        "report": report, "verdict": report.verdict, "direction_note": report.direction_note,
        "alpha": f"{1 - result['confidence_level']:.2g}" if result else "",
        "feedback_counts": _feedback_counts(pilot),
        "cells": {(c["group"], c["period"]): c for c in (result or {}).get("cells", [])},
        "draw_form": forms.ControlDrawForm(initial={"seed": pilot.assignment_seed or pilot.pk}),
        "decision_form": decision_form or forms.DecisionForm(initial={
            "decision": pilot.decision or report.verdict.decision, "observation": pilot.observation,
            "learning": pilot.learning, "actions": pilot.actions}),
        "control_form": forms.ControlGroupForm(workspace=request.workspace, pilot=pilot, initial={
            "control_accounts": [a.pk for a in pilot.control_accounts.all()]}),
    }, status=status)


def _error(request: WorkspaceRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def pilot_control_group(request: WorkspaceRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    try:
        if request.POST.get("method") == "by_hand":
            ids = [int(v) for v in request.POST.getlist("control_accounts") if v.isdigit()]
            accounts = list(scoped(Account, request.workspace).filter(pk__in=ids))
            services.choose_control_group(pilot, request.user, accounts)
        else:
            form = forms.ControlDrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"seed": "Give a whole number as the seed."})
            services.draw_control_group(pilot, request.user, form.cleaned_data["seed"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"Control group set: {pilot.control_accounts.count()} accounts.")
    return redirect(pilot.get_absolute_url() + "#groups")


@login_required
@require_POST
def pilot_measurements(request: WorkspaceRequest, pilot_id: int):
    """The measurement grid: one value per account and window; an empty cell leaves what is there."""
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    rows = []
    for key, value in request.POST.items():
        if not key.startswith("value-") or not value.strip():
            continue
        _, account_id, period = key.split("-", 2)
        if account_id.isdigit() and period in Period.values:
            rows.append({"account": int(account_id), "period": period, "value": value.strip().replace(",", ".")})
    try:
        services.record_measurements(pilot, request.user, rows, replace=True)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"Saved {len(rows)} value{'s' if len(rows) != 1 else ''}.")
    return redirect(pilot.get_absolute_url() + "#measurements")


@login_required
@require_POST
def pilot_result(request: WorkspaceRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    try:
        services.compute_result(pilot)
    except ValidationError as exc:
        _error(request, exc)
    return redirect(pilot.get_absolute_url() + "#verdict")


@login_required
@require_POST
def pilot_decision(request: WorkspaceRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.workspace, pilot_id)
    form = forms.DecisionForm(request.POST)
    return form_page(request, form, lambda data: services.decide_pilot(pilot, request.user, **data),
                     success_url=pilot.get_absolute_url() + "#decision",
                     message=lambda saved: f"Decision recorded: {saved.get_decision_display().lower()}.",
                     page=lambda form, status: pilot_detail(request, pilot_id=pilot.pk, decision_form=form,
                                                            status=status))
