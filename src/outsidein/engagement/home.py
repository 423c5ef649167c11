"""The pulse block of the workspace home page: the viewer's pulse beside the team's, their challenge row,
what waits for them. Reads only, apart from rolling over the viewer's own planned conversations that have
happened (so their "add notes" reminder shows at once; everyone else's roll over with the hourly job)."""

from outsidein.engagement import selectors, services
from outsidein.engagement.pulse import compare_with_team


def home_pulse_context(request) -> dict:
    services.roll_over_planned(workspace=request.workspace, member=request.user)
    team = selectors.team_pulse(request.workspace, viewer_tz=request.user.time_zone, include=request.user)
    mine = team.of(request.user.pk)
    challenge = selectors.active_challenge(request.workspace)
    board = selectors.leaderboard(challenge) if challenge else None
    return {
        "pulse": mine, "pulse_rows": compare_with_team(mine, team.medians)[:4], "pulse_medians": team.medians,
        "pulse_challenge": challenge, "pulse_my_row": next((r for r in board.rows if r.user_id == request.user.pk),
                                                           None) if board else None,
        "pulse_reminders": list(selectors.notes_reminders(request.workspace, request.user)[:5]),
        "pulse_invitations": list(selectors.open_invitations(request.workspace, request.user)),
        "pulse_host_requests": list(selectors.pending_host_requests(request.workspace, request.user)[:20]),
    }
