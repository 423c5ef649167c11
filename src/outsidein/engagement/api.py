from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Schema

from outsidein.api.common import resolve_refs
from outsidein.api.model_schemas import ModelInput, ModelOutput
from outsidein.api.routing import Router
from outsidein.core.scoping import get_scoped
from outsidein.engagement import selectors, services
from outsidein.engagement.models import Challenge, ChallengeParticipant, ParticipantStatus
from outsidein.engagement.pulse import Pulse, compare_with_team
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User

router = Router(tags=["challenges and pulse"])


class ParticipantOut(ModelOutput, model=ChallengeParticipant, fields=["id", "user_id", "name", "status"]):
    name: str  # the member's display name


CHALLENGE_FIELDS = ["name", "description", "starts_on", "ends_on", "weekly_target"]


class ChallengeOut(ModelOutput, model=Challenge, fields=["id", *CHALLENGE_FIELDS, "created_by_id", "participants"]):
    participants: list[ParticipantOut]


# At least one conversation a week (the model's clean says so too), at most a hundred: a rule of the API.
class ChallengeIn(ModelInput, model=Challenge, fields=[*CHALLENGE_FIELDS, "invitee_ids"],
                  bounds={"weekly_target": {"ge": 1, "le": 100}}):
    invitee_ids: list[int] = Field(default_factory=list, description="User ids of leaders to invite.")


class LeaderboardRowOut(Schema):
    rank: int
    user_id: int
    name: str
    time_zone: str
    this_week: int
    target_met: bool
    streak: int
    total: int
    weeks_at_target: int
    weeks_elapsed: int
    weekly: list[int]


class LeaderboardOut(Schema):
    challenge_id: int
    weekly_target: int
    weeks: int
    rows: list[LeaderboardRowOut]
    pending: list[str]


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    team_median: float | None
    better_than_median: bool | None


class PulseOut(Schema):
    user_id: int
    name: str
    last_contact_at: datetime | None
    days_since_last: int | None
    last_7: int
    last_30: int
    last_90: int
    first_hand_share: float | None
    segments_met: int
    buyers_met: bool
    end_users_met: bool
    internal_met: bool
    settings_met: list[str]
    competitor_mentions: int
    insulated: bool
    figures: list[FigureOut]


def _challenge_out(challenge: Challenge) -> dict:
    entries = selectors.participants(challenge)
    return {
        "id": challenge.pk, "name": challenge.name, "description": challenge.description,
        "starts_on": challenge.starts_on, "ends_on": challenge.ends_on, "weekly_target": challenge.weekly_target,
        "created_by_id": challenge.created_by_id,
        "participants": [{"id": e.pk, "user_id": e.user_id, "name": e.user.display_name, "status": e.status}
                         for e in entries],
    }


def _pulse_out(pulse: Pulse, medians) -> dict:
    return {
        **{name: getattr(pulse, name) for name in (
            "user_id", "name", "last_contact_at", "days_since_last", "last_7", "last_30", "last_90",
            "first_hand_share", "segments_met", "buyers_met", "end_users_met", "internal_met",
            "competitor_mentions", "insulated")},
        "settings_met": list(pulse.settings_met),
        "figures": [{"key": c.key, "label": c.label, "value": c.value, "team_median": c.median,
                     "better_than_median": c.better} for c in compare_with_team(pulse, medians)],
    }


@router.get("/challenges", response=list[ChallengeOut])
def list_challenges(request: WorkspaceRequest):
    return [_challenge_out(c) for c in selectors.challenge_list(request.workspace)]


@router.get("/challenges/{challenge_id}", response=ChallengeOut)
def read_challenge(request: WorkspaceRequest, challenge_id: int):
    return _challenge_out(get_scoped(Challenge, request.workspace, pk=challenge_id))


@router.post("/challenges", response={201: ChallengeOut, 403: dict})
def create_challenge(request: WorkspaceRequest, payload: ChallengeIn):
    data = payload.model_dump()
    invitees = resolve_refs(request.workspace, {"invitee_ids": data.pop("invitee_ids")},
                            {"invitee_ids": User})["invitees"]
    try:
        challenge = services.create_challenge(request.workspace, request.user, data, invitees)
    except PermissionDenied as exc:
        return 403, {"detail": str(exc)}
    return 201, _challenge_out(challenge)


@router.post("/challenges/{challenge_id}/join", response={200: ChallengeOut, 403: dict},
             summary="Join a challenge, or accept an invitation to it")
def join_challenge(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge, request.workspace, pk=challenge_id)
    try:
        services.join_challenge(challenge, request.user)
    except PermissionDenied as exc:
        return 403, {"detail": str(exc)}
    return 200, _challenge_out(challenge)


@router.post("/challenges/{challenge_id}/decline", response=ChallengeOut, summary="Decline an invitation")
def decline_challenge(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge, request.workspace, pk=challenge_id)
    entry = challenge.participants.filter(user=request.user).exclude(status=ParticipantStatus.DECLINED).first()
    if entry is None:
        raise Http404("No invitation to decline.")
    services.respond_to_invitation(entry, request.user, accept=False)
    return _challenge_out(challenge)


@router.get("/challenges/{challenge_id}/leaderboard", response=LeaderboardOut)
def challenge_leaderboard(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge, request.workspace, pk=challenge_id)
    board = selectors.leaderboard(challenge)
    return {"challenge_id": challenge.pk, "weekly_target": challenge.weekly_target, "weeks": board.span.weeks,
            "rows": [vars(r) for r in board.rows], "pending": [r.name for r in board.pending]}


@router.get("/pulse/me", response=PulseOut, summary="Your own customer pulse, with the leaders' medians")
def my_pulse(request: WorkspaceRequest):
    team = selectors.team_pulse(request.workspace, include=request.user)
    return _pulse_out(team.of(request.user.pk), team.medians)


@router.get("/pulse/leaders", response=list[PulseOut], summary="Every leader's customer pulse")
def leaders_pulse(request: WorkspaceRequest):
    team = selectors.team_pulse(request.workspace)
    return [_pulse_out(p, team.medians) for p in team.pulses]


@router.get("/pulse/leaders/{user_id}", response=PulseOut, summary="One leader's customer pulse")
def leader_pulse(request: WorkspaceRequest, user_id: int):
    team = selectors.team_pulse(request.workspace)
    pulse = team.of(user_id)
    if pulse is None:
        raise Http404("No such leader in this workspace.")
    return _pulse_out(pulse, team.medians)
