"""The weekly digest: each leader's pulse, the challenge leaderboard, next week's plans and colleagues' highlights.

Sending is idempotent per member and ISO week: a ``DigestDelivery`` row (unique per membership and week) is
created *before* the message goes out, so a rerun of the task in the same week, or two workers running it at
once, sends nothing twice. If the SMTP server refuses a message its row is removed, so the next run retries.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outsidein.engagement import selectors
from outsidein.engagement.charts import pulse_chart
from outsidein.engagement.leaderboard import Leaderboard
from outsidein.engagement.models import DigestDelivery, DigestOptOut
from outsidein.engagement.pulse import Comparison, Pulse, compare_with_team
from outsidein.engagement.sections import ShownSection, shown
from outsidein.workspaces.models import Membership, Workspace

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "outsidein.engagement.digest.unsubscribe"


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_from_token(token: str) -> Membership | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return (Membership.objects.select_related("workspace", "user")
            .filter(pk=data.get("m"), user_id=data.get("u")).first())


def unsubscribe_url(membership: Membership) -> str:
    return settings.SITE_URL + reverse("digest-unsubscribe", kwargs={"token": unsubscribe_token(membership)})


@dataclass
class Digest:
    membership: Membership
    week: str
    pulse: Pulse
    comparisons: list[Comparison]
    chart: str
    challenge: object | None
    leaderboard: Leaderboard | None
    planned: list
    highlights: list
    unsubscribe_url: str
    site_url: str
    pulse_url: str
    subject: str = ""
    sections: list[ShownSection] = field(default_factory=list)  # what later areas add (engagement/sections.py)

    @property
    def figures(self) -> dict[str, object]:
        """The numbers the digest states, for the CLI's dry run and the delivery log."""
        return {
            "days_since_last": self.pulse.days_since_last, "last_7": self.pulse.last_7,
            "last_30": self.pulse.last_30, "last_90": self.pulse.last_90,
            "planned_next_week": len(self.planned), "colleague_highlights": len(self.highlights),
            "challenge_rank": next((r.rank for r in self.leaderboard.rows
                                    if r.user_id == self.membership.user_id), None) if self.leaderboard else None,
        } | {name: value for s in self.sections for name, value in s.section.figures(s.context).items()}


@dataclass
class DigestReport:
    workspace: str
    email: str
    subject: str
    figures: dict[str, object] = field(default_factory=dict)
    outcome: str = "sent"  # sent | would send | already sent this week | failed


def subject_for(pulse: Pulse, week: str) -> str:
    if pulse.days_since_last is None:
        lead = "no first-hand customer conversation yet"
    elif pulse.days_since_last >= 30:
        lead = f"{pulse.days_since_last} days since your last customer conversation"
    else:
        lead = f"{pulse.last_30} first-hand customer conversation{'s' if pulse.last_30 != 1 else ''} in 30 days"
    return f"Your customer pulse, week {week.split('-W')[-1]}: {lead}"


def recipients(workspace: Workspace):
    opted_out = DigestOptOut.objects.filter(workspace=workspace).values("user_id")
    return (selectors.leader_memberships(workspace).filter(user__is_active=True).exclude(user_id__in=opted_out)
            .exclude(user__email=""))


def build_digests(workspace: Workspace, now: datetime | None = None) -> list[Digest]:
    """The digest of every leader of the workspace who has not opted out (not yet rendered or sent)."""
    now = now or timezone.now()
    members = list(recipients(workspace))
    if not members:
        return []
    team = selectors.team_pulse(workspace, now)
    return _digests(workspace, members, team, now)


def preview_digest(membership: Membership, now: datetime | None = None) -> Digest:
    """This week's digest of ``membership`` as it would go out, for the web preview: nothing is sent or logged,
    and a member who does not receive it (not a leader, opted out) still sees what it would say."""
    now = now or timezone.now()
    team = selectors.team_pulse(membership.workspace, now, include=membership.user)
    return _digests(membership.workspace, [membership], team, now)[0]


def _digests(workspace: Workspace, members: list[Membership], team: selectors.TeamPulse,
             now: datetime) -> list[Digest]:
    week = iso_week(now)
    challenge = selectors.active_challenge(workspace, now)
    board = selectors.leaderboard(challenge, now) if challenge else None
    pulse_url = settings.SITE_URL + reverse("pulse", kwargs={"ws": workspace.slug})
    digests = []
    for membership in members:
        membership.workspace = workspace
        mine = team.of(membership.user_id)
        digest = Digest(
            membership=membership, week=week, pulse=mine,
            comparisons=compare_with_team(mine, team.medians), chart=pulse_chart(team, membership.user_id),
            challenge=challenge, leaderboard=board,
            planned=list(selectors.planned_for(workspace, membership.user, now, now + timedelta(days=7))),
            highlights=list(selectors.colleagues_first_hand_highlights(workspace, membership.user,
                                                                       now - timedelta(days=7))),
            unsubscribe_url=unsubscribe_url(membership), site_url=settings.SITE_URL, pulse_url=pulse_url,
            sections=shown(workspace, membership.user, now),
        )
        digest.subject = subject_for(mine, week)
        digests.append(digest)
    return digests


def render_message(digest: Digest) -> EmailMultiAlternatives:
    user = digest.membership.user
    context = {"d": digest, "user": user, "workspace": digest.membership.workspace}
    # Rendered by the worker, not in a request: every date in it must still be the recipient's own.
    with timezone.override(user.tz):
        text = render_to_string("engagement/email/digest.txt", context)
        html = render_to_string("engagement/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=digest.subject, body=text, to=[digest.membership.user.email],
        headers={"List-Unsubscribe": f"<{digest.unsubscribe_url}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(digest: Digest) -> DigestDelivery | None:
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(
                workspace=digest.membership.workspace, membership=digest.membership, week=digest.week,
                email=digest.membership.user.email, subject=digest.subject[:200])
    except IntegrityError:
        return None


def send_weekly_digests(now: datetime | None = None, *, workspace: Workspace | None = None,
                        dry_run: bool = False) -> list[DigestReport]:
    """Send (or, with ``dry_run``, describe) this week's digest to every leader who has not had it yet."""
    now = now or timezone.now()
    workspaces = [workspace] if workspace is not None else list(Workspace.objects.order_by("slug"))
    reports = []
    for ws in workspaces:
        already = set(DigestDelivery.objects.filter(workspace=ws, week=iso_week(now))
                      .values_list("membership_id", flat=True))
        for digest in build_digests(ws, now):
            report = DigestReport(ws.slug, digest.membership.user.email, digest.subject, digest.figures)
            reports.append(report)
            if digest.membership.pk in already:
                report.outcome = "already sent this week"
                continue
            if dry_run:
                report.outcome = "would send"
                continue
            delivery = _claim(digest)
            if delivery is None:
                report.outcome = "already sent this week"
                continue
            try:
                render_message(digest).send()
            except Exception:  # one refused address must not stop the others
                log.exception("Digest to %s failed; it will be retried on the next run", report.email)
                delivery.delete()
                report.outcome = "failed"
                continue
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
    return reports
