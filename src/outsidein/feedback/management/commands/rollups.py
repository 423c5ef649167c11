"""`outsidein rollups rebuild [--workspace SLUG]` / `outsidein rollups check`: the score rollup from the items.

Writes keep the rollup in step by themselves; rebuilding is for repairs (a restore of the feedback table
alone, rows written by hand) and is safe at any time: each workspace is recounted in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.feedback import rollups
from outsidein.workspaces.models import Workspace


class Command(BaseCommand):
    help = "Rebuild or check the score rollup and the feedback tallies from the feedback items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--workspace", help="Slug of one workspace (default: every workspace).")

    def handle(self, *args: Any, action: str, workspace: str | None = None, **options: Any) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if workspace:
            workspaces = workspaces.filter(slug=workspace)
            if not workspaces.exists():
                raise CommandError(f"No workspace with the slug “{workspace}”.")
        differences = 0
        for ws in workspaces:
            started = time.perf_counter()
            if action == "rebuild":
                slices, names = rollups.rebuild(ws)
                self.stdout.write(f"{ws.slug}: {slices:,} day slices and {names:,} names counted "
                                  f"in {time.perf_counter() - started:.1f} s")
            else:
                wrong = rollups.differences(ws)
                differences += len(wrong)
                status = "in step" if not wrong else f"{len(wrong):,} slices or names differ, e.g. {wrong[0]}"
                self.stdout.write(f"{ws.slug}: {status}")
        if differences:
            raise CommandError("The rollup differs from the items: run `outsidein rollups rebuild`.")
