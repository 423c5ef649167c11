"""`outsidein loop …`: owed replies, suggestion threads, their status and messages, customers' own links.

``owed`` lists the customers waiting to hear back, per leader, the longest waiting first; ``suggestions`` and
``messages`` list threads and the message log; ``raise``, ``status``, ``send`` and ``link`` do from a shell what
the pages do, through the same services, as the member named by ``--by``.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from outsidein.customers.models import Person
from outsidein.loop import figures, links, selectors, telling, threads
from outsidein.loop.message_selectors import message_log
from outsidein.loop.models import MessageStatus, RaisedVia, Suggestion, SuggestionStatus
from outsidein.workspaces.models import Membership, User, Workspace

SHOWN_PER_LEADER = 50
LISTED = 200


class Command(BaseCommand):
    help = "Closing the loop with customers. `owed` lists the customers waiting to hear back, per leader."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        owed = actions.add_parser("owed", help="Customers who raised a suggestion and have heard nothing back.")
        owed.add_argument("--workspace", metavar="SLUG", help="Only this workspace (default: every workspace).")
        owed.add_argument("--days", type=int, metavar="N",
                          help="Raised more than N days ago (default: OUTSIDEIN_LOOP_OWED_DAYS, 14).")
        owed.add_argument("--leader", metavar="EMAIL", help="Only the suggestions this member owns.")

        listing = actions.add_parser("suggestions", help="Suggestion threads with their reach, newest first.")
        listing.add_argument("--workspace", metavar="SLUG", required=True)
        listing.add_argument("--status", choices=SuggestionStatus.values)
        log = actions.add_parser("messages", help="The log of messages to customers, newest first.")
        log.add_argument("--workspace", metavar="SLUG", required=True)
        log.add_argument("--status", choices=MessageStatus.values)
        raising = actions.add_parser("raise", help="Record that a customer raised something (joins a repeat).")
        raising.add_argument("--workspace", metavar="SLUG", required=True)
        raising.add_argument("--by", metavar="EMAIL", required=True, help="The member recording it.")
        raising.add_argument("--words", required=True, help="What the customer said, in their words.")
        raising.add_argument("--person", metavar="EMAIL", help="The customer's e-mail address.")
        raising.add_argument("--title", default="")
        raising.add_argument("--relayed", action="store_true", help="Not heard first-hand.")
        raising.add_argument("--no-join", action="store_true", help="Start a thread even if one matches.")
        status = actions.add_parser("status", help="Move a suggestion's status (drafts the messages).")
        status.add_argument("suggestion", type=int, metavar="ID")
        status.add_argument("--workspace", metavar="SLUG", required=True)
        status.add_argument("--by", metavar="EMAIL", required=True)
        status.add_argument("--to", required=True, choices=SuggestionStatus.values)
        status.add_argument("--outcome", help="What happened; required for not_doing.")
        status.add_argument("--next-step")
        send = actions.add_parser("send", help="Send a suggestion's drafts (each message once).")
        send.add_argument("suggestion", type=int, metavar="ID")
        send.add_argument("--workspace", metavar="SLUG", required=True)
        send.add_argument("--by", metavar="EMAIL", required=True)
        link = actions.add_parser("link", help="Make a customer's private page link and print it (shown once).")
        link.add_argument("--workspace", metavar="SLUG", required=True)
        link.add_argument("--by", metavar="EMAIL", required=True)
        link.add_argument("--person", metavar="EMAIL", required=True)
        link.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "owed":
            self.owed(options.get("workspace"), options.get("days"), options.get("leader"))
            return
        workspace = self._workspace(options.pop("workspace"))
        try:
            getattr(self, f"do_{action}")(workspace, **options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _workspace(self, slug: str) -> Workspace:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug “{slug}”.")
        return workspace

    def _member(self, workspace: Workspace, email: str, *, write: bool = True) -> User:
        membership = (Membership.objects.select_related("user")
                      .filter(workspace=workspace, user__email__iexact=email).first())
        if membership is None:
            raise CommandError(f"{email} is not a member of “{workspace.slug}”.")
        if write and not membership.can_write:
            raise CommandError(f"{email} is a viewer: viewers can read but not change anything.")
        return membership.user

    def _person(self, workspace: Workspace, email: str) -> Person:
        person = Person.objects.filter(workspace=workspace, email__iexact=email).first()
        if person is None:
            raise CommandError(f"No person with the e-mail “{email}” in “{workspace.slug}”.")
        return person

    def _suggestion(self, workspace: Workspace, suggestion_id: int) -> Suggestion:
        found = Suggestion.objects.filter(workspace=workspace, pk=suggestion_id).first()
        if found is None:
            raise CommandError(f"No suggestion {suggestion_id} in “{workspace.slug}”.")
        return found

    def do_suggestions(self, workspace: Workspace, **options: Any) -> None:
        # Annotated rows (people, accounts), which the model's type does not name.
        rows: Any = selectors.suggestion_list(workspace, status=options.get("status"))[:LISTED]
        for s in rows:
            people = f"{s.people} {'person' if s.people == 1 else 'people'}"
            accounts = f"{s.accounts} account{'' if s.accounts == 1 else 's'}"
            self.stdout.write(f"{s.pk:>6}  {s.get_status_display():<20} {people:>11} at {accounts:<12} {s.title}")

    def do_messages(self, workspace: Workspace, **options: Any) -> None:
        for m in message_log(workspace, status=options.get("status"))[:LISTED]:
            when = m.sent_at or m.created_at
            self.stdout.write(f"{m.pk:>6}  {when:%Y-%m-%d %H:%M}  {m.get_status_display():<20} "
                              f"{m.get_kind_display():<20} {m.person}: {m.subject}")

    def do_raise(self, workspace: Workspace, **options: Any) -> None:
        user = self._member(workspace, options["by"])
        person = self._person(workspace, options["person"]) if options.get("person") else None
        raised = threads.raise_suggestion(workspace, user, words=options["words"], via=RaisedVia.TYPED,
                                          person=person, title=options["title"], first_hand=not options["relayed"],
                                          join=not options["no_join"])
        verb = "Joined" if raised.joined else "Raised"
        self.stdout.write(f"{verb} suggestion {raised.suggestion.pk}: {raised.suggestion.title} "
                          f"({selectors.reach(raised.suggestion).describe()})")

    def do_status(self, workspace: Workspace, **options: Any) -> None:
        user = self._member(workspace, options["by"])
        suggestion = self._suggestion(workspace, options["suggestion"])
        change = threads.change_status(suggestion, user, options["to"], outcome=options.get("outcome"),
                                       next_step=options.get("next_step"))
        drafted = change.messages.count()
        self.stdout.write(f"Suggestion {suggestion.pk} is now “{suggestion.get_status_display()}”; "
                          f"{drafted} message{'' if drafted == 1 else 's'} drafted "
                          f"(`outsidein loop send {suggestion.pk}` sends them).")

    def do_send(self, workspace: Workspace, **options: Any) -> None:
        user = self._member(workspace, options["by"])
        suggestion = self._suggestion(workspace, options["suggestion"])
        sent = telling.send_drafts(list(suggestion.messages.select_related("person")), user)
        for message in sent:
            self.stdout.write(f"  {message.get_status_display()}: {message.person} {message.email}")
        self.stdout.write(f"{sum(m.status == MessageStatus.SENT for m in sent)} sent.")

    def do_link(self, workspace: Workspace, **options: Any) -> None:
        user = self._member(workspace, options["by"])
        person = self._person(workspace, options["person"])
        days = options["days"]
        link, url = links.create_link(person, user) if days is None else links.create_link(person, user, days)
        self.stdout.write(f"{person}'s page, valid until {link.expires_at:%Y-%m-%d} (shown once):\n{url}")

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
