from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outsidein.customers.imports import IMPORTERS, RowError
from outsidein.workspaces.selectors import workspace_for_command


class Command(BaseCommand):
    help = "Import accounts or persons from a CSV file. Rejected rows are listed with their line and reason."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")

    def handle(self, *args, kind, file, workspace, **options):
        ws = workspace_for_command(workspace)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            report = IMPORTERS[kind](ws, raw)
        except RowError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for row in report.rejected:
            self.stderr.write(f"{file}:{row.line}: {row.reason}")
        self.stdout.write(f"{kind.capitalize()} from {file} into {ws.slug}: {report.summary()}.")
