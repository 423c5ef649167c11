from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from outsidein.core.charts import heatmap
from outsidein.core.crud import form_page
from outsidein.core.scoping import get_scoped, scoped
from outsidein.engagement import forms, sections, selectors, services
from outsidein.engagement.calendar import build_feed
from outsidein.engagement.charts import challenge_week_chart, pulse_chart
from outsidein.engagement.digest import membership_from_token, preview_digest
from outsidein.engagement.models import CalendarFeed, Challenge, ChallengeParticipant, HostRequest, ParticipantStatus
from outsidein.engagement.pulse import compare_with_team
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.middleware import viewer_may_post


def _is_leader(request: WorkspaceRequest) -> bool:
    return bool(request.membership and request.membership.is_leader)


# --- pulse -------------------------------------------------------------------------------------------

@login_required
def pulse(request: WorkspaceRequest):
    team = selectors.team_pulse(request.workspace, viewer_tz=request.user.time_zone, include=request.user)
    mine = team.of(request.user.pk)
    return render(request, "engagement/pulse.html", {
        "pulse": mine, "comparisons": compare_with_team(mine, team.medians), "chart": pulse_chart(team, mine.user_id),
        "reminders": selectors.notes_reminders(request.workspace, request.user)[:10],
        "team_size": len(team.pulses),
        # What later areas add (the replies the viewer owes customers, the loop figures): engagement/sections.py.
        "sections": sections.shown(request.workspace, request.user, timezone.now()),
    })


@login_required
def digest_preview(request: WorkspaceRequest):
    """The weekly digest as it would go out this week to the person looking: the same builder and the same body as
    the e-mail, with nothing sent or logged."""
    membership = request.membership
    digest = preview_digest(membership)
    if membership.role not in selectors.LEADER_ROLES:
        receives = "You do not receive it: it goes to owners and leaders. This is what it would say to you."
    elif not selectors.receives_digest(request.workspace, request.user):
        receives = "You have unsubscribed from it: this is what it would say to you."
    else:
        receives = f"It goes to {request.user.email} on Monday morning."
    return render(request, "engagement/digest_preview.html", {"d": digest, "receives": receives})


@login_required
def pulse_team(request: WorkspaceRequest):
    team = selectors.team_pulse(request.workspace, viewer_tz=request.user.time_zone)
    ordered = sorted(team.pulses, key=lambda p: p.name.lower())
    grid = heatmap([p.name for p in ordered], [d.strftime("%-d %b") for d in team.week_starts],
                   [p.weekly for p in ordered], title="First-hand customer conversations per week, last 12 weeks")
    return render(request, "engagement/team.html", {
        "team": team, "pulses": ordered, "heatmap": grid, "chart": pulse_chart(team, request.user.pk),
        "insulated": team.insulated, "medians": team.medians,
    })


# --- challenges --------------------------------------------------------------------------------------

@login_required
def challenge_list(request: WorkspaceRequest):
    today = timezone.now().date()
    challenges = list(selectors.challenge_list(request.workspace))
    return render(request, "engagement/challenges.html", {
        "current": [c for c in challenges if c.ends_on >= today],
        "past": [c for c in challenges if c.ends_on < today],
        "invitations": selectors.open_invitations(request.workspace, request.user),
        "is_leader": _is_leader(request),
    })


@login_required
def challenge_create(request: WorkspaceRequest):
    if not _is_leader(request):
        raise PermissionDenied("Only leaders and owners can start a challenge.")
    form = forms.ChallengeForm(request.POST or None, workspace=request.workspace, actor=request.user)

    def save(data: dict) -> Challenge:
        return services.create_challenge(request.workspace, request.user,
                                         {name: data[name] for name in form.Meta.fields}, data["invitees"])

    return form_page(request, form, save, "engagement/challenge_form.html",
                     message=lambda challenge: f"“{challenge.name}” started. Invitations are waiting for the others.")


