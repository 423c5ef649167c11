import csv
import math
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from outsidein.core import datafiles
from outsidein.core.charts import Bar, Point, bar_chart, line_chart
from outsidein.core.crud import add_validation_errors
from outsidein.core.pagination import CappedPaginator
from outsidein.core.scoping import get_scoped
from outsidein.voice import forms, imports, score_words, selectors, services, themes_services
from outsidein.voice.analysis.scores import MIN_SAMPLE, period_label
from outsidein.voice.analysis.sentiment import label as sentiment_label
from outsidein.voice.exports import export_feedback
from outsidein.voice.models import FeedbackItem, ImportBatch

Y_RANGES = {"nps": (-100, 100), "csat": (0, 100), "ces": (1, 7)}


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _filter_from(form) -> selectors.FeedbackFilter:
    data = form.cleaned_data if form.is_valid() else {}
    account, segment = data.get("account"), data.get("segment")
    return selectors.FeedbackFilter(
        query=data.get("q", "").strip(), source=data.get("source", ""), source_name=data.get("source_name", ""),
        account_id=account.pk if account else None, segment_id=segment.pk if segment else None,
        batch_id=data.get("batch"), nps_group=data.get("nps_group", ""), sentiment=data.get("sentiment", ""),
    )


def _metric_chart(view, period: str):
    points = []
    for p in view.series:
        e = p.estimate
        points.append(Point(
            period_label(p.start, period), _finite(e.value) if e.n else None,
            _finite(e.low) if e.n >= 2 else None, _finite(e.high) if e.n >= 2 else None,
            partial=p.partial, few=p.few, note=f"so far, n = {e.n:,}" if p.partial and e.n else "",
        ))
    return line_chart({view.label: points}, title=f"{view.label} by {period}, with the 95% margin of error",
                      y_range=Y_RANGES.get(view.metric))


def _thin_periods(view) -> list[str]:
    return [f"{p.period} (n = {p.estimate.n})" for p in view.series if p.few and not p.partial]


@login_required
def scores_page(request):
    ws = request.workspace
    names = selectors.source_names(ws)
    form = forms.ScoreFilterForm(request.GET or None, workspace=ws, source_names=names)
    base = _filter_from(form) if request.GET else selectors.FeedbackFilter()
    period = (form.cleaned_data.get("period") if form.is_bound and form.is_valid() else "") or "month"
    panels = []
    for view in selectors.metric_views(ws, base, period).values():
        if not view.overall.n:
            panels.append({"view": view, "empty": True})
            continue
        segments = [p for p in view.by_segment if p.estimate.n]
        panels.append({
            "view": view,
            "chart": _metric_chart(view, period) if view.series else None,
            "summary": score_words.score_summary(view),
            "thin": _thin_periods(view),
            "segments": segments,
            "segment_chart": bar_chart(
                [Bar(str(p.group), round(_finite(p.estimate.value) or 0.0, 1),
                     note=f"±{p.estimate.margin_of_error:.1f}" + (" few" if p.estimate.n < MIN_SAMPLE else ""),
                     highlight=p.estimate.n < MIN_SAMPLE) for p in segments],
                title=f"{view.label} by segment (red: fewer than {MIN_SAMPLE} responses)",
            ) if len(segments) > 1 and view.metric != "nps" else None,
        })
    compare_form = forms.CompareForm(request.GET if "cmp-metric" in request.GET else None, prefix="cmp")
    change = None
    if compare_form.is_bound and compare_form.is_valid():
        d = compare_form.cleaned_data
        change = selectors.compare(ws, d["metric"], base, (d["before_from"], d["before_to"]),
                                   (d["after_from"], d["after_to"]))
    return render(request, "voice/scores.html", {
        "form": form, "panels": panels, "compare_form": compare_form, "change": change, "min_sample": MIN_SAMPLE,
        "here": "scores",
    })


@login_required
def feedback_list(request):
    ws = request.workspace
    form = forms.FeedbackFilterForm(request.GET or None, workspace=ws, source_names=selectors.source_names(ws))
    chosen = _filter_from(form) if request.GET else selectors.FeedbackFilter()
    page = CappedPaginator(selectors.feedback_list(ws, chosen), 50).get_page(request.GET.get("page"))
    batch = get_scoped(ImportBatch, ws, pk=chosen.batch_id) if chosen.batch_id else None
    return render(request, "voice/feedback_list.html", {"form": form, "page": page, "batch": batch,
                                                        "here": "feedback"})


