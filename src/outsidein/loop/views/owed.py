"""The owed replies page: who is waiting to hear back, yours first, and the loop figures of a period."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from outsidein.loop import figures
from outsidein.workspaces.http import WorkspaceRequest

PERIODS = {30: "Last 30 days", 90: "Last 90 days", 180: "Last 6 months", 365: "Last 12 months"}


def chosen_period(value: str | None) -> int:
    try:
        days = int(value or figures.FIGURES_DAYS)
    except ValueError:
        return figures.FIGURES_DAYS
    return days if days in PERIODS else figures.FIGURES_DAYS


@login_required
def owed_replies(request: WorkspaceRequest) -> HttpResponse:
    now = timezone.now()
    period = chosen_period(request.GET.get("period"))
    owed = figures.owed_replies(request.workspace, now=now)
    loop = figures.loop_figures(request.workspace, since=now - timedelta(days=period), until=now)
    return render(request, "loop/owed.html", {
        "owed": owed, "groups": owed.mine_first(request.user.pk), "loop": loop, "mine": loop.of(request.user.pk),
        "period": period, "periods": PERIODS.items(),
    })