@login_required
def challenge_detail(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge.objects.select_related("created_by", "workspace"), request.workspace,
                           pk=challenge_id)
    board = selectors.leaderboard(challenge)
    entries = list(selectors.participants(challenge))
    mine = next((e for e in entries if e.user_id == request.user.pk), None)
    chart = challenge_week_chart(board, challenge.weekly_target, request.user.pk)
    # Weeks to come are empty: show the columns up to the latest current week of anyone on the board.
    shown = max([r.current_week + 1 for r in board.rows] + [1])
    for row in board.rows:
        row.shown_weekly = row.weekly[:shown]
    invite_form = forms.InviteForm(workspace=request.workspace, exclude_ids=[e.user_id for e in entries])
    return render(request, "engagement/challenge_detail.html", {
        "challenge": challenge, "board": board, "chart": chart, "mine": mine,
        "declined": [e for e in entries if e.status == ParticipantStatus.DECLINED],
        "weeks": range(1, shown + 1), "is_leader": _is_leader(request),
        "can_join": _is_leader(request) and (mine is None or mine.status == ParticipantStatus.DECLINED),
        "invite_form": invite_form if invite_form.fields["invitees"].queryset.exists() else None,
    })


@login_required
@require_POST
def challenge_invite(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge, request.workspace, pk=challenge_id)
    if not _is_leader(request):
        raise PermissionDenied("Only leaders and owners can invite to a challenge.")
    form = forms.InviteForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        invited = services.invite_leaders(challenge, request.user, form.cleaned_data["invitees"])
        messages.success(request, f"Invited {', '.join(e.user.display_name for e in invited) or 'nobody new'}.")
    else:
        messages.error(request, "Choose at least one leader to invite.")
    return redirect(challenge.get_absolute_url())


@login_required
@require_POST
def challenge_join(request: WorkspaceRequest, challenge_id: int):
    challenge = get_scoped(Challenge, request.workspace, pk=challenge_id)
    services.join_challenge(challenge, request.user)
    messages.success(request, f"You are in “{challenge.name}”. Good luck!")
    return redirect(challenge.get_absolute_url())


@login_required
@require_POST
def participant_respond(request: WorkspaceRequest, participant_id: int):
    entry = get_scoped(ChallengeParticipant.objects.filter(user=request.user).select_related("challenge"),
                       request.workspace, pk=participant_id)
    accept = request.POST.get("answer") == "accept"
    services.respond_to_invitation(entry, request.user, accept)
    messages.success(request, f"You joined “{entry.challenge.name}”." if accept
                     else f"You declined “{entry.challenge.name}”.")
    return redirect(entry.challenge.get_absolute_url() if accept else reverse("challenge-list",
                                                                                kwargs={"ws": request.workspace.slug}))


# --- planning ----------------------------------------------------------------------------------------

UPCOMING_SHOWN = 20  # the next plans on the planning page; the calendar feed has them all

def _planning_context(request: WorkspaceRequest, form=None) -> dict:
    requests = list(selectors.host_requests_for(request.workspace, request.user)[:30])
    accounts, segments = selectors.suggestions(request.workspace, request.user)
    now = timezone.now()
    upcoming = selectors.planned_for(request.workspace, request.user, now, now + timedelta(days=60))
    shown = list(upcoming[:UPCOMING_SHOWN + 1])  # one more than shown tells whether there are more
    return {
        "form": form or forms.HostRequestForm(workspace=request.workspace, actor=request.user),
        "incoming": [r for r in requests if r.host_id == request.user.pk],
        "outgoing": [r for r in requests if r.requested_by_id == request.user.pk],
        "answer_form": forms.HostAnswerForm(),
        "suggested_accounts": accounts, "suggested_segments": segments,
        "reminders": selectors.notes_reminders(request.workspace, request.user, now)[:10],
        "upcoming": shown[:UPCOMING_SHOWN], "upcoming_more": len(shown) > UPCOMING_SHOWN,
    }


