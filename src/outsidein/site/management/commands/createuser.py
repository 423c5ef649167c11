from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.workspaces import services
from outsidein.workspaces.models import Role, User, Workspace


class Command(BaseCommand):
    help = "Create a user (log in with e-mail) and optionally add them to a workspace."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--workspace", help="Slug of a workspace to join.")
        parser.add_argument("--create-workspace", metavar="NAME",
                            help="Create a workspace with this name, owned by the user.")
        parser.add_argument("--role", choices=Role.values, default=Role.MEMBER)
        parser.add_argument("--staff", action="store_true", help="May use the admin site.")

    def handle(self, *args: Any, email: str, password: str, name: str, workspace: str | None,
               create_workspace: str | None, role: str, staff: bool, **options: Any) -> None:
        if User.objects.filter(email=email.lower()).exists():
            raise CommandError(f"A user with e-mail {email} already exists.")
        # Check the workspace before creating anything, so a typo in the slug leaves no half-made user.
        if workspace and not Workspace.objects.filter(slug=workspace).exists():
            raise CommandError(f"No workspace with slug “{workspace}”.")
        user = User.objects.create_user(email, password, name=name, is_staff=staff, is_superuser=staff)
        self.stdout.write(f"Created user {user.email}.")
        if create_workspace:
            try:
                ws = services.create_workspace(create_workspace, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(f"Created workspace {ws.name} (/w/{ws.slug}/), owned by {user.email}.")
        if workspace:
            joined = Workspace.objects.filter(slug=workspace).first()
            if joined is None:
                raise CommandError(f"No workspace with slug “{workspace}”.")
            services.add_member(joined, user, role)
            self.stdout.write(f"Added {user.email} to {joined.name} as {role}.")
