from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from outsidein.core import datafiles
from outsidein.core.crud import form_page
from outsidein.core.exports import csv_download
from outsidein.core.imports import first_rejected
from outsidein.core.pagination import CappedPaginator
from outsidein.core.replica import replica_reads
from outsidein.core.scoping import get_scoped
from outsidein.feedback import after_import, forms, imports, selectors, services
from outsidein.feedback.exports import export_feedback
from outsidein.feedback.models import FeedbackItem, ImportBatch
from outsidein.feedback.sentiment import label as sentiment_label
from outsidein.workspaces import audit
from outsidein.workspaces.http import WorkspaceRequest


@login_required
@replica_reads
def feedback_list(request: WorkspaceRequest) -> HttpResponse:
    ws = request.workspace
    form = forms.FeedbackFilterForm(request.GET or None, workspace=ws, source_names=selectors.source_names(ws))
    chosen = forms.chosen_filter(form)
    page = CappedPaginator(selectors.feedback_list(ws, chosen), 50).get_page(request.GET.get("page"))
    batch = get_scoped(ImportBatch, ws, pk=chosen.batch_id) if chosen.batch_id else None
    return render(request, "feedback/feedback_list.html", {"form": form, "page": page, "batch": batch,
                                                        "here": "feedback"})


@login_required
def feedback_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    ws = request.workspace
    form = forms.FeedbackFilterForm(request.GET or None, workspace=ws, source_names=selectors.source_names(ws))
    items = selectors.filtered_feedback(ws, forms.chosen_filter(form))

    # export_feedback neutralises formula-like cells already; csv_download makes sure.
    response = csv_download(export_feedback(ws, items), f"{ws.slug}-feedback.csv")
    audit.record_export(ws, "feedback (CSV)", request)
    return response


@login_required
def feedback_detail(request: WorkspaceRequest, feedback_id: int) -> HttpResponse:
    item = get_scoped(FeedbackItem.objects.select_related("account", "person", "batch"), request.workspace,
                      pk=feedback_id)
    return render(request, "feedback/feedback_detail.html", {
        "item": item, "sentiment": sentiment_label(item.sentiment) if item.sentiment is not None else None,
        "drivers": sorted(item.driver_ratings.items()), "here": "feedback"})


@login_required
def import_list(request: WorkspaceRequest) -> HttpResponse:
    ws = request.workspace
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    return form_page(request, form, lambda data: services.upload_feedback_file(
        ws, request.user, data["file"], source_name=data["source_name"], source=data["source"],
    ), "feedback/import_list.html", lambda: {
        "batches": selectors.import_batches(ws)[:50], "known_sources": selectors.source_names(ws), "here": "imports",
    })


def _batch(request: WorkspaceRequest, batch_id: int) -> ImportBatch:
    return get_scoped(ImportBatch.objects.select_related("workspace", "created_by"), request.workspace, pk=batch_id)


def _mapping_context(batch: ImportBatch, form: forms.MappingForm | None = None) -> dict[str, Any]:
    feedback_file = imports.FeedbackFile.of_batch(batch)
    columns, head = feedback_file.preview()
    encoding = feedback_file.encoding  # kept on the batch when its mapping is confirmed, not on this read
    if form is None:
        initial = services.saved_mapping(batch.workspace, batch.source_name) or imports.guess_mapping(columns)
        form = forms.MappingForm(columns=columns, initial_mapping=initial)
    remembered = services.saved_mapping(batch.workspace, batch.source_name) is not None
    rows = [r.cells if not r.error else [r.error] for r in head]
    return {"batch": batch, "form": form, "columns": columns, "preview": rows, "remembered": remembered,
            "read_as": encoding.label if encoding else "",
            "field_rows": list(zip(columns, [form[f"col_{i}"] for i in range(len(columns))], strict=True))}


def _file_error(request: HttpRequest, batch: ImportBatch, exc: imports.FileRejected) -> HttpResponse:
    return render(request, "feedback/import_detail.html", {"batch": batch, "file_error": str(exc), "here": "imports"},
                  status=422)


@login_required
def import_detail(request: WorkspaceRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if not batch.mapping and batch.started_at is None:
        try:
            context = _mapping_context(batch)
        except imports.FileRejected as exc:
            return _file_error(request, batch, exc)
        return render(request, "feedback/import_map.html", {**context, "here": "imports"})
    return render(request, "feedback/import_detail.html", {"batch": batch, **_result_context(batch),
                                                        "read_as": datafiles.encoding_label(batch.encoding),
                                                        "here": "imports"})


def _result_context(batch: ImportBatch, limit: int = 20) -> dict[str, Any]:
    rejected = [] if batch.is_running else first_rejected(batch.rejected_report, limit)
    return {"rejected": rejected, "after_import": after_import.outcomes(batch),
            "after_import_running": after_import.running(batch)}


@login_required
@require_POST
def import_map(request: WorkspaceRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if batch.mapping or batch.started_at:
        messages.info(request, "This import has started already.")
        return redirect(batch.get_absolute_url())
    feedback_file = imports.FeedbackFile.of_batch(batch)
    try:
        columns, _ = feedback_file.preview(limit=0)
    except imports.FileRejected as exc:
        return _file_error(request, batch, exc)
    encoding = feedback_file.encoding.name if feedback_file.encoding else None

    def confirm_and_start(data: dict[str, Any]) -> ImportBatch:
        services.confirm_mapping(batch, form.mapping(), columns, encoding=encoding)
        services.start_import(batch)
        return batch

    form = forms.MappingForm(request.POST, columns=columns, initial_mapping={})
    return form_page(request, form, confirm_and_start, "feedback/import_map.html",
                     lambda: {**_mapping_context(batch, form), "here": "imports"})


@login_required
def import_progress(request: WorkspaceRequest, batch_id: int) -> HttpResponse:
    """The progress panel alone, polled by htmx every second while the import runs."""
    batch = _batch(request, batch_id)
    return render(request, "feedback/_batch_progress.html", {"batch": batch, **_result_context(batch)})


@login_required
def import_rejected(request: WorkspaceRequest, batch_id: int) -> FileResponse:
    batch = _batch(request, batch_id)
    if not batch.rejected_report:
        raise Http404("This import rejected no rows.")
    path = imports.media_path(batch.rejected_report)
    if not path.exists():
        raise Http404("The rejected rows report is no longer there.")
    # The report was written with safe_cell on every cell, so a spreadsheet opening it runs no formula.
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"rejected-rows-batch-{batch.pk}.csv",
                        content_type="text/csv; charset=utf-8")