@login_required
def planning(request: WorkspaceRequest):
    form = forms.HostRequestForm(request.POST or None, workspace=request.workspace, actor=request.user)
    return form_page(request, form,
                     lambda data: services.request_host(request.workspace, request.user,
                                                        {n: data[n] for n in form.Meta.fields}),
                     "engagement/planning.html", lambda: _planning_context(request, form),
                     success_url=reverse("planning", kwargs={"ws": request.workspace.slug}),
                     message=lambda host_request: f"Asked {host_request.host.display_name} to host you.")


def _host_request(request: WorkspaceRequest, request_id: int) -> HostRequest:
    visible = HostRequest.objects.filter(Q(host=request.user) | Q(requested_by=request.user))
    return get_scoped(visible.select_related("host", "requested_by", "account"), request.workspace, pk=request_id)


@login_required
@require_POST
def host_request_answer(request: WorkspaceRequest, request_id: int):
    host_request = _host_request(request, request_id)
    form = forms.HostAnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("answer") == "withdraw":
            services.withdraw_host_request(host_request, request.user)
            messages.success(request, "Request withdrawn.")
        else:
            accept = request.POST.get("answer") == "accept"
            services.answer_host_request(host_request, request.user, accept=accept, note=note)
            messages.success(request, "Accepted: it is in both your calendars as a planned conversation."
                             if accept else "Declined; they will see your note.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning", ws=request.workspace.slug)


# --- calendar feed and digest subscription -----------------------------------------------------------

def feed_url(secret: str) -> str:
    return settings.SITE_URL + reverse("calendar-feed", kwargs={"token": secret})


@login_required
@viewer_may_post
def calendar_settings(request: WorkspaceRequest):
    secret = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _, secret = services.create_calendar_feed(request.workspace, request.user)
        elif action == "revoke":
            services.revoke_calendar_feeds(request.workspace, request.user)
            messages.success(request, "Calendar feed revoked: calendars subscribed to it no longer update.")
            return redirect("calendar-settings", ws=request.workspace.slug)
        elif action == "unsubscribe":
            services.unsubscribe_from_digest(request.workspace, request.user)
            messages.success(request, "You will no longer receive the weekly digest.")
            return redirect("calendar-settings", ws=request.workspace.slug)
        elif action == "subscribe":
            services.resubscribe_to_digest(request.workspace, request.user)
            messages.success(request, "You will receive the weekly digest on Mondays.")
            return redirect("calendar-settings", ws=request.workspace.slug)
    feed = scoped(CalendarFeed, request.workspace).filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "engagement/calendar_settings.html", {
        "feed": feed, "feed_url": feed_url(secret) if secret else None,
        "receives_digest": selectors.receives_digest(request.workspace, request.user),
        "is_leader": _is_leader(request),
    })


def calendar_feed(request, token: str):
    """The private feed: no login (calendar apps cannot log in), the secret in the address is the key."""
    feed = CalendarFeed.find(token)
    if feed is None or not feed.workspace.memberships.filter(user=feed.user).exists():
        raise Http404("No such calendar.")
    now = timezone.now()
    conversations = selectors.planned_for(feed.workspace, feed.user, now - timedelta(days=30),
                                          now + timedelta(days=366)).select_related("workspace")
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 300:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    body = build_feed(conversations, name=f"Outside-In: {feed.user.display_name}, {feed.workspace.name}",
                      time_zone=feed.user.time_zone)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="outsidein.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def digest_unsubscribe(request, token: str):
    """The link in every digest: opts the member out without logging in (the signed token is the proof)."""
    membership = membership_from_token(token)
    if membership is None:
        raise Http404("This unsubscribe link is not valid.")
    services.unsubscribe_from_digest(membership.workspace, membership.user)
    return render(request, "engagement/unsubscribed.html", {"membership": membership})
