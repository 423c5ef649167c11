import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outsidein.core.exports import write_csv
from outsidein.site.exports import EXPORTS
from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction
from outsidein.workspaces.selectors import workspace_for_command


class Command(BaseCommand):
    help = "Export accounts, persons, conversations or highlights as CSV (to a file or standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("--out", type=Path, help="File to write (default: standard output).")
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")

    def handle(self, *args: Any, kind: str, out: Path | None, workspace: str | None, **options: Any) -> None:
        ws = workspace_for_command(workspace)
        audit.record(ws, AuditAction.EXPORTED, f"{kind} (CSV)", detail={"to": str(out) if out else "standard output"})
        if out:
            with out.open("w", newline="", encoding="utf-8") as handle:
                count = write_csv(csv.writer(handle), EXPORTS[kind](ws))
            self.stderr.write(f"Wrote {count} {kind} to {out}.")
        else:
            write_csv(csv.writer(sys.stdout), EXPORTS[kind](ws))
