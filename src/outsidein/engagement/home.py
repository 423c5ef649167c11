"""The pulse block of the workspace home page: the viewer's pulse beside the team's, their challenge row,
what waits for them. Reads only: planned conversations that have happened count as logged at once (the
selectors read them so), the hourly job writes the rollover."""

from outsidein.engagement import selectors
from outsidein.engagement.pulse import compare_with_team
from outsidein.workspaces.http import WorkspaceRequest

HOME_TILES = 4  # the first of pulse.FIGURES: days since the last first-hand conversation, and 7, 30 and 90 days


def home_pulse_context(request: WorkspaceRequest) -> dict:
    # The tiles show contact figures only (days since, 7/30/90 days): the highlight passes are not needed.
    team = selectors.team_pulse(request.workspace, viewer_tz=request.user.time_zone, include=request.user,
                                highlights=False)
    mine = team.of(request.user.pk)
    challenge = selectors.active_challenge(request.workspace)
    board = selectors.leaderboard(challenge) if challenge else None
    return {
        "pulse": mine, "pulse_rows": compare_with_team(mine, team.medians)[:HOME_TILES],
        "pulse_medians": team.medians,
        "pulse_challenge": challenge, "pulse_my_row": next((r for r in board.rows if r.user_id == request.user.pk),
                                                           None) if board else None,
        "pulse_reminders": list(selectors.notes_reminders(request.workspace, request.user)[:5]),
        "pulse_invitations": list(selectors.open_invitations(request.workspace, request.user)),
        "pulse_host_requests": list(selectors.pending_host_requests(request.workspace, request.user)[:20]),
    }
