"""`outsidein loop owed`: the customers waiting to hear back, per leader, the longest waiting first."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outsidein.loop import figures
from outsidein.workspaces.models import User, Workspace

SHOWN_PER_LEADER = 50


class Command(BaseCommand):
    help = "Closing the loop with customers. `owed` lists the customers waiting to hear back, per leader."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        owed = actions.add_parser("owed", help="Customers who raised a suggestion and have heard nothing back.")
        owed.add_argument("--workspace", metavar="SLUG", help="Only this workspace (default: every workspace).")
        owed.add_argument("--days", type=int, metavar="N",
                          help="Raised more than N days ago (default: OUTSIDEIN_LOOP_OWED_DAYS, 14).")
        owed.add_argument("--leader", metavar="EMAIL", help="Only the suggestions this member owns.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "owed":
            self.owed(options.get("workspace"), options.get("days"), options.get("leader"))

    def owed(self, slug: str | None, days: int | None, email: str | None) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        workspaces = Workspace.objects.order_by("slug")
        if slug:
            workspaces = workspaces.filter(slug=slug)
            if not workspaces.exists():
                raise CommandError(f"No workspace with the slug “{slug}”.")
        leader = None
        if email:
            leader = User.objects.filter(email__iexact=email).first()
            if leader is None:
                raise CommandError(f"No user with the e-mail “{email}”.")
        for workspace in workspaces:
            if leader is not None and not workspace.memberships.filter(user=leader).exists():
                if slug:
                    raise CommandError(f"{email} is not a member of “{slug}”.")
                continue
            self.print_workspace(workspace, figures.owed_replies(workspace, owner=leader, days=days,
                                                                 limit=SHOWN_PER_LEADER))

    def print_workspace(self, workspace: Workspace, owed: figures.OwedReplies) -> None:
        waiting = f"{owed.total} customer{'s' if owed.total != 1 else ''}"
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"{workspace.name} ({workspace.slug}): {waiting} waiting to hear back, raised more than "
            f"{figures.days_label(owed.days)} ago"))
        for leader in owed.leaders:
            self.stdout.write(f"  {leader.name}: {leader.count} waiting")
            for reply in leader.rows:
                raiser = reply.raiser
                where = f" ({reply.account_name})" if reply.account_name else ""
                words = raiser.words if len(raiser.words) <= 100 else raiser.words[:99] + "…"
                self.stdout.write(f"    {reply.waiting:>10}  {raiser.person}{where}: “{words}”"
                                  f" on “{raiser.suggestion.title}”")
            if leader.more:
                self.stdout.write(f"    … and {leader.more} more")
