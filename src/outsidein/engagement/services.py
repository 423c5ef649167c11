"""Use cases for challenges, reads, host requests, the planned→logged rollover and calendar feeds.

One transaction each; pages, the API, the scheduler and the CLI all come through here.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Conversation, Status
from outsidein.conversations.services import save_conversation
from outsidein.core.scoping import assert_same_workspace
from outsidein.core.times import local_time
from outsidein.engagement.models import (
    CalendarFeed,
    Challenge,
    ChallengeParticipant,
    ConversationRead,
    DigestOptOut,
    HostRequest,
    HostRequestStatus,
    ParticipantStatus,
)
from outsidein.workspaces.models import Membership, Role, Workspace

log = logging.getLogger(__name__)

CHALLENGE_FIELDS = {"name", "description", "starts_on", "ends_on", "weekly_target"}
HOST_REQUEST_FIELDS = {"host", "kind", "account", "proposed_at", "duration_minutes", "note"}


def _membership(workspace: Workspace, user) -> Membership | None:
    return Membership.objects.filter(workspace=workspace, user=user).first()


def _require_leader(workspace: Workspace, user, what: str) -> None:
    membership = _membership(workspace, user)
    if membership is None or membership.role not in (Role.OWNER, Role.LEADER):
        raise PermissionDenied(f"Only leaders and owners can {what}.")


# --- challenges ----------------------------------------------------------------------------------------

@transaction.atomic
def create_challenge(workspace: Workspace, actor, data: dict[str, Any], invitees: Iterable = ()) -> Challenge:
    """Start a challenge; its creator takes part, the invited leaders are asked to accept."""
    _require_leader(workspace, actor, "start a challenge")
    unknown = set(data) - CHALLENGE_FIELDS
    if unknown:
        raise ValidationError({name: "Not a challenge field." for name in unknown})
    challenge = Challenge(workspace=workspace, created_by=actor, **data)
    challenge.full_clean()
    challenge.save()
    ChallengeParticipant.objects.create(workspace=workspace, challenge=challenge, user=actor,
                                        status=ParticipantStatus.ACCEPTED, invited_by=actor,
                                        responded_at=timezone.now())
    invite_leaders(challenge, actor, invitees)
    return challenge


@transaction.atomic
def update_challenge(challenge: Challenge, actor, data: dict[str, Any]) -> Challenge:
    _require_leader(challenge.workspace, actor, "change a challenge")
    for name, value in data.items():
        if name not in CHALLENGE_FIELDS:
            raise ValidationError({name: "Not a challenge field."})
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save()
    return challenge


@transaction.atomic
def invite_leaders(challenge: Challenge, actor, users: Iterable) -> list[ChallengeParticipant]:
    """Invite leaders of the workspace; someone already in (or who declined) is left as they are."""
    users = [u for u in users if u is not None]
    if not users:
        return []
    leader_ids = set(Membership.objects.filter(workspace=challenge.workspace, role__in=(Role.OWNER, Role.LEADER),
                                               user__in=users).values_list("user_id", flat=True))
    outsiders = [u for u in users if u.pk not in leader_ids]
    if outsiders:
        names = ", ".join(str(u) for u in outsiders)
        raise ValidationError({"invitees": f"Only leaders and owners of this workspace can take part: {names}."})
    created = []
    for user in users:
        entry, was_new = ChallengeParticipant.objects.get_or_create(
            challenge=challenge, user=user,
            defaults={"workspace": challenge.workspace, "invited_by": actor, "status": ParticipantStatus.INVITED})
        if was_new:
            created.append(entry)
    return created


@transaction.atomic
def respond_to_invitation(entry: ChallengeParticipant, actor, accept: bool) -> ChallengeParticipant:
    if entry.user_id != actor.pk:
        raise PermissionDenied("Only the person invited can answer an invitation.")
    entry.status = ParticipantStatus.ACCEPTED if accept else ParticipantStatus.DECLINED
    entry.responded_at = timezone.now()
    entry.save(update_fields=["status", "responded_at"])
    return entry


@transaction.atomic
def join_challenge(challenge: Challenge, actor) -> ChallengeParticipant:
    """Join (or accept an invitation to) a challenge; open to every leader of the workspace."""
    _require_leader(challenge.workspace, actor, "take part in a challenge")
    entry, _ = ChallengeParticipant.objects.get_or_create(
        challenge=challenge, user=actor, defaults={"workspace": challenge.workspace, "invited_by": actor})
    if entry.status != ParticipantStatus.ACCEPTED:
        entry.status = ParticipantStatus.ACCEPTED
        entry.responded_at = timezone.now()
        entry.save(update_fields=["status", "responded_at"])
    return entry


# --- reads ---------------------------------------------------------------------------------------------

def record_read(conversation: Conversation, user) -> bool:
    """Count the conversation's highlights as reaching ``user`` relayed, unless they were present.

    Returns whether a new read was recorded. Called on every detail view, so it must stay cheap and quiet.
    """
    if not getattr(user, "is_authenticated", False) or conversation.status != Status.LOGGED:
        return False
    if any(m.pk == user.pk for m in conversation.members.all()):
        return False
    try:
        with transaction.atomic():
            _, created = ConversationRead.objects.get_or_create(
                conversation=conversation, user=user, defaults={"workspace_id": conversation.workspace_id})
    except IntegrityError:  # two tabs opened at once
        return False
    return created


# --- planning ------------------------------------------------------------------------------------------

@transaction.atomic
def request_host(workspace: Workspace, actor, data: dict[str, Any], *, notify: bool = True) -> HostRequest:
    unknown = set(data) - HOST_REQUEST_FIELDS
    if unknown:
        raise ValidationError({name: "Not a host request field." for name in unknown})
    assert_same_workspace(workspace, data.get("account"))
    host = data.get("host")
    if host is None or _membership(workspace, host) is None:
        raise ValidationError({"host": "Choose a member of this workspace to host you."})
    if data.get("proposed_at") and data["proposed_at"] <= timezone.now():
        raise ValidationError({"proposed_at": "Propose a time in the future."})
    host_request = HostRequest(workspace=workspace, requested_by=actor, **data)
    host_request.full_clean()
    host_request.save()
    if notify:
        kind = host_request.get_kind_display().lower()
        where = f" at {host_request.account}" if host_request.account else ""
        _notify(host_request.host, f"{actor.display_name} asks you to host a {kind}",
                f"{actor.display_name} would like to join you for a {kind}{where} "
                f"on {local_time(host_request.proposed_at, host_request.host.time_zone)}.\n\n{host_request.note}\n\n"
                f"Accept or decline, with a note: {_planning_url(workspace)}")
    return host_request


def _planning_url(workspace: Workspace) -> str:
    return settings.SITE_URL + reverse("planning", kwargs={"ws": workspace.slug})


def _notify(user, subject: str, body: str) -> None:
    """A plain e-mail once the change is saved; a mail server that is down must not undo the request."""
    if user.email:
        transaction.on_commit(lambda: _send_notice(subject, body, user.email))


def _send_notice(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except OSError:  # smtplib's errors are OSErrors too: refused, unreachable, timed out
        log.exception("Notice to %s could not be sent", address)


@transaction.atomic
def answer_host_request(host_request: HostRequest, actor, *, accept: bool, note: str = "",
                        notify: bool = True) -> HostRequest:
    """The host accepts (a planned conversation with both of them present is created) or declines, with a note."""
    if host_request.host_id != actor.pk:
        raise PermissionDenied("Only the host asked can answer this request.")
    if not host_request.is_pending:
        raise ValidationError("This request was already answered.")
    host_request.response_note = note.strip()
    host_request.responded_at = timezone.now()
    host_request.status = HostRequestStatus.ACCEPTED if accept else HostRequestStatus.DECLINED
    if accept:
        requester = host_request.requested_by
        host_request.conversation = save_conversation(
            host_request.workspace, requester,
            {"kind": host_request.kind, "occurred_at": host_request.proposed_at, "account": host_request.account,
             "duration_minutes": host_request.duration_minutes, "led_by": host_request.host,
             "title": f"{host_request.get_kind_display()} hosted by {host_request.host.display_name}",
             "status": Status.PLANNED},
            members=[requester, host_request.host],
        )
    host_request.save()
    if notify:
        answer = "accepted" if accept else "declined"
        _notify(host_request.requested_by, f"{actor.display_name} {answer} your request",
                f"{actor.display_name} {answer} hosting your {host_request.get_kind_display().lower()} on "
                f"{local_time(host_request.proposed_at, host_request.requested_by.time_zone)}."
                + (f"\n\nTheir note: {host_request.response_note}" if host_request.response_note else "")
                + (f"\n\nIt is planned for both of you: {_planning_url(host_request.workspace)}" if accept else ""))
    return host_request


@transaction.atomic
def withdraw_host_request(host_request: HostRequest, actor) -> HostRequest:
    if host_request.requested_by_id != actor.pk:
        raise PermissionDenied("Only the person who asked can withdraw a request.")
    if not host_request.is_pending:
        raise ValidationError("This request was already answered.")
    host_request.status = HostRequestStatus.WITHDRAWN
    host_request.responded_at = timezone.now()
    host_request.save(update_fields=["status", "responded_at"])
    return host_request


def roll_over_planned(now: datetime | None = None) -> int:
    """Planned conversations whose time has passed become logged ones (then listed as 'add notes').

    Idempotent: one UPDATE, run hourly by the scheduler. Pages never run it: their selectors read a planned
    conversation that is past as logged already (``conversations.selectors.took_place``), so a page shows the
    rolled-over state before this job has run and a GET writes nothing.
    """
    now = now or timezone.now()
    due = Conversation.objects.filter(status=Status.PLANNED, occurred_at__lte=now)
    return due.update(status=Status.LOGGED, updated_at=now)


# --- calendar feeds ------------------------------------------------------------------------------------

@transaction.atomic
def create_calendar_feed(workspace: Workspace, user) -> tuple[CalendarFeed, str]:
    """A new private feed address; any earlier one stops working. The secret is shown only this once."""
    revoke_calendar_feeds(workspace, user)
    secret, token_hash = CalendarFeed.new_secret()
    feed = CalendarFeed.objects.create(workspace=workspace, user=user, token_hash=token_hash, hint=secret[:10])
    return feed, secret


def revoke_calendar_feeds(workspace: Workspace, user) -> int:
    return CalendarFeed.objects.filter(workspace=workspace, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())


# --- digest subscription -------------------------------------------------------------------------------

def unsubscribe_from_digest(workspace: Workspace, user) -> bool:
    _, created = DigestOptOut.objects.get_or_create(workspace=workspace, user=user)
    return created


def resubscribe_to_digest(workspace: Workspace, user) -> None:
    DigestOptOut.objects.filter(workspace=workspace, user=user).delete()
