"""The home pages: they gather what several areas show, so they live above the areas."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from outsidein.conversations.models import Kind
from outsidein.conversations.selectors import conversation_list, highlight_list, still_planned, took_place
from outsidein.workspaces.http import AuthenticatedRequest, WorkspaceRequest


@login_required
def home(request: AuthenticatedRequest) -> HttpResponseBase:
    """Send people to the workspace they used last (or their first)."""
    memberships = request.user.memberships.select_related("workspace")
    last = request.session.get("last_workspace")
    chosen = memberships.filter(workspace__slug=last).first() or memberships.first()
    if chosen is None:
        return redirect("workspace-list")
    return redirect("workspace-home", ws=chosen.workspace.slug)


@login_required
def workspace_home(request: WorkspaceRequest) -> HttpResponse:
    ws = request.workspace
    mine = conversation_list(ws, member_id=request.user.pk)
    now = timezone.now()
    since = now - timedelta(days=30)
    # Read only: a planned conversation whose time has passed shows as logged before the hourly rollover.
    # distinct: a count of conversations, whatever joins the shared list query adds for its filters.
    month_counts = (conversation_list(ws).filter(took_place(now), occurred_at__gte=since)
                    .values("kind").annotate(n=Count("id", distinct=True)).order_by("-n", "kind"))
    return render(request, "site/home.html", {
        "my_recent": mine.filter(took_place(now)).order_by("-occurred_at", "-id")[:5],
        # Soonest first, the order of the planned-only (workspace, occurred_at, id) index: the database reads the
        # next few plans instead of walking the whole history for the few planned ones.
        "my_planned": mine.filter(still_planned(now)).order_by("occurred_at", "id")[:5],
        "recent_highlights": highlight_list(ws)[:8],
        "month_counts": [{"label": Kind(row["kind"]).label, "n": row["n"]} for row in month_counts],
    })
