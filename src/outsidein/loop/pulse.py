"""The loop's section of the pulse page and the weekly digest (engagement/sections.py): the customers the member
is keeping waiting, oldest first, and the member's loop figures beside the team's over the last 90 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from outsidein.engagement.sections import PulseSection, SectionContext, register
from outsidein.loop import figures
from outsidein.workspaces.models import User, Workspace

SHOWN_OWED = 5  # the oldest few; the owed replies page lists the rest


def read(workspace: Workspace, user: User, now: datetime) -> SectionContext | None:
    if not figures.keeps_threads(workspace):
        return None
    owed = figures.owed_replies(workspace, owner=user, now=now, limit=SHOWN_OWED)
    mine = owed.of(user.pk)
    loop = figures.loop_figures(workspace, since=now - timedelta(days=figures.FIGURES_DAYS), until=now)
    return {
        "owed": mine, "owed_count": mine.count if mine else 0, "days": owed.days,
        "mine": loop.of(user.pk), "team": loop.team, "period_days": figures.FIGURES_DAYS,
        "owed_url": reverse("owed-replies", kwargs={"ws": workspace.slug}),
    }


def digest_figures(context: SectionContext) -> dict[str, object]:
    mine: figures.LoopFigures = context["mine"]
    return {"owed_replies": context["owed_count"], "suggestions_closed_90": mine.closed,
            "median_days_to_told_90": mine.median_days, "thanks_sent_90": mine.thanks,
            "customers_heard_back_90": mine.heard_back}


SECTION = PulseSection(
    name="loop", read=read, page_template="loop/_pulse_section.html",
    email_template="loop/email/_digest_section.html", text_template="loop/email/_digest_section.txt",
    figures=digest_figures,
)


def register_section() -> None:
    register(SECTION)
