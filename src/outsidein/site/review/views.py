"""The leadership review's page: pick a period, download its PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from outsidein.site.review.contents import review_for
from outsidein.site.review.forms import ReviewPeriodForm
from outsidein.site.review.pdf import RendererMissing, review_pdf
from outsidein.site.review.periods import quarter_of, recent_quarters
from outsidein.workspaces import audit
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import AuditAction


@login_required
def review_page(request: WorkspaceRequest) -> HttpResponse:
    """Without a period, the choice of quarters; with one (``?period=2026-Q4``), the PDF as a download."""
    today = timezone.now().astimezone(request.workspace.tz).date()
    form = ReviewPeriodForm(request.GET if "period" in request.GET else None,
                            initial={"period": quarter_of(today).key})
    problem = ""
    if form.is_bound and form.is_valid():
        review = review_for(request.workspace, form.chosen())
        try:
            document = review_pdf(review)
        except RendererMissing as error:
            problem = str(error)
        else:
            response = HttpResponse(document, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{review.file_name}"'
            audit.record(request.workspace, AuditAction.EXPORTED, f"leadership review, {review.period.name} (PDF)")
            return response
    return render(request, "site/review_page.html", {
        "form": form, "quarters": recent_quarters(today), "problem": problem,
    }, status=400 if form.is_bound and not form.is_valid() else 503 if problem else 200)
