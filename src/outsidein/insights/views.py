"""Pages for what the feedback says: themes, key driver analyses and monetizable pain."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from outsidein.core import jobs
from outsidein.core.crud import form_page
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped, scoped
from outsidein.feedback import selectors as feedback_selectors
from outsidein.feedback.forms import chosen_filter
from outsidein.feedback.sentiment import label as sentiment_label
from outsidein.insights import charts, forms, pain, score_words, selectors
from outsidein.insights import drivers as drivers_services
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis.scores import MIN_SAMPLE, Period
from outsidein.insights.models import DriverAnalysis, Theme
from outsidein.insights.selectors import MetricView
from outsidein.workspaces.http import WorkspaceRequest

PAIN_ROWS = 50

# -- themes --------------------------------------------------------------------------------------------------


def _sentiment_label(value: float | None) -> str:
    return "" if value is None else sentiment_label(value)


def trend_text(trend: float | None) -> str:
    """A change in share as percentage points, e.g. "+3.2 pts"; a dash when there is too little history."""
    if trend is None:
        return "—"
    points = round(100 * trend, 1)
    if points == 0:
        return "steady"
    return f"{'+' if points > 0 else '−'}{abs(points):.1f}\u00a0pts"


class ThemeRow(TypedDict):
    """One theme as the themes page lists it."""

    theme: Theme
    share: int  # of all themed items, in percent
    sentiment: float | None
    sentiment_label: str
    trend_text: str
    reach: pain.RevenueReach | None


def theme_rows(themes: list[Theme], reach: dict[int, pain.RevenueReach] | None = None) -> list[ThemeRow]:
    total = sum(t.size for t in themes)
    reach = reach or {}
    return [ThemeRow(theme=t, share=round(100 * t.size / total) if total else 0, sentiment=t.avg_sentiment,
                     sentiment_label=_sentiment_label(t.avg_sentiment), trend_text=trend_text(t.trend),
                     reach=reach.get(t.pk))
            for t in themes]


@dataclass
class ItemGroup:
    """Items of a theme with the same wording (a form reply, a repeated complaint), shown once."""

    first: themes_services.ThemeItem
    count: int = 1
    accounts: set[int] = field(default_factory=set)  # the ids of the accounts behind them


def grouped_items(items: list[themes_services.ThemeItem]) -> list[ItemGroup]:
    groups: dict[str, ItemGroup] = {}
    for item in items:
        key = " ".join(item.text.lower().split())
        group = groups.get(key)
        if group is None:
            group = groups[key] = ItemGroup(item)
        else:
            group.count += 1
        if item.account is not None:
            group.accounts.add(item.account.pk)
    return list(groups.values())


def _theme(request: WorkspaceRequest, theme_id: int) -> Theme:
    return get_scoped(Theme, request.workspace, pk=theme_id)


@login_required
@replica_reads
def theme_list(request: WorkspaceRequest) -> HttpResponse:
    status = themes_services.analysis_status(request.workspace)
    if request.headers.get("HX-Request"):
        # The progress line polls this page; once the analysis is over, reload to show the new themes.
        if status.running:
            return render(request, "insights/_theme_status.html", {"status": status})
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    themes = list(themes_services.live_themes(request.workspace))
    return render(request, "insights/theme_list.html", {
        "themes": themes, "rows": theme_rows(themes, pain.revenue_reach(request.workspace, themes)),
        "status": status, "form": forms.ThemeRunForm(),
        "unthemed": themes_services.unthemed_count(request.workspace, status.state) if themes else 0,
        "total": sum(t.size for t in themes),
    })


@login_required
@require_POST
def theme_run(request: WorkspaceRequest) -> HttpResponse:
    form = forms.ThemeRunForm(request.POST)

    def page() -> dict[str, object]:
        themes = list(themes_services.live_themes(request.workspace))
        return {"themes": themes, "rows": theme_rows(themes, pain.revenue_reach(request.workspace, themes)),
                "status": themes_services.analysis_status(request.workspace), "unthemed": 0,
                "total": sum(t.size for t in themes)}

    return form_page(request, form, lambda data: themes_services.start_theme_analysis(
        request.workspace, request.user, k=data["k"], method=data["method"],
    ), "insights/theme_list.html", page, success_url=reverse("theme-list", kwargs={"ws": request.workspace.slug}),
        message="Theme analysis started. The new themes appear here when it is done.")


@login_required
@require_POST
def theme_assign(request: WorkspaceRequest) -> HttpResponse:
    result = themes_services.assign_new_items(request.workspace)
    if result.assigned or result.unassigned:
        text = f"{result.assigned} new item{'s' if result.assigned != 1 else ''} joined existing themes."
        if result.unassigned:
            text += (f" {result.unassigned} fit no theme closely enough: run the analysis again to find the new "
                     "themes among them.")
        messages.success(request, text)
    else:
        messages.info(request, "No new items to place.")
    return redirect("theme-list", ws=request.workspace.slug)


@login_required
def theme_detail(request: WorkspaceRequest, theme_id: int) -> HttpResponse:
    theme = _theme(request, theme_id)
    if theme.merged_into_id:
        messages.info(request, f"“{theme.name}” was merged into this theme.")
        return redirect("theme-detail", ws=request.workspace.slug, theme_id=theme.merged_into_id)
    return render(request, "insights/theme_detail.html", {
        "theme": theme, "sentiment": theme.avg_sentiment, "sentiment_label": _sentiment_label(theme.avg_sentiment),
        "trend_text": trend_text(theme.trend),
        "reach": pain.revenue_reach(request.workspace, [theme])[theme.pk],
        "quotes": themes_services.representative_quotes(theme),
        "items": grouped_items(themes_services.theme_items(theme)),
        "rename_form": forms.RenameForm(initial={"name": theme.name}),
        "merge_form": forms.MergeForm(theme=theme),
        "split_form": forms.SplitForm(),
    })


def _theme_edit[S](request: WorkspaceRequest, theme: Theme, form: django_forms.Form,
                   save: Callable[[dict[str, Any]], S], action: str, title: str, message: Callable[[S], str],
                   success_url: str | None = None) -> HttpResponse:
    """The rename, merge and split pages: one form about one theme, back to the theme when done."""
    detail = reverse("theme-detail", kwargs={"ws": request.workspace.slug, "theme_id": theme.pk})
    return form_page(request, form, save, "insights/theme_form.html",
                     {"theme": theme, "action": action, "title": title},
                     success_url=success_url or detail, message=message)


@login_required
def theme_rename(request: WorkspaceRequest, theme_id: int) -> HttpResponse:
    theme = _theme(request, theme_id)
    form = forms.RenameForm(request.POST or None, initial={"name": theme.name})
    return _theme_edit(request, theme, form, lambda data: themes_services.rename_theme(theme, data["name"]),
                       "theme-rename", f"Rename “{theme.name}”", lambda _: f"Renamed to “{theme.name}”.")


@login_required
def theme_merge(request: WorkspaceRequest, theme_id: int) -> HttpResponse:
    theme = _theme(request, theme_id)
    form = forms.MergeForm(request.POST or None, theme=theme)
    return _theme_edit(
        request, theme, form, lambda data: themes_services.merge_themes(theme, data["other"], name=data["name"]),
        "theme-merge", f"Merge another theme into “{theme.name}”",
        lambda _: f"Merged “{form.cleaned_data['other'].name}” into “{theme.name}”.")


@login_required
def theme_split(request: WorkspaceRequest, theme_id: int) -> HttpResponse:
    theme = _theme(request, theme_id)
    form = forms.SplitForm(request.POST or None)
    return _theme_edit(request, theme, form, lambda data: themes_services.split_theme(theme, data["parts"]),
                       "theme-split", f"Split “{theme.name}”",
                       lambda parts: "Split into " + ", ".join(f"“{p.name}”" for p in parts) + ".",
                       success_url=reverse("theme-list", kwargs={"ws": request.workspace.slug}))


# -- key drivers ---------------------------------------------------------------------------------------------


@login_required
def driver_analysis_list(request: WorkspaceRequest) -> HttpResponse:
    options = drivers_services.driver_options(request.workspace)
    form = forms.DriverAnalysisForm(request.POST or None, options=options)
    return form_page(request, form, lambda data: drivers_services.create_driver_analysis(
        request.workspace, request.user, outcome=data["outcome"], drivers=data["drivers"],
    ), "insights/driver_list.html", lambda: {
        "options": options,
        "analyses": scoped(DriverAnalysis, request.workspace).select_related("created_by")[:20],
    }, success_url=lambda analysis: reverse("driver-analysis-detail", kwargs={
        "ws": request.workspace.slug, "analysis_id": analysis.pk}))


@login_required
def driver_analysis_detail(request: WorkspaceRequest, analysis_id: int) -> HttpResponse:
    # A run whose worker stopped shows as failed at once; the watch takes it over.
    analysis = jobs.as_shown(get_scoped(DriverAnalysis, request.workspace, pk=analysis_id))
    if request.headers.get("HX-Request"):
        if analysis.is_running:
            return render(request, "insights/_driver_status.html", {"analysis": analysis})
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    result = analysis.result or {}
    return render(request, "insights/driver_detail.html", {
        "analysis": analysis, "result": result,
        "details": result.get("details") or [],
        "chart": charts.importance_chart(analysis),
        "act_first": drivers_services.act_first_detail(analysis),
        "outcome_label": drivers_services.OUTCOMES.get(analysis.outcome, analysis.outcome),
    })


# -- monetizable pain ----------------------------------------------------------------------------------------


@login_required
def pain_list(request: WorkspaceRequest) -> HttpResponse:
    asked = request.GET.get("offset", "")
    offset = int(asked) if asked.isdigit() else 0
    ranking = pain.rank_pain(request.workspace, limit=PAIN_ROWS, offset=offset)
    return render(request, "insights/pain_list.html", {
        "ranking": ranking, "points": ranking.points, "initiatives": pain.initiatives_available(),
        "next_offset": offset + PAIN_ROWS, "previous_offset": max(0, offset - PAIN_ROWS),
    })


@login_required
@require_POST
def pain_initiative(request: WorkspaceRequest) -> HttpResponse:
    kind, pk = request.POST.get("kind", ""), request.POST.get("id", "")
    if not pain.initiatives_available() or not pk.isdigit():
        return redirect("pain-list", ws=request.workspace.slug)
    try:
        initiative = pain.start_initiative(request.workspace, request.user, kind, int(pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pain-list", ws=request.workspace.slug)
    messages.success(request, f"Initiative “{initiative.name}” started at its first stage: nail the pain.")
    try:
        return redirect(initiative.get_absolute_url())
    except NoReverseMatch:  # the initiative pages are not installed
        return redirect("pain-list", ws=request.workspace.slug)


# -- scores --------------------------------------------------------------------------------------------------


def _thin_periods(view: MetricView) -> list[str]:
    return [f"{p.period} (n = {p.estimate.n})" for p in view.series if p.few and not p.partial]


@login_required
@replica_reads
def scores_page(request: WorkspaceRequest) -> HttpResponse:
    ws = request.workspace
    names = feedback_selectors.source_names(ws)
    form = forms.ScoreFilterForm(request.GET or None, workspace=ws, source_names=names)
    base = chosen_filter(form)
    # One of the form's choices, each a period.
    period = cast(Period, (form.cleaned_data.get("period") if form.is_bound and form.is_valid() else "") or "month")
    panels: list[dict[str, object]] = []
    for view in selectors.metric_views(ws, base, period).values():
        if not view.overall.n:
            panels.append({"view": view, "empty": True})
            continue
        segments = [p for p in view.by_segment if p.estimate.n]
        panels.append({
            "view": view,
            "chart": charts.metric_chart(view, period) if view.series else None,
            "summary": score_words.score_summary(view),
            "thin": _thin_periods(view),
            "segments": segments,
            "segment_chart": charts.segment_chart(view, segments),
        })
    compare_form = forms.CompareForm(request.GET if "cmp-metric" in request.GET else None, prefix="cmp")
    change = None
    if compare_form.is_bound and compare_form.is_valid():
        d = compare_form.cleaned_data
        change = selectors.compare(ws, d["metric"], base, (d["before_from"], d["before_to"]),
                                   (d["after_from"], d["after_to"]))
    return render(request, "insights/scores.html", {
        "form": form, "panels": panels, "compare_form": compare_form, "change": change, "min_sample": MIN_SAMPLE,
        "here": "scores",
    })
