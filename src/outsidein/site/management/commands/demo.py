from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outsidein.site.demo.builder import build_demo, demo_exists, demo_login
from outsidein.workspaces.models import Workspace


class Command(BaseCommand):
    help = "Build the demo workspace (Northwind Freight): leaders, customers and six months of conversations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Only when the database has no workspace yet (what `make run` uses).")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, if_empty: bool, seed: int, **options: Any) -> None:
        email, password = demo_login()
        if demo_exists() or (if_empty and Workspace.objects.exists()):
            self.stdout.write("The database already has data; demo not rebuilt.")
        else:
            ctx = build_demo(seed=seed)
            self.stdout.write(
                f"Built demo workspace “{ctx.workspace.name}”: {len(ctx.leaders)} leaders, {len(ctx.members)} members, "
                f"{len(ctx.accounts)} accounts, {len(ctx.persons)} people, {len(ctx.conversations)} conversations, "
                f"{len(ctx.highlights)} highlights."
            )
        if demo_exists():
            self.stdout.write(f"Demo login: {email} / {password}")