@login_required
def feedback_export(request):
    ws = request.workspace
    form = forms.FeedbackFilterForm(request.GET or None, workspace=ws, source_names=selectors.source_names(ws))
    items = selectors.filtered_feedback(ws, _filter_from(form) if request.GET else selectors.FeedbackFilter())

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    # export_feedback neutralises formula-like cells already.
    response = StreamingHttpResponse((writer.writerow(row) for row in export_feedback(ws, items)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ws.slug}-feedback.csv"'
    return response


@login_required
def feedback_detail(request, feedback_id: int):
    item = get_scoped(FeedbackItem.objects.select_related("account", "person", "batch"), request.workspace,
                      pk=feedback_id)
    return render(request, "voice/feedback_detail.html", {
        "item": item, "sentiment": sentiment_label(item.sentiment) if item.sentiment is not None else None,
        "drivers": sorted(item.driver_ratings.items()), "here": "feedback"})


@login_required
def import_list(request):
    ws = request.workspace
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.upload_feedback_file(ws, request.user, form.cleaned_data["file"],
                                                  source_name=form.cleaned_data["source_name"],
                                                  source=form.cleaned_data["source"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect(batch.get_absolute_url())
    batches = selectors.import_batches(ws)[:50]
    return render(request, "voice/import_list.html", {
        "form": form, "batches": batches, "known_sources": selectors.source_names(ws), "here": "imports",
    }, status=422 if form.errors else 200)


def _batch(request, batch_id: int) -> ImportBatch:
    return get_scoped(ImportBatch.objects.select_related("workspace", "created_by"), request.workspace, pk=batch_id)


def _mapping_context(batch: ImportBatch, form=None) -> dict:
    feedback_file = imports.FeedbackFile.of_batch(batch)
    columns, head = feedback_file.preview()
    encoding = feedback_file.encoding
    if encoding is not None and encoding.name != batch.encoding:
        batch.encoding = encoding.name
        ImportBatch.objects.filter(pk=batch.pk).update(encoding=batch.encoding)
    if form is None:
        initial = services.saved_mapping(batch.workspace, batch.source_name) or imports.guess_mapping(columns)
        form = forms.MappingForm(columns=columns, initial_mapping=initial)
    remembered = services.saved_mapping(batch.workspace, batch.source_name) is not None
    rows = [r.cells if not r.error else [r.error] for r in head]
    return {"batch": batch, "form": form, "columns": columns, "preview": rows, "remembered": remembered,
            "read_as": encoding.label if encoding else "",
            "field_rows": list(zip(columns, [form[f"col_{i}"] for i in range(len(columns))], strict=True))}


def _file_error(request, batch: ImportBatch, exc: imports.FileRejected):
    return render(request, "voice/import_detail.html", {"batch": batch, "file_error": str(exc), "here": "imports"},
                  status=422)


@login_required
def import_detail(request, batch_id: int):
    batch = _batch(request, batch_id)
    if not batch.mapping and batch.started_at is None:
        try:
            context = _mapping_context(batch)
        except imports.FileRejected as exc:
            return _file_error(request, batch, exc)
        return render(request, "voice/import_map.html", {**context, "here": "imports"})
    return render(request, "voice/import_detail.html", {"batch": batch, **_result_context(batch),
                                                        "read_as": datafiles.encoding_label(batch.encoding),
                                                        "here": "imports"})


def _result_context(batch: ImportBatch, limit: int = 20) -> dict:
    rejected = []
    if not batch.is_running and batch.rejected_report:
        path = imports.media_path(batch.rejected_report)
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                rejected = [(row["line"], row["reason"]) for row in islice(csv.DictReader(handle), limit)]
    placing = themes_services.placing_imported_items(batch)
    placed = themes_services.batch_themes(batch) if batch.rows_created and not (batch.is_running or placing) else None
    return {"rejected": rejected, "placed": placed, "placing": placing}


@login_required
@require_POST
def import_map(request, batch_id: int):
    batch = _batch(request, batch_id)
    if batch.mapping or batch.started_at:
        messages.info(request, "This import has started already.")
        return redirect(batch.get_absolute_url())
    try:
        columns, _ = imports.FeedbackFile.of_batch(batch).preview(limit=0)
    except imports.FileRejected as exc:
        return _file_error(request, batch, exc)
    form = forms.MappingForm(request.POST, columns=columns, initial_mapping={})
    if form.is_valid():
        try:
            services.confirm_mapping(batch, form.mapping(), columns)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            services.start_import(batch)
            return redirect(batch.get_absolute_url())
    return render(request, "voice/import_map.html", {**_mapping_context(batch, form), "here": "imports"},
                  status=422)


@login_required
def import_progress(request, batch_id: int):
    """The progress panel alone, polled by htmx every second while the import runs."""
    batch = _batch(request, batch_id)
    return render(request, "voice/_batch_progress.html", {"batch": batch, **_result_context(batch)})


@login_required
def import_rejected(request, batch_id: int):
    batch = _batch(request, batch_id)
    if not batch.rejected_report:
        raise Http404("This import rejected no rows.")
    path = imports.media_path(batch.rejected_report)
    if not path.exists():
        raise Http404("The rejected rows report is no longer there.")
    # The report was written with safe_cell on every cell, so a spreadsheet opening it runs no formula.
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"rejected-rows-batch-{batch.pk}.csv",
                        content_type="text/csv; charset=utf-8")
