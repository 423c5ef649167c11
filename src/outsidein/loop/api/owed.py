"""API for owed replies (the customers waiting to hear back, per owner) and the loop figures of a period."""

from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Schema
from pydantic import model_validator

from outsidein.api.inputs import MAX_INT, InputSchema
from outsidein.api.routing import Router
from outsidein.loop import figures
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User, Workspace

router = Router(tags=["owed replies and loop figures"])
MAX_OWED_DAYS = 3650
# Days far enough from the calendar's ends that a midnight in any zone is still a date in UTC.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9000, 12, 31)


class OwedQuery(InputSchema):
    owner_id: int | None = Field(None, ge=1, le=MAX_INT, description="Only this member's suggestions.")
    days: int | None = Field(None, ge=0, le=MAX_OWED_DAYS,
                             description="Raised more than this many days ago (default: the server's setting).")
    limit: int = Field(figures.OWED_ROWS_PER_LEADER, ge=1, le=200, description="Rows per owner, oldest first.")


class OwedReplyOut(Schema):
    raiser_id: int
    person_id: int
    person: str
    account: str
    words: str
    said_at: datetime
    days_waiting: int
    suggestion_id: int
    suggestion: str
    suggestion_status: str


class OwnerOwedOut(Schema):
    owner_id: int | None
    name: str
    count: int = Field(description="Every customer waiting on this owner; `replies` holds the oldest of them.")
    replies: list[OwedReplyOut]


class OwedOut(Schema):
    days: int
    total: int
    owners: list[OwnerOwedOut]


class FiguresQuery(InputSchema):
    since: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY,
                               description="First day, in the workspace's zone (default: 90 days ago).")
    until: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY,
                               description="Last day (inclusive), in the workspace's zone (default: today).")

    @model_validator(mode="after")
    def _in_order(self) -> "FiguresQuery":
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must be on or before until")
        return self


class LoopFiguresOut(Schema):
    user_id: int | None
    name: str
    suggestions_closed: int
    customers_told: int = Field(description="Raisers first told in the period: what the median is taken over.")
    median_days_to_told: float | None
    thanks_sent: int
    customers_heard_back: int


class FiguresOut(Schema):
    since: datetime
    until: datetime
    leaders: list[LoopFiguresOut]
    team: LoopFiguresOut


def _member(workspace: Workspace, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, memberships__workspace=workspace).first()
    if user is None:
        raise Http404("No such member in this workspace.")
    return user


def _reply_out(reply: figures.OwedReply) -> dict[str, object]:
    raiser = reply.raiser
    return {"raiser_id": raiser.pk, "person_id": raiser.person_id, "person": str(raiser.person),
            "account": reply.account_name, "words": raiser.words, "said_at": raiser.said_at,
            "days_waiting": reply.days_waiting, "suggestion_id": raiser.suggestion_id,
            "suggestion": raiser.suggestion.title, "suggestion_status": raiser.suggestion.status}


def _figures_out(f: figures.LoopFigures) -> dict[str, object]:
    return {"user_id": f.user_id, "name": f.name, "suggestions_closed": f.closed, "customers_told": f.told,
            "median_days_to_told": f.median_days, "thanks_sent": f.thanks, "customers_heard_back": f.heard_back}


@router.get("/loop/owed", response={200: OwedOut, 404: dict},
            summary="Customers waiting to hear back, per suggestion owner, oldest first")
def list_owed(request: WorkspaceRequest, query: Query[OwedQuery]) -> dict[str, object]:
    owner = _member(request.workspace, query.owner_id) if query.owner_id is not None else None
    owed = figures.owed_replies(request.workspace, owner=owner, days=query.days, limit=query.limit)
    return {"days": owed.days, "total": owed.total,
            "owners": [{"owner_id": o.owner_id, "name": o.name, "count": o.count,
                        "replies": [_reply_out(r) for r in o.rows]} for o in owed.leaders]}


@router.get("/loop/figures", response=FiguresOut,
            summary="Loop figures per leader and for the team: closed, median days to told, thank-yous, heard back")
def read_figures(request: WorkspaceRequest, query: Query[FiguresQuery]) -> dict[str, object]:
    zone = request.workspace.tz
    now = timezone.now()
    until = (datetime.combine(query.until + timedelta(days=1), time(), zone) if query.until else now)
    since = (datetime.combine(query.since, time(), zone) if query.since
             else until - timedelta(days=figures.FIGURES_DAYS))
    loop = figures.loop_figures(request.workspace, since=since, until=until, now=now)
    return {"since": loop.since, "until": loop.until, "leaders": [_figures_out(f) for f in loop.leaders],
            "team": _figures_out(loop.team)}
